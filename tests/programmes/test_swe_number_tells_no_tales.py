"""Issue #12, finding 8: a Social Work England number must not tell the registering employer that the
person had an ASYE elsewhere.

Alice (A's co-ordinator) registers two NQSWs with the same facts but their Social Work England numbers:
one that employer B already holds, one that nobody holds. Everything A can see about the two (pages, API
answers, list filters, the audit trail, the CSV upload's result, emails) is the same; national staff
still see the duplicate and decide it.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from asye.audit.models import AuditEvent
from programmes.csv_rows import UPLOAD_COLUMNS
from programmes.models import FundingStatus, NationalReview, Registration
from tests.today import TODAY, days_ago

pytestmark = pytest.mark.django_db

HELD_ELSEWHERE = "SW610001"
NOBODY_HOLDS = "SW610002"
API = "/api/v1/registrations/"


def same_facts(swe_number: str) -> dict:
    """A registration starting today: always in a funding year open for registration."""
    return {
        "first_name": "Ada",
        "last_name": "Okafor",
        "email": "",
        "swe_number": swe_number,
        "qualification_date": days_ago(90).isoformat(),
        "start_date": TODAY.isoformat(),
        "contracted_hours": "37",
        "service_area": "child_and_family",
    }


def scrub(text: str) -> str:
    """A page without what differs at every request: the CSRF token and the script nonce."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'nonce="[^"]+"', "", text)


def without_identity(text: str, registration: Registration) -> str:
    """A page or answer with what differs by design taken out: the number, the id, times and tokens."""
    text = scrub(text).replace(registration.swe_number, "<swe>")
    text = text.replace(f"/{registration.pk}/", "/<id>/").replace(f"={registration.pk}", "=<id>")
    return re.sub(r"\d{4}-\d{2}-\d{2}T[0-9:.]+Z?", "<time>", text)


@pytest.fixture
def both(register, employer_a, employer_b, unscoped):
    """A's registration of a number B holds, and of a number nobody holds (registered on the start day,
    like the conftest helper, so the start is in a funding year open for registration)."""
    register(employer_b, swe_number=HELD_ELSEWHERE)
    duplicate = register(employer_a, swe_number=HELD_ELSEWHERE, first_name="Ada", last_name="Okafor")
    fresh = register(employer_a, swe_number=NOBODY_HOLDS, first_name="Ada", last_name="Okafor")
    with unscoped():
        assert NationalReview.objects.filter(registration=duplicate).exists()
        assert not NationalReview.objects.filter(registration=fresh).exists()
    return duplicate, fresh


def test_the_stored_funding_status_and_note_are_the_same(both):
    duplicate, fresh = both
    assert (duplicate.funding_status, duplicate.funding_note) == (fresh.funding_status, fresh.funding_note)
    assert duplicate.funding_status == FundingStatus.AWAITING_APPROVAL
    assert (duplicate.version, duplicate.funding_year) == (fresh.version, fresh.funding_year)


def test_the_registration_pages_look_the_same(both, client, login, employer_a):
    duplicate, fresh = both
    login(employer_a.coordinator)
    for name in ("detail", "change", "defer", "extend", "withdraw"):
        pages = [
            without_identity(client.get(reverse(f"programmes:{name}", args=[r.pk])).content.decode(), r)
            for r in (duplicate, fresh)
        ]
        assert pages[0] == pages[1], name
    listed = client.get(reverse("programmes:list")).content.decode()
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', listed, flags=re.S)
    mine = [without_identity(row, r) for r in (duplicate, fresh) for row in rows if r.swe_number in row]
    assert len(mine) == 2 and mine[0] == mine[1]


def test_the_api_answers_look_the_same(both, client, login, employer_a):
    duplicate, fresh = both
    login(employer_a.coordinator)
    answers = []
    for registration in (duplicate, fresh):
        data = client.get(f"{API}{registration.pk}/").json()
        for name in ("id", "swe_number", "created_at", "updated_at"):
            data.pop(name)
        answers.append(data)
    assert answers[0] == answers[1]
    # No filter tells them apart: each value of funding_status finds both or neither.
    for value in [*FundingStatus.values, "needs_review"]:
        response = client.get(API, {"funding_status": value})
        found = (
            {r["id"] for r in response.json()["results"]} & {duplicate.pk, fresh.pk}
            if response.status_code == 200
            else set()
        )
        assert found in (set(), {duplicate.pk, fresh.pk}), value


def test_registering_over_the_api_answers_the_same(client, login, register, employer_a, employer_b, unscoped):
    register(employer_b, swe_number=HELD_ELSEWHERE)
    login(employer_a.coordinator)
    answers = []
    for swe_number in (HELD_ELSEWHERE, NOBODY_HOLDS):
        response = client.post(API, data=json.dumps(same_facts(swe_number)), content_type="application/json")
        assert response.status_code == 201, response.content
        data = response.json()
        for name in ("id", "swe_number", "created_at", "updated_at"):
            data.pop(name)
        answers.append(data)
    assert answers[0] == answers[1]
    assert answers[0]["funding_status"] == "awaiting_approval" and answers[0]["funding_note"] == ""


def test_the_audit_trail_looks_the_same(both, unscoped, employer_a):
    duplicate, fresh = both
    with unscoped():
        events = {
            r.pk: [
                (e.action, {k: v for k, v in e.changes.items() if k != "swe_number"})
                for e in AuditEvent.objects.filter(
                    employer=employer_a.employer, object_type="programmes.registration", object_id=str(r.pk)
                ).order_by("id")
            ]
            for r in (duplicate, fresh)
        }
    assert events[duplicate.pk] == events[fresh.pk]
    assert events[fresh.pk]  # something was recorded


def test_the_csv_upload_says_the_same(client, login, register, employer_a, employer_b, unscoped):
    register(employer_b, swe_number=HELD_ELSEWHERE)
    login(employer_a.coordinator)
    done_pages, counts = [], []
    for swe_number in (HELD_ELSEWHERE, NOBODY_HOLDS):
        facts = same_facts(swe_number)
        text = ",".join(UPLOAD_COLUMNS) + "\r\n" + ",".join(facts[c] for c in UPLOAD_COLUMNS) + "\r\n"
        upload = SimpleUploadedFile("nqsws.csv", text.encode(), content_type="text/csv")
        assert client.post(reverse("registration_upload:upload"), {"file": upload}).status_code == 302
        check = client.get(reverse("registration_upload:check"))
        fingerprint = check.context["check"].fingerprint
        assert (
            client.post(reverse("registration_upload:check"), {"fingerprint": fingerprint}).status_code == 302
        )
        done_pages.append(scrub(client.get(reverse("registration_upload:done")).content.decode()))
        with unscoped():
            event = AuditEvent.objects.filter(action="registration.csv_uploaded").order_by("-id").first()
        counts.append({k: v for k, v in event.changes.items() if k != "file_sha256"})
    assert done_pages[0] == done_pages[1]
    assert counts[0] == counts[1]
    assert "national review" not in done_pages[0]


def test_no_email_tells_either(both):
    assert [m.subject for m in mail.outbox if "review" in m.subject.lower()] == []


def test_national_staff_still_see_the_duplicate_and_decide(both, client, login, national_staff):
    duplicate, fresh = both
    login(national_staff)
    link = lambda r: reverse("national_registrations:detail", args=[r.pk])  # noqa: E731
    queue = client.get(reverse("national_registrations:list"), {"funding_status": "needs_review"})
    html = queue.content.decode()
    assert link(duplicate) in html and link(fresh) not in html and "Needs national review" in html
    page = client.get(link(duplicate)).content.decode()
    assert "Why it needs review" in page and "Already registered with another employer" in page
    assert "Needs national review" in page
    awaiting = client.get(reverse("national_registrations:list"), {"funding_status": "awaiting_approval"})
    assert link(fresh) in awaiting.content.decode()
    assert link(duplicate) not in awaiting.content.decode()
