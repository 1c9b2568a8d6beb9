"""The NQSW's confidential route to the national team: only national staff and the NQSW see a concern;
the NQSW sees its status and the actions shared with them; the employer sees only what national staff
raise with it, in their words."""

from __future__ import annotations

import pytest

from assurance.models import ConcernAction, ConfidentialConcern, RaisedConcern
from asye.audit.models import AuditEvent
from asye.notifications.models import Notification
from asye.tenancy.db import tenant_context, tenant_settings
from tests.assurance.helpers import concern_of, raised_with
from tests.today import TODAY

pytestmark = pytest.mark.django_db

SECRET = "My assessor shouts at me in supervision."


def test_an_nqsw_sends_a_concern_and_national_staff_are_told(
    client, login, employer_a, national_staff, unscoped
):
    login(employer_a.nqsw)
    assert client.get("/assurance/confidential/").status_code == 200
    empty = client.post("/assurance/confidential/new/", {})
    assert (
        "There is a problem" in empty.content.decode() and "Select what it is about" in empty.content.decode()
    )
    done = client.post(
        "/assurance/confidential/new/", {"topic": "wellbeing", "details": SECRET, "may_contact": "no"}
    )
    assert done.status_code == 302
    with unscoped():
        concern = ConfidentialConcern.objects.get()
        assert (concern.nqsw_id, concern.programme_employer_id, concern.may_contact) == (
            employer_a.nqsw.pk,
            employer_a.employer.pk,
            False,
        )
        note = Notification.objects.get(person=national_staff, kind="assurance.concern_received")
        assert SECRET not in note.message and note.employer_id is None
        # Audited with no employer: never in the employer's trail.
        assert AuditEvent.objects.get(action="confidential_concern.submitted").employer_id is None
    page = client.get(done["Location"]).content.decode()
    assert SECRET in page and "Received" in page


def test_the_employer_never_reads_a_concern(client, login, employer_a, unscoped):
    concern = concern_of(employer_a, details=SECRET)
    # The database itself: the co-ordinator's request context sees no concern and no action.
    with tenant_context(employer_a.employer.pk), tenant_settings(user_id=employer_a.coordinator.pk):
        assert ConfidentialConcern.objects.count() == 0
        assert ConcernAction.objects.count() == 0
    # The NQSW's own context sees theirs.
    with tenant_context(employer_a.employer.pk), tenant_settings(user_id=employer_a.nqsw.pk):
        assert list(ConfidentialConcern.objects.values_list("pk", flat=True)) == [concern.pk]
    login(employer_a.coordinator)
    assert client.get(f"/assurance/confidential/{concern.pk}/").status_code == 403
    for url in ("/", "/audit/", "/assurance/raised/", "/notifications/"):
        assert SECRET not in client.get(url).content.decode(), url


def test_another_nqsw_cannot_open_a_concern(client, login, employer_a, unscoped):
    from asye.accounts.models import Role
    from tests.factories import person

    concern = concern_of(employer_a)
    colleague = person(role=Role.NQSW, employer=employer_a.employer, email="colleague@alphashire.example")
    login(colleague)
    assert client.get(f"/assurance/confidential/{concern.pk}/").status_code == 404


def test_national_staff_record_actions_and_choose_what_the_nqsw_sees(
    client, login, employer_a, national_staff, unscoped
):
    concern = concern_of(employer_a)
    login(national_staff)
    url = f"/national/assurance/confidential/{concern.pk}/"
    assert client.get(url).status_code == 200
    when = {"taken_on_day": TODAY.day, "taken_on_month": TODAY.month, "taken_on_year": TODAY.year}
    internal = {
        **when,
        "version": 1,
        "description": "Checked the registration: supervisor changed twice",
        "status": "in_progress",
    }
    assert client.post(url, internal).status_code == 302
    shared = {
        **when,
        "version": 2,
        "description": "We have spoken to your co-ordinator",
        "shared_with_nqsw": "on",
        "status": "in_progress",
    }
    assert client.post(url, shared).status_code == 302
    stale = client.post(url, {**shared, "version": 1})
    assert stale.status_code == 409
    with unscoped():
        notes = Notification.objects.filter(person=employer_a.nqsw, kind="assurance.concern_updated")
        assert notes.count() == 2  # the status change, then the shared action
    login(employer_a.nqsw)
    page = client.get(f"/assurance/confidential/{concern.pk}/").content.decode()
    assert "Being looked at" in page and "We have spoken to your co-ordinator" in page
    assert "supervisor changed twice" not in page and national_staff.email not in page


def test_raising_it_gives_the_employer_only_the_chosen_words(client, login, employer_a, employer_b, unscoped):
    raised = raised_with(employer_a)
    with unscoped():
        concern = ConfidentialConcern.objects.get()
        assert concern.status == "raised"
        assert Notification.objects.filter(
            person=employer_a.coordinator, kind="assurance.concern_raised"
        ).exists()
    login(employer_a.coordinator)
    page = client.get(f"/assurance/raised/{raised.pk}/").content.decode()
    assert "supervision has lapsed" in page and concern.details not in page
    assert employer_a.nqsw.email not in page and employer_a.nqsw.get_full_name() not in page
    assert client.post(f"/assurance/raised/{raised.pk}/", {"response": ""}).status_code == 200
    assert (
        client.post(
            f"/assurance/raised/{raised.pk}/", {"response": "Supervision restored weekly"}
        ).status_code
        == 302
    )
    with unscoped():
        assert RaisedConcern.objects.get().response == "Supervision restored weekly"
    login(employer_b.coordinator)
    assert client.get(f"/assurance/raised/{raised.pk}/").status_code == 404
    assert "supervision has lapsed" not in client.get("/assurance/raised/").content.decode()
    # The NQSW sees that it was raised.
    login(employer_a.nqsw)
    assert (
        "Raised with your employer" in client.get(f"/assurance/confidential/{concern.pk}/").content.decode()
    )


def test_national_pages_refuse_employer_staff(client, login, employer_a):
    concern = concern_of(employer_a)
    login(employer_a.coordinator)
    for url in ("/national/assurance/", f"/national/assurance/confidential/{concern.pk}/"):
        assert client.get(url).status_code == 403, url
