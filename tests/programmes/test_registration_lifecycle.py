"""Deferral, resumption, extension, withdrawal, transfer, assessor changes and national decisions."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError

from asye.accounts.models import Role
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from asye.tenancy.models import Employer
from programmes import services
from programmes.models import AssessorAllocation, FundingStatus, Registration, RegistrationStatus
from tests.factories import person
from tests.programmes.conftest import STARTED, actor_for
from tests.programmes.test_transfers import request_transfer, transfer

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    """The ``n``th day after the programme's start (written for a start on 7 September 2026)."""
    return STARTED + datetime.timedelta(days=n)


@pytest.fixture
def registration(register, employer_a):
    return register(employer_a)


def act(tenant, service, **kwargs):
    actor = actor_for(tenant.coordinator, tenant.employer)
    with tenant_context(tenant.employer.pk):
        return service(actor=actor, **kwargs)


def test_defer_and_resume_moves_the_end(employer_a, registration):
    registration = act(
        employer_a,
        services.registration_defer,
        registration=registration,
        started_on=day(14),  # dated in the past: deferred at once (a later day waits: test_effective_dates)
        reason="Illness",
    )
    assert registration.status == RegistrationStatus.DEFERRED
    with pytest.raises(ValidationError):
        act(
            employer_a,
            services.registration_defer,
            registration=registration,
            started_on=day(120),
            reason="Again",
        )
    registration = act(
        employer_a,
        services.registration_resume,
        registration=registration,
        ended_on=day(70),  # a 56-day deferral, ended before today
    )
    assert registration.status == RegistrationStatus.ACTIVE
    from programmes.selectors import registration_timeline

    with tenant_context(employer_a.employer.pk):
        timeline = registration_timeline(registration=registration, today=day(71))
    assert timeline.end == registration.start_date + relativedelta(years=1) + datetime.timedelta(days=56)


def test_stale_version_is_a_conflict(employer_a, registration):
    read_at = registration.version
    act(
        employer_a,
        services.registration_update,
        registration=registration,
        version=read_at,
        email="ada.grace@example.org",
    )
    # A second person saving what they read before that change is refused, and the first change stays.
    with pytest.raises(Conflict):
        act(
            employer_a,
            services.registration_update,
            registration=registration,
            version=read_at,
            email="ada@example.org",
        )
    with tenant_context(employer_a.employer.pk):
        registration.refresh_from_db()
    assert (registration.email, registration.version) == ("ada.grace@example.org", read_at + 1)


def test_extension_and_withdrawal(employer_a, registration):
    registration = act(
        employer_a, services.registration_extend, registration=registration, days=30, reason="Sickness"
    )
    assert registration.extension_days == 30
    registration = act(
        employer_a,
        services.registration_withdraw,
        registration=registration,
        on=day(70),  # before today: withdrawn at once (a later day is scheduled: test_effective_dates)
        reason="Left social work",
    )
    assert registration.status == RegistrationStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        act(employer_a, services.registration_extend, registration=registration, days=5, reason="x")


def test_transfer_links_a_new_registration_and_keeps_history(employer_a, employer_b, registration, unscoped):
    # A transfer is a request the receiving employer accepts (#12.2): tests/programmes/test_transfers.py.
    new = transfer(employer_a, employer_b, registration, on=day(125))
    with unscoped():
        old = Registration.objects.get(pk=registration.pk)
    # Day 125 is still to come (the programme started eleven weeks ago): the end waits for its day.
    assert old.status == RegistrationStatus.ACTIVE
    assert (old.ending_status, old.ending_on) == (RegistrationStatus.TRANSFERRED, day(125))
    assert new.transferred_from_id == old.pk and new.start_date == old.start_date
    assert new.funding_status == old.funding_status


def test_transfer_needs_an_employer_running_the_programmes_service_area(
    employer_a, employer_b, registration, unscoped
):
    with unscoped():
        Employer.objects.filter(pk=employer_b.employer.pk).update(serves_child_and_family=False)
        employer_b.employer.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        request_transfer(employer_a, employer_b, registration, on=day(125))
    assert "does not run child and family services" in str(refused.value.message_dict["to_employer"])
    with tenant_context(employer_a.employer.pk):
        assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.ACTIVE


def test_assessor_changes_are_kept_and_ask_for_a_new_agreement(employer_a, registration, unscoped):
    second = person(role=Role.ASSESSOR, employer=employer_a.employer)
    act(
        employer_a,
        services.registration_allocate_assessor,
        registration=registration,
        assessor_id=employer_a.assessor.pk,
        on=STARTED,
    )
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(learning_agreement_needs_signing=False)
        registration.refresh_from_db()
    updated = act(
        employer_a,
        services.registration_allocate_assessor,
        registration=registration,
        assessor_id=second.pk,
        on=day(85),
    )
    assert updated.assessor_id == second.pk and updated.learning_agreement_needs_signing
    with tenant_context(employer_a.employer.pk):
        history = list(AssessorAllocation.objects.values_list("assessor_id", "ended_on"))
    assert history == [(employer_a.assessor.pk, day(85)), (second.pk, None)]


def test_only_the_employers_assessors_can_be_allocated(employer_a, employer_b, registration):
    with pytest.raises(ValidationError):
        act(
            employer_a,
            services.registration_allocate_assessor,
            registration=registration,
            assessor_id=employer_b.assessor.pk,
        )


def test_national_staff_cannot_decide_funding_for_an_employer_they_work_for(employer_a, registration):
    """A person who is national staff and also holds a role at the employer (here its co-ordinator, who
    registered the NQSW) would be approving their own employer's money: refused, and nothing changes."""
    from asye.accounts.actor import build_actor
    from asye.accounts.models import Membership
    from asye.tenancy.db import system_national_context, tenant_settings

    both = employer_a.coordinator
    with system_national_context():
        Membership.objects.create(user=both, employer=None, role=Role.NATIONAL_STAFF)
    with tenant_settings(user_id=both.pk):
        national = build_actor(both, employer_id=None)
    assert national.is_national_staff
    with pytest.raises(PermissionDenied):
        services.registration_funding_decide(actor=national, registration_id=registration.pk, approve=True)
    with system_national_context():
        assert Registration.objects.get(pk=registration.pk).funding_status == FundingStatus.AWAITING_APPROVAL


def test_national_staff_approve_or_reject_with_reasons(employer_a, registration, national_staff):
    from asye.accounts.actor import build_actor
    from asye.tenancy.db import tenant_settings

    with tenant_settings(user_id=national_staff.pk):
        national = build_actor(national_staff, employer_id=None)
    with pytest.raises(ValidationError):
        services.registration_funding_decide(actor=national, registration_id=registration.pk, approve=False)
    decided = services.registration_funding_decide(
        actor=national, registration_id=registration.pk, approve=True
    )
    assert decided.funding_status == FundingStatus.APPROVED
    with pytest.raises(ValidationError):
        services.registration_funding_decide(actor=national, registration_id=registration.pk, approve=True)
    coordinator = actor_for(employer_a.coordinator, employer_a.employer)
    with pytest.raises(PermissionDenied):
        services.registration_funding_decide(actor=coordinator, registration_id=registration.pk, approve=True)
