"""Supervision, protected time and caseload: who may record for whom, the rules, and the breach events."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from programmes.models import CaseloadRecord, ProtectedTimeLog, Registration, SupervisionSession
from programmes.services import registration_withdraw
from programmes.support_services import (
    caseload_record,
    protected_time_log,
    registration_claim_by_nqsw,
    supervision_record,
)
from tests.factories import person
from tests.programmes.conftest import STARTED, TODAY, actor_for

pytestmark = pytest.mark.django_db

START = STARTED  # eleven weeks before today (7 September 2026 when written, on 23 November)


def day(n: int) -> datetime.date:
    """The ``n``th day of the programme."""
    return START + datetime.timedelta(days=n)


IN_OCTOBER = day(24)  # 1 October 2026 when written


@pytest.fixture
def registration(register, employer_a):
    """A's NQSW, with A's assessor and line manager."""
    registration = register(employer_a)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(
            nqsw=employer_a.nqsw, assessor=employer_a.assessor, line_manager=employer_a.line_manager
        )
        registration.refresh_from_db()
    return registration


@pytest.fixture
def other_registration(register, employer_a):
    """Another of A's NQSWs, with nobody allocated."""
    return register(employer_a, swe_number="SW900001", email="someone.else@example.org")


def as_(tenant, user):
    return actor_for(user, tenant.employer)


def events(tenant, action):
    with tenant_context(tenant.employer.pk):
        return list(AuditEvent.objects.filter(action=action))


def count(tenant, model):
    with tenant_context(tenant.employer.pk):
        return model.objects.count()


# Supervision ------------------------------------------------------------------------------------------


def record_supervision(tenant, user, registration, **overrides):
    values = {
        "held_on": IN_OCTOBER,
        "duration_minutes": 60,
        "reflective": True,
        "today": TODAY,
    }
    values.update(overrides)
    with tenant_context(tenant.employer.pk):
        return supervision_record(actor=as_(tenant, user), registration=registration, **values)


@pytest.mark.parametrize("who", ["assessor", "line_manager", "coordinator"])
def test_supervision_is_recorded_by_the_nqsws_assessor_line_manager_or_coordinator(
    employer_a, registration, who
):
    user = getattr(employer_a, who)
    session = record_supervision(employer_a, user, registration)
    assert session.supervisor_id == user.pk and session.recorded_by_id == user.pk
    [event] = events(employer_a, "supervision.recorded")
    assert event.changes["held_on"] == IN_OCTOBER.isoformat() and event.actor_user_id == user.pk


def test_an_assessor_of_another_nqsw_is_refused(employer_a, other_registration):
    with pytest.raises(PermissionDenied):
        record_supervision(employer_a, employer_a.assessor, other_registration)
    with pytest.raises(PermissionDenied):
        record_supervision(employer_a, employer_a.line_manager, other_registration)
    assert count(employer_a, SupervisionSession) == 0


def test_the_nqsw_cannot_record_their_own_supervision(employer_a, registration):
    with pytest.raises(PermissionDenied):
        record_supervision(employer_a, employer_a.nqsw, registration)


def test_supervisor_may_be_another_assessor_or_line_manager_of_the_employer(
    employer_a, employer_b, registration
):
    session = record_supervision(
        employer_a, employer_a.coordinator, registration, supervisor_id=employer_a.line_manager.pk
    )
    assert session.supervisor_id == employer_a.line_manager.pk
    with pytest.raises(ValidationError) as raised:
        record_supervision(
            employer_a, employer_a.coordinator, registration, supervisor_id=employer_b.assessor.pk
        )
    assert "supervisor" in raised.value.message_dict
    with pytest.raises(ValidationError):
        record_supervision(employer_a, employer_a.coordinator, registration, supervisor_id=employer_a.nqsw.pk)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": TODAY + datetime.timedelta(days=1)}, "held_on"),
        ({"held_on": START - datetime.timedelta(days=1)}, "held_on"),
        ({"held_on": None}, "held_on"),
        ({"duration_minutes": 10}, "duration_minutes"),
        ({"duration_minutes": 481}, "duration_minutes"),
        ({"duration_minutes": None}, "duration_minutes"),
    ],
)
def test_supervision_rules(employer_a, registration, overrides, field):
    with pytest.raises(ValidationError) as raised:
        record_supervision(employer_a, employer_a.assessor, registration, **overrides)
    assert field in raised.value.message_dict
    assert count(employer_a, SupervisionSession) == 0


def test_start_and_today_are_allowed(employer_a, registration):
    record_supervision(employer_a, employer_a.assessor, registration, held_on=START)
    record_supervision(employer_a, employer_a.assessor, registration, held_on=TODAY)
    assert count(employer_a, SupervisionSession) == 2


def test_nothing_is_recorded_for_a_withdrawn_registration(employer_a, registration):
    with tenant_context(employer_a.employer.pk):
        registration = registration_withdraw(
            actor=as_(employer_a, employer_a.coordinator), registration=registration, on=TODAY, reason="Left"
        )
    with pytest.raises(ValidationError):
        record_supervision(employer_a, employer_a.assessor, registration)


def test_another_employers_actor_is_refused(employer_a, employer_b, registration):
    with pytest.raises(PermissionDenied):
        supervision_record(
            actor=as_(employer_b, employer_b.coordinator),
            registration=registration,
            held_on=IN_OCTOBER,
            duration_minutes=60,
            reflective=True,
            today=TODAY,
        )


# Protected time ---------------------------------------------------------------------------------------


def log_time(tenant, user, registration, **overrides):
    values = {"taken_on": IN_OCTOBER, "hours": "3.5", "activity": "Reading", "today": TODAY}
    values.update(overrides)
    with tenant_context(tenant.employer.pk):
        return protected_time_log(actor=as_(tenant, user), registration=registration, **values)


@pytest.mark.parametrize("who", ["nqsw", "line_manager", "coordinator"])
def test_protected_time_is_logged_by_the_nqsw_their_line_manager_or_coordinator(
    employer_a, registration, who
):
    log = log_time(employer_a, getattr(employer_a, who), registration)
    assert log.hours == Decimal("3.5")
    assert len(events(employer_a, "protected_time.logged")) == 1


def test_nqsw_cannot_log_for_someone_else(employer_a, other_registration):
    with pytest.raises(PermissionDenied):
        log_time(employer_a, employer_a.nqsw, other_registration)
    with pytest.raises(PermissionDenied):
        log_time(employer_a, employer_a.assessor, other_registration)
    assert count(employer_a, ProtectedTimeLog) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"taken_on": TODAY + datetime.timedelta(days=1)}, "taken_on"),
        ({"taken_on": START - datetime.timedelta(days=1)}, "taken_on"),
        ({"hours": "0.1"}, "hours"),
        ({"hours": "12.5"}, "hours"),
        ({"hours": "lots"}, "hours"),
        ({"hours": "NaN"}, "hours"),
        ({"hours": "1.255"}, "hours"),
        ({"activity": "   "}, "activity"),
        ({"activity": "x" * 201}, "activity"),
    ],
)
def test_protected_time_rules(employer_a, registration, overrides, field):
    with pytest.raises(ValidationError) as raised:
        log_time(employer_a, employer_a.nqsw, registration, **overrides)
    assert field in raised.value.message_dict


def test_below_target_is_audited_once_when_the_state_changes(employer_a, registration):
    # Three weeks in: 3 weeks x 3.7 = 11.1 hours due. Enough is logged: on target, no breach event.
    log_time(
        employer_a,
        employer_a.nqsw,
        registration,
        taken_on=day(21),
        hours="12",
        today=day(21),
    )
    assert events(employer_a, "protected_time.below_target") == []
    # Seven weeks in: 25.9 due, 12 + 1 logged. It was on target at the previous log, now it is below.
    log_time(
        employer_a,
        employer_a.nqsw,
        registration,
        taken_on=day(49),
        hours="1",
        today=day(49),
    )
    [event] = events(employer_a, "protected_time.below_target")
    assert event.changes["target"] == "25.9" and event.changes["hours"] == "13.00"
    # Still below at the next log: no new event while the breach lasts.
    log_time(
        employer_a,
        employer_a.nqsw,
        registration,
        taken_on=day(50),
        hours="1",
        today=day(50),
    )
    assert len(events(employer_a, "protected_time.below_target")) == 1


def test_first_log_already_below_target_is_audited(employer_a, registration):
    log_time(
        employer_a,
        employer_a.nqsw,
        registration,
        taken_on=day(28),
        hours="1",
        today=day(28),
    )
    assert len(events(employer_a, "protected_time.below_target")) == 1


# Caseload ---------------------------------------------------------------------------------------------


def record_caseload(tenant, user, registration, **overrides):
    values = {"recorded_on": IN_OCTOBER, "caseload": 12, "team_average": "20", "today": TODAY}
    values.update(overrides)
    with tenant_context(tenant.employer.pk):
        return caseload_record(actor=as_(tenant, user), registration=registration, **values)


def test_caseload_within_the_cap_is_only_recorded(employer_a, registration):
    record_caseload(employer_a, employer_a.line_manager, registration, caseload=18)  # cap 18.0
    assert len(events(employer_a, "caseload.recorded")) == 1
    assert events(employer_a, "caseload.over_cap") == []


def test_caseload_over_the_cap_is_audited_as_a_breach(employer_a, registration):
    record = record_caseload(
        employer_a, employer_a.line_manager, registration, caseload=19, team_average="20.0"
    )
    [event] = events(employer_a, "caseload.over_cap")
    assert event.object_id == str(record.pk)
    assert event.changes["cap"] == "18.0" and event.changes["caseload"] == 19
    assert len(events(employer_a, "caseload.recorded")) == 1


@pytest.mark.parametrize("who", ["assessor", "nqsw"])
def test_caseload_is_not_recorded_by_assessor_or_nqsw(employer_a, registration, who):
    with pytest.raises(PermissionDenied):
        record_caseload(employer_a, getattr(employer_a, who), registration)
    assert count(employer_a, CaseloadRecord) == 0


def test_line_manager_records_only_for_their_own_nqsws(employer_a, other_registration):
    with pytest.raises(PermissionDenied):
        record_caseload(employer_a, employer_a.line_manager, other_registration)
    record_caseload(employer_a, employer_a.coordinator, other_registration)
    assert count(employer_a, CaseloadRecord) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"recorded_on": TODAY + datetime.timedelta(days=1)}, "recorded_on"),
        ({"recorded_on": START - datetime.timedelta(days=1)}, "recorded_on"),
        ({"caseload": -1}, "caseload"),
        ({"caseload": 201}, "caseload"),
        ({"team_average": "0"}, "team_average"),
        ({"team_average": "abc"}, "team_average"),
        ({"team_average": "18.55"}, "team_average"),
    ],
)
def test_caseload_rules(employer_a, registration, overrides, field):
    with pytest.raises(ValidationError) as raised:
        record_caseload(employer_a, employer_a.line_manager, registration, **overrides)
    assert field in raised.value.message_dict


# Claiming a registration ------------------------------------------------------------------------------


def test_nqsw_claims_the_registration_that_names_their_email_by_confirming_its_swe_number(
    register, employer_a
):
    registration = register(employer_a, email=employer_a.nqsw.email)
    with tenant_context(employer_a.employer.pk):
        # The email address alone is not enough (#12.2): the NQSW confirms with the SWE number.
        with pytest.raises(ValidationError):
            registration_claim_by_nqsw(
                actor=as_(employer_a, employer_a.nqsw), registration=registration, swe_number="SW999999"
            )
        assert Registration.objects.get(pk=registration.pk).nqsw_id is None
        registration = registration_claim_by_nqsw(
            actor=as_(employer_a, employer_a.nqsw), registration=registration, swe_number=" sw123456 "
        )
        assert registration.nqsw_id == employer_a.nqsw.pk
        # Harmless to repeat.
        registration_claim_by_nqsw(
            actor=as_(employer_a, employer_a.nqsw), registration=registration, swe_number="SW123456"
        )
    assert len(events(employer_a, "registration.claimed_by_nqsw")) == 1


def test_nqsw_cannot_claim_someone_elses_registration(register, employer_a):
    registration = register(employer_a)  # ada.okafor@example.org
    swe = registration.swe_number
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        registration_claim_by_nqsw(actor=as_(employer_a, employer_a.nqsw), registration=registration, swe_number=swe)
    other_nqsw = person(role="nqsw", employer=employer_a.employer, email="ada.okafor@example.org")
    with tenant_context(employer_a.employer.pk):
        registration_claim_by_nqsw(actor=as_(employer_a, other_nqsw), registration=registration, swe_number=swe)
        with pytest.raises(PermissionDenied):
            # Already linked to someone else.
            registration_claim_by_nqsw(
                actor=as_(employer_a, employer_a.nqsw), registration=registration, swe_number=swe
            )
