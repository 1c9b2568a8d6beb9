"""A moderator's cases and findings: a moderator sees only the cases assigned to them and never one of an
employer where they hold or held a role (404 even for a guessed id); their findings are a draft the
employer cannot see until sent; a stale save is refused without losing anyone's text; sent findings are
final, reach the employer's co-ordinator, and no other employer."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import system_national_context
from reviews.models import ModerationCase
from reviews.moderation_services.findings import findings_save
from tests.factories import MembershipFactory
from tests.reviews.test_moderation_support import (
    actor_for,
    assigned_case,
    fresh,
    make_moderator,
    portfolio,
    send_findings,
    submit_voluntarily,
)

pytestmark = pytest.mark.django_db

MY_CASES = reverse("moderation:my_cases")


def my_case(case) -> str:
    return reverse("moderation:my_case", args=[case.pk])


def findings_url(case) -> str:
    return reverse("moderation:my_case_findings", args=[case.pk])


def employer_case(case) -> str:
    return reverse("reviews:moderation_case", args=[case.pk])


@pytest.fixture
def moderator(db):
    return make_moderator("ade@nqap.example")


# --- What a moderator sees -------------------------------------------------------------------------------


def test_a_moderator_lists_only_their_cases(client, login, employer_a, employer_b, national_staff, moderator):
    mine = assigned_case(employer_a, national_staff, moderator, first_name="Mine")
    theirs = assigned_case(employer_b, national_staff, make_moderator(), first_name="Theirs")
    submit_voluntarily(employer_b, portfolio(employer_b, first_name="Waiting"))
    login(moderator)
    html = client.get(MY_CASES).content.decode()
    assert my_case(mine) in html and "Mine Okafor" in html
    assert my_case(theirs) not in html and "Theirs" not in html and "Waiting" not in html


def test_a_moderator_gets_404_for_a_case_not_theirs(client, login, employer_a, national_staff, moderator):
    other = assigned_case(employer_a, national_staff, make_moderator())
    waiting = submit_voluntarily(employer_a, portfolio(employer_a))
    login(moderator)
    for case in (other, waiting):
        for url in (
            my_case(case),
            findings_url(case),
            reverse("moderation:my_case_pack", args=[case.pk]),
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(findings_url(case), {"strengths": "x", "version": 1}).status_code == 404
    assert client.get(reverse("moderation:my_case", args=[10**9])).status_code == 404
    assert fresh(other).strengths == ""


def test_a_moderator_who_later_joins_the_employer_can_no_longer_read_the_case(
    client, login, employer_a, national_staff, moderator
):
    case = assigned_case(employer_a, national_staff, moderator)
    login(moderator)
    assert client.get(my_case(case)).status_code == 200
    membership = MembershipFactory(user=moderator, employer=employer_a.employer, role=Role.LINE_MANAGER)
    assert client.get(my_case(case)).status_code == 404
    assert my_case(case) not in client.get(MY_CASES).content.decode()
    # Ended, the membership still counts: they may know the people.
    with system_national_context():
        type(membership).objects.filter(pk=membership.pk).update(ended_at=timezone.now())
    assert client.get(my_case(case)).status_code == 404
    with pytest.raises(PermissionDenied):
        findings_save(actor=actor_for(moderator), case=fresh(case), version=fresh(case).version)


def test_the_case_page_shows_the_portfolio_and_the_recommendation_to_check(
    client, login, employer_a, national_staff, moderator
):
    case = assigned_case(employer_a, national_staff, moderator, evidence=True, first_name="Ada")
    login(moderator)
    response = client.get(my_case(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Portfolio of Ada Okafor" in html
    assert "Chairing a child protection conference" in html and "I learned to slow down." in html
    assert "Coverage of the capabilities" in html
    assert "has not submitted a final recommendation" in html
    assert reverse("moderation:my_case_findings", args=[case.pk]) in html
    with system_national_context():
        read = AuditEvent.objects.filter(action="national.read", actor_user=moderator).latest("id")
    assert read.changes["purpose"] == f"GET {my_case(case)}"


def test_national_staff_cannot_use_the_moderator_pages(client, login, employer_a, national_staff, moderator):
    case = assigned_case(employer_a, national_staff, moderator)
    login(national_staff)
    assert client.get(MY_CASES).status_code == 403
    assert client.get(my_case(case)).status_code == 403


# --- Findings --------------------------------------------------------------------------------------------


def test_a_draft_is_not_shown_to_the_employer(client, login, employer_a, national_staff, moderator):
    case = assigned_case(employer_a, national_staff, moderator)
    login(moderator)
    response = client.post(
        findings_url(case),
        {
            "action": "save",
            "version": fresh(case).version,
            "strengths": "Secret draft strength",
            "agreement": "",
        },
    )
    assert response.status_code == 302
    assert fresh(case).strengths == "Secret draft strength"
    client.logout()
    login(employer_a.coordinator)
    html = client.get(employer_case(case)).content.decode()
    assert "With a moderator" in html
    assert "Secret draft strength" not in html and moderator.email not in html
    # Nor in the employer's audit trail: the draft event is national only.
    audit = client.get("/audit/").content.decode()
    assert "Secret draft strength" not in audit and "moderation.findings_saved" not in audit
    with system_national_context():
        saved = AuditEvent.objects.get(action="moderation.findings_saved")
    assert saved.employer_id is None and saved.changes["case"] == case.pk


def test_sent_findings_reach_the_coordinator_and_no_other_employer(
    client, login, employer_a, employer_b, national_staff, moderator, django_capture_on_commit_callbacks
):
    case = assigned_case(employer_a, national_staff, moderator)
    login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            findings_url(case),
            {
                "action": "send",
                "version": fresh(case).version,
                "agreement": "partly_meets",  # no recommendation: the capabilities question
                "strengths": "Clear mapping to the PCF.",
                "areas_for_development": "Quote practice examples in reviews.",
                "advice": "Use SMART objectives.",
            },
        )
    assert response.status_code == 302
    sent = fresh(case)
    assert sent.status == ModerationCase.Status.FINDINGS_SENT and sent.findings_sent_at is not None
    assert [m.to for m in mail.outbox] == [[employer_a.coordinator.email]]
    assert employer_case(case) in mail.outbox[0].body
    client.logout()
    login(employer_a.coordinator)
    html = client.get(employer_case(case)).content.decode()
    assert "Findings received" in html
    for text in ("Clear mapping to the PCF.", "Quote practice examples in reviews.", "Use SMART objectives."):
        assert text in html
    assert "The evidence shows some of the capabilities at the expected level" in html
    client.logout()
    login(employer_b.coordinator)
    assert client.get(employer_case(case)).status_code == 404
    assert "Clear mapping" not in client.get(reverse("reviews:moderation_list")).content.decode()
    with system_national_context():
        event = AuditEvent.objects.get(action="moderation.findings_sent")
    assert event.employer_id == employer_a.employer.pk


def test_sending_needs_the_findings(employer_a, national_staff, moderator):
    case = fresh(assigned_case(employer_a, national_staff, moderator))
    with pytest.raises(ValidationError) as error:
        findings_save(actor=actor_for(moderator), case=case, version=case.version, send=True)
    assert set(error.value.message_dict) == {"agreement", "strengths", "areas_for_development"}
    assert fresh(case).status == ModerationCase.Status.ASSIGNED


def test_a_draft_may_be_partial_but_not_invalid(employer_a, national_staff, moderator):
    case = fresh(assigned_case(employer_a, national_staff, moderator))
    saved = findings_save(actor=actor_for(moderator), case=case, version=case.version, advice="Later")
    assert saved.advice == "Later" and saved.status == ModerationCase.Status.ASSIGNED
    with pytest.raises(ValidationError):
        findings_save(actor=actor_for(moderator), case=saved, version=saved.version, agreement="maybe")


def test_sent_findings_are_final(client, login, employer_a, national_staff, moderator):
    case = assigned_case(employer_a, national_staff, moderator)
    sent = send_findings(moderator, case)
    with pytest.raises(ValidationError):
        findings_save(actor=actor_for(moderator), case=sent, version=sent.version, strengths="Changed")
    login(moderator)
    assert client.get(findings_url(case)).status_code == 302
    assert client.get(my_case(case)).status_code == 200  # still readable by its moderator
    assert fresh(case).strengths == "Evidence is mapped to the PCF throughout."


def test_only_the_assigned_moderator_records_findings(employer_a, national_staff, moderator):
    case = fresh(assigned_case(employer_a, national_staff, moderator))
    for actor in (
        actor_for(make_moderator()),
        actor_for(national_staff),
        actor_for(employer_a.coordinator, employer_a.employer),
    ):
        with pytest.raises(PermissionDenied):
            findings_save(actor=actor, case=case, version=case.version, strengths="Not mine")
    waiting = fresh(submit_voluntarily(employer_a, portfolio(employer_a)))
    with pytest.raises(PermissionDenied):
        findings_save(actor=actor_for(moderator), case=waiting, version=waiting.version)


def test_a_stale_save_is_refused_and_keeps_the_moderators_text(
    client, login, employer_a, national_staff, moderator
):
    case = fresh(assigned_case(employer_a, national_staff, moderator))
    opened_at = case.version
    # The same moderator saves in another window first.
    findings_save(actor=actor_for(moderator), case=case, version=opened_at, strengths="Window one")
    with pytest.raises(Conflict):
        findings_save(actor=actor_for(moderator), case=case, version=opened_at, strengths="Window two")
    login(moderator)
    response = client.post(
        findings_url(case), {"action": "save", "version": opened_at, "strengths": "Window two text"}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "changed since you opened them" in html
    assert "Window two text" in html  # their text, kept in the form
    assert "Window one" in html  # and what is saved now
    assert fresh(case).strengths == "Window one"
    # Saving again from that page (it carries the new version) wins, clearly.
    current = fresh(case).version
    assert f'value="{current}"' in html
    response = client.post(
        findings_url(case), {"action": "save", "version": current, "strengths": "Window two text"}
    )
    assert response.status_code == 302 and fresh(case).strengths == "Window two text"


def test_a_send_without_findings_shows_errors(client, login, employer_a, national_staff, moderator):
    case = assigned_case(employer_a, national_staff, moderator)
    login(moderator)
    response = client.post(findings_url(case), {"action": "send", "version": fresh(case).version})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Error: Your findings" in html
    assert "Enter the strengths of the portfolio" in html
    assert fresh(case).status == ModerationCase.Status.ASSIGNED


def test_national_staff_see_findings_once_sent(client, login, employer_a, national_staff, moderator):
    case = assigned_case(employer_a, national_staff, moderator)
    findings_save(
        actor=actor_for(moderator), case=fresh(case), version=fresh(case).version, strengths="Draft only"
    )
    login(national_staff)
    url = reverse("moderation:case", args=[case.pk])
    assert "Draft only" not in client.get(url).content.decode()
    send_findings(moderator, case)
    html = client.get(url).content.decode()
    assert "Evidence is mapped to the PCF throughout." in html
    assert "Reassign" not in html
