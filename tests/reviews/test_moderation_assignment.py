"""Assigning NQAP moderators: never one who holds or held any membership at the case's employer (refused by
the service, left out of the form, refused by the database), one by one or many at once in turn, and
reassigning until the findings are sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from asye.accounts.models import Membership, Role
from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import system_national_context, tenant_context
from reviews.models import ModerationCase, ModerationRound
from reviews.moderation_selectors import moderators_eligible
from reviews.moderation_services.assignments import case_assign, round_assign_all
from reviews.moderation_services.findings import findings_save
from reviews.moderation_services.rounds import round_close
from tests.factories import MembershipFactory, person
from tests.reviews.test_moderation_support import (
    actor_for,
    assign,
    assigned_case,
    cases_of,
    fresh,
    make_moderator,
    make_round,
    portfolio,
    send_findings,
    submit_voluntarily,
)

pytestmark = pytest.mark.django_db


def eligible_for(employer) -> set[int]:
    with system_national_context():
        return set(moderators_eligible(employer_id=employer.pk).values_list("pk", flat=True))


def test_a_moderator_working_at_the_employer_is_not_eligible(employer_a, employer_b):
    inside = make_moderator(at=[employer_a.employer])
    outside = make_moderator()
    assert eligible_for(employer_a.employer) == {outside.pk}
    assert eligible_for(employer_b.employer) == {inside.pk, outside.pk}


def test_an_ended_membership_still_counts(employer_a, employer_b):
    former = make_moderator(ended_at=[employer_a.employer])
    assert former.pk not in eligible_for(employer_a.employer)
    assert former.pk in eligible_for(employer_b.employer)


def test_only_active_moderators_are_eligible(employer_a):
    retired = make_moderator()
    with system_national_context():
        Membership.objects.filter(user=retired, role=Role.NQAP_MODERATOR).update(ended_at=timezone.now())
    inactive = make_moderator()
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    staff_only = person(role=Role.NATIONAL_STAFF)
    assert not eligible_for(employer_a.employer) & {retired.pk, inactive.pk, staff_only.pk}


def test_assigning_a_moderator_of_the_employer_is_refused(employer_a, national_staff):
    inside = make_moderator(at=[employer_a.employer])
    case = submit_voluntarily(employer_a, portfolio(employer_a))
    with pytest.raises(ValidationError) as error:
        assign(national_staff, case, inside)
    assert "moderator" in error.value.message_dict
    assert fresh(case).moderator_id is None


def test_assigning_a_former_member_of_the_employer_is_refused(employer_a, national_staff):
    former = make_moderator(ended_at=[employer_a.employer])
    case = submit_voluntarily(employer_a, portfolio(employer_a))
    with pytest.raises(ValidationError):
        assign(national_staff, case, former)


def test_assigning_someone_who_is_not_a_moderator_is_refused(employer_a, employer_b, national_staff):
    case = submit_voluntarily(employer_a, portfolio(employer_a))
    with pytest.raises(ValidationError):
        assign(national_staff, case, employer_b.assessor)


def test_the_database_refuses_a_moderator_of_the_employer(employer_a, national_staff):
    """Even code that skips the service cannot write it: the trigger of migration 0002."""
    inside = make_moderator(at=[employer_a.employer])
    case = submit_voluntarily(employer_a, portfolio(employer_a))
    with system_national_context(), pytest.raises(IntegrityError), transaction.atomic():
        ModerationCase.objects.filter(pk=case.pk).update(moderator=inside, status="assigned")
    # ...and in the employer's own context too (the memberships there are visible to it).
    with tenant_context(employer_a.employer.pk), pytest.raises(IntegrityError), transaction.atomic():
        ModerationCase.objects.filter(pk=case.pk).update(moderator=inside)
    former = make_moderator(ended_at=[employer_a.employer])
    with system_national_context(), pytest.raises(IntegrityError), transaction.atomic():
        ModerationCase.objects.filter(pk=case.pk).update(moderator=former)
    outside = make_moderator()
    with system_national_context():
        assert ModerationCase.objects.filter(pk=case.pk).update(moderator=outside) == 1


def test_assigning_a_case_tells_the_moderator(employer_a, national_staff, django_capture_on_commit_callbacks):
    moderator = make_moderator()
    case = submit_voluntarily(employer_a, portfolio(employer_a))
    with django_capture_on_commit_callbacks(execute=True):
        case = assign(national_staff, case, moderator)
    assert case.status == ModerationCase.Status.ASSIGNED and case.moderator_id == moderator.pk
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    # The email names no employer and no NQSW.
    assert employer_a.employer.name not in mail.outbox[0].body and "Nqsw" not in mail.outbox[0].body


def test_only_national_staff_assign(employer_a, national_staff):
    moderator = make_moderator()
    case = fresh(submit_voluntarily(employer_a, portfolio(employer_a)))
    for actor in (actor_for(moderator), actor_for(employer_a.coordinator, employer_a.employer)):
        with pytest.raises(PermissionDenied):
            case_assign(actor=actor, case=case, moderator_id=moderator.pk, version=case.version)


def test_a_stale_assignment_is_refused(employer_a, national_staff):
    first, second = make_moderator(), make_moderator()
    case = fresh(submit_voluntarily(employer_a, portfolio(employer_a)))
    stale_version = case.version
    assign(national_staff, case, first)
    with pytest.raises(Conflict):
        case_assign(actor=actor_for(national_staff), case=case, moderator_id=second.pk, version=stale_version)
    assert fresh(case).moderator_id == first.pk


def test_reassigning_clears_the_previous_moderators_draft(employer_a, national_staff):
    first, second = make_moderator(), make_moderator()
    case = assigned_case(employer_a, national_staff, first)
    findings_save(
        actor=actor_for(first), case=case, version=case.version, strengths="A first moderator's draft"
    )
    case = assign(national_staff, case, second)
    assert case.moderator_id == second.pk and case.strengths == ""
    with system_national_context():
        event = AuditEvent.objects.get(action="moderation.case_reassigned")
        # Kept in the national trail only, not the employer's: the employer does not learn who moderates.
        assert event.employer_id is None
        assert event.changes["strengths"] == ["A first moderator's draft", ""]


def test_a_case_with_findings_sent_cannot_be_reassigned(employer_a, national_staff):
    first, second = make_moderator(), make_moderator()
    case = assigned_case(employer_a, national_staff, first)
    send_findings(first, case)
    with pytest.raises(ValidationError):
        assign(national_staff, case, second)


def test_assigning_many_shares_cases_in_turn_and_skips_conflicts(employer_a, employer_b, national_staff):
    for _ in range(3):
        portfolio(employer_a)
        portfolio(employer_b)
    moderation_round = make_round(national_staff, per_stratum=10)
    at_a = make_moderator(at=[employer_a.employer])
    at_b = make_moderator(ended_at=[employer_b.employer])
    result = round_assign_all(
        actor=actor_for(national_staff), moderation_round=moderation_round, moderator_ids=[at_a.pk, at_b.pk]
    )
    assert len(result.assigned) == 6 and not result.without_moderator
    for case in cases_of(moderation_round):
        assert case.status == ModerationCase.Status.ASSIGNED
        assert case.moderator_id == (at_b.pk if case.employer_id == employer_a.employer.pk else at_a.pk)


def test_assigning_many_balances_among_eligible_moderators(employer_a, national_staff):
    for _ in range(6):
        portfolio(employer_a)
    moderation_round = make_round(national_staff, per_stratum=10)
    trio = [make_moderator() for _ in range(3)]
    round_assign_all(
        actor=actor_for(national_staff), moderation_round=moderation_round, moderator_ids=[m.pk for m in trio]
    )
    counts = {m.pk: 0 for m in trio}
    for case in cases_of(moderation_round):
        counts[case.moderator_id] += 1
    assert sorted(counts.values()) == [2, 2, 2]


def test_a_case_no_chosen_moderator_may_take_stays_waiting(employer_a, national_staff):
    portfolio(employer_a)
    moderation_round = make_round(national_staff, per_stratum=10)
    inside = make_moderator(at=[employer_a.employer])
    result = round_assign_all(
        actor=actor_for(national_staff), moderation_round=moderation_round, moderator_ids=[inside.pk]
    )
    assert not result.assigned and len(result.without_moderator) == 1
    assert cases_of(moderation_round)[0].status == ModerationCase.Status.WAITING


def test_assigning_many_needs_real_moderators(employer_a, national_staff):
    portfolio(employer_a)
    moderation_round = make_round(national_staff, per_stratum=10)
    with pytest.raises(ValidationError):
        round_assign_all(
            actor=actor_for(national_staff),
            moderation_round=moderation_round,
            moderator_ids=[employer_a.nqsw.pk],
        )


def test_the_assignment_form_offers_only_eligible_moderators(
    client, login, employer_a, national_staff, django_capture_on_commit_callbacks
):
    inside = make_moderator("inside@nqap.example", at=[employer_a.employer])
    former = make_moderator("former@nqap.example", ended_at=[employer_a.employer])
    outside = make_moderator("outside@nqap.example")
    case = submit_voluntarily(employer_a, portfolio(employer_a))
    login(national_staff)
    html = client.get(reverse("moderation:case", args=[case.pk])).content.decode()
    assert outside.email in html
    assert inside.email not in html and former.email not in html
    # Posting a moderator the form did not offer is refused, and nothing changes.
    response = client.post(reverse("moderation:case", args=[case.pk]), {"moderator": inside.pk, "version": 1})
    assert response.status_code == 400
    assert "Select a moderator from the list" in response.content.decode()
    assert fresh(case).moderator_id is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("moderation:case", args=[case.pk]), {"moderator": outside.pk, "version": 1}
        )
    assert response.status_code == 302
    assert fresh(case).moderator_id == outside.pk
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [outside.email]
    assert employer_a.employer.name not in mail.outbox[0].body


def test_the_round_page_assigns_many(client, login, employer_a, employer_b, national_staff):
    portfolio(employer_a)
    portfolio(employer_b)
    moderation_round = make_round(national_staff, per_stratum=10)
    inside_a = make_moderator("a@nqap.example", at=[employer_a.employer])
    login(national_staff)
    url = reverse("moderation:round", args=[moderation_round.pk])
    assert client.post(url, {"action": "assign"}).status_code == 400
    response = client.post(url, {"action": "assign", "moderators": [inside_a.pk]}, follow=True)
    html = response.content.decode()
    assert "1 case assigned" in html
    assert "could not be given to any of the moderators you chose" in html
    statuses = sorted((c.employer_id, c.status) for c in cases_of(moderation_round))
    assert statuses == sorted([(employer_a.employer.pk, "waiting"), (employer_b.employer.pk, "assigned")])


def test_a_round_closes_only_when_every_finding_is_sent(client, login, employer_a, national_staff):
    moderator = make_moderator()
    portfolio(employer_a)
    moderation_round = make_round(national_staff, per_stratum=10)
    (case,) = cases_of(moderation_round)
    with pytest.raises(ValidationError):
        round_close(actor=actor_for(national_staff), moderation_round=moderation_round)
    assign(national_staff, case, moderator)
    login(national_staff)
    url = reverse("moderation:round", args=[moderation_round.pk])
    assert client.post(url, {"action": "close"}).status_code == 400
    send_findings(moderator, case)
    assert client.post(url, {"action": "close"}).status_code == 302
    with system_national_context():
        assert ModerationRound.objects.get(pk=moderation_round.pk).status == ModerationRound.Status.CLOSED
    # A closed round takes no more assignments.
    with pytest.raises(ValidationError):
        round_assign_all(
            actor=actor_for(national_staff), moderation_round=moderation_round, moderator_ids=[moderator.pk]
        )


def test_a_moderator_who_joins_the_employer_later_is_flagged_for_reassignment(
    client, login, employer_a, national_staff
):
    moderator = make_moderator()
    case = assigned_case(employer_a, national_staff, moderator)
    MembershipFactory(user=moderator, employer=employer_a.employer, role=Role.ASSESSOR)
    login(national_staff)
    html = client.get(reverse("moderation:case", args=[case.pk])).content.decode()
    assert "The moderator now holds a role at this employer" in html
