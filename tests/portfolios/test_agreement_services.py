"""The learning agreement: who drafts and signs it, completion when all three have signed, and a new
revision (with the old kept) when the assessor changes. Signed words are never changed."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from portfolios import agreements as services
from portfolios import record_selectors as selectors
from portfolios.models import AgreementSignature, LearningAgreement, Portfolio
from programmes.models import Registration
from programmes.services import registration_allocate_assessor, registration_withdraw
from tests.factories import person
from tests.portfolios.conftest import linked_registration, portfolio_of
from tests.programmes.conftest import STARTED, TODAY, actor_for

pytestmark = pytest.mark.django_db


def _reviews_after(*months: int) -> str:
    """When the reviews will be held, in the agreement's words: so many months after the start."""
    return " ".join(f"{n} months: {STARTED + relativedelta(months=n):%-d %B %Y}." for n in months)


TEXT = {
    "review_dates": _reviews_after(3, 6, 12),
    "supervision_plan": "Weekly for 6 weeks, fortnightly to 6 months, then monthly, with Bob.",
    "workload_arrangements": "A protected caseload of 12 children, no court work before month 4.",
    "protected_time": "Wednesday afternoons, booked in the team calendar.",
    "other_support": "Peer learning group each month.",
}
NQSW, ASSESSOR, LINE_MANAGER = (
    services.SIGNED_AS.NQSW,
    services.SIGNED_AS.ASSESSOR,
    services.SIGNED_AS.LINE_MANAGER,
)


def as_(tenant, user):
    return actor_for(user, tenant.employer)


def draft(tenant, registration, user=None, **overrides):
    values = {**TEXT, **overrides}
    with tenant_context(tenant.employer.pk):
        return services.agreement_create(
            actor=as_(tenant, user or tenant.nqsw), registration=registration, **values
        )


def sign(tenant, user, agreement, signed_as, version=None):
    with tenant_context(tenant.employer.pk):
        agreement = LearningAgreement.objects.get(pk=agreement.pk)
        return services.agreement_sign(
            actor=as_(tenant, user),
            agreement=agreement,
            signed_as=signed_as,
            version=agreement.version if version is None else version,
        )


def sign_all(tenant, agreement):
    sign(tenant, tenant.nqsw, agreement, NQSW)
    sign(tenant, tenant.assessor, agreement, ASSESSOR)
    return sign(tenant, tenant.line_manager, agreement, LINE_MANAGER)


def registration_now(tenant, registration) -> Registration:
    with tenant_context(tenant.employer.pk):
        return Registration.objects.get(pk=registration.pk)


def events(tenant, action):
    with tenant_context(tenant.employer.pk):
        return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.fixture
def registration(employer_a):
    return linked_registration(employer_a)


# Drafting ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["nqsw", "assessor", "coordinator"])
def test_the_nqsw_their_assessor_or_the_coordinator_drafts_the_agreement(employer_a, registration, who):
    agreement = draft(employer_a, registration, getattr(employer_a, who))
    assert agreement.revision == 1
    assert agreement.assessor_id == employer_a.assessor.pk
    assert agreement.line_manager_id == employer_a.line_manager.pk
    [event] = events(employer_a, "learning_agreement.created")
    assert event.changes["revision"] == 1 and event.actor_user_id == getattr(employer_a, who).pk


def test_the_line_manager_and_an_assessor_of_another_nqsw_cannot_draft(employer_a, registration):
    with pytest.raises(PermissionDenied):
        draft(employer_a, registration, employer_a.line_manager)
    other_assessor = person(role="assessor", employer=employer_a.employer, email="other.assessor@a.example")
    with pytest.raises(PermissionDenied):
        draft(employer_a, registration, other_assessor)
    with tenant_context(employer_a.employer.pk):
        assert not LearningAgreement.objects.exists()


def test_each_required_part_is_asked_for_by_name(employer_a, registration):
    with pytest.raises(ValidationError) as raised:
        draft(
            employer_a,
            registration,
            review_dates=" ",
            supervision_plan="",
            workload_arrangements="",
            protected_time="",
            other_support="",
        )
    assert raised.value.message_dict == {
        "review_dates": ["Enter when the reviews will be held"],
        "supervision_plan": ["Enter the supervision plan"],
        "workload_arrangements": ["Enter the workload arrangements"],
        "protected_time": ["Enter how protected development time will be taken"],
    }


def test_an_unsigned_revision_is_changed_not_replaced(employer_a, registration):
    agreement = draft(employer_a, registration)
    with pytest.raises(ValidationError, match="change it instead"):
        draft(employer_a, registration, reason="Another go")
    version = agreement.version
    with tenant_context(employer_a.employer.pk):
        changed = services.agreement_update(
            actor=as_(employer_a, employer_a.assessor),
            agreement=agreement,
            version=agreement.version,
            **{**TEXT, "protected_time": "Thursday mornings."},
        )
    assert changed.protected_time == "Thursday mornings." and changed.version == version + 1
    [event] = events(employer_a, "learning_agreement.changed")
    # Which parts changed, never the words.
    assert event.changes == {"protected_time": "changed"}


def test_a_stale_change_is_a_conflict_and_saves_nothing(employer_a, registration):
    agreement = draft(employer_a, registration)
    stale = agreement.version
    with tenant_context(employer_a.employer.pk):
        services.agreement_update(
            actor=as_(employer_a, employer_a.nqsw),
            agreement=agreement,
            version=agreement.version,
            **{**TEXT, "supervision_plan": "First change"},
        )
        with pytest.raises(Conflict):
            services.agreement_update(
                actor=as_(employer_a, employer_a.assessor),
                agreement=agreement,
                version=stale,
                **{**TEXT, "supervision_plan": "Second change"},
            )
        assert LearningAgreement.objects.get(pk=agreement.pk).supervision_plan == "First change"


# Signing ----------------------------------------------------------------------------------------------


def test_the_agreement_is_complete_when_all_three_have_signed(employer_a, registration):
    agreement = draft(employer_a, registration)
    version_before = registration_now(employer_a, registration).version
    sign(employer_a, employer_a.nqsw, agreement, NQSW)
    signed = sign(employer_a, employer_a.assessor, agreement, ASSESSOR)
    assert signed.completed_at is None
    assert registration_now(employer_a, registration).learning_agreement_needs_signing
    done = sign(employer_a, employer_a.line_manager, agreement, LINE_MANAGER)
    assert done.completed_at is not None
    after = registration_now(employer_a, registration)
    assert after.learning_agreement_needs_signing is False
    # Signing is not a change of the registration's details: co-ordinators' edits are not made stale.
    assert after.version == version_before
    with tenant_context(employer_a.employer.pk):
        signatures = {
            s.signed_as: s.signed_by_id for s in AgreementSignature.objects.filter(agreement=agreement)
        }
    assert signatures == {
        NQSW: employer_a.nqsw.pk,
        ASSESSOR: employer_a.assessor.pk,
        LINE_MANAGER: employer_a.line_manager.pk,
    }
    assert len(events(employer_a, "learning_agreement.signed")) == 3
    assert len(events(employer_a, "learning_agreement.completed")) == 1
    [cleared] = events(employer_a, "registration.learning_agreement_signed")
    assert cleared.changes["learning_agreement_needs_signing"] == [True, False]


def test_nobody_signs_for_someone_else(employer_a, registration):
    agreement = draft(employer_a, registration)
    with pytest.raises(PermissionDenied):
        sign(employer_a, employer_a.line_manager, agreement, ASSESSOR)
    with pytest.raises(PermissionDenied):
        sign(employer_a, employer_a.nqsw, agreement, LINE_MANAGER)
    with pytest.raises(PermissionDenied):
        sign(employer_a, employer_a.coordinator, agreement, NQSW)
    with tenant_context(employer_a.employer.pk):
        assert not AgreementSignature.objects.exists()


def test_signing_twice_in_the_same_part_is_refused(employer_a, registration):
    agreement = draft(employer_a, registration)
    sign(employer_a, employer_a.nqsw, agreement, NQSW)
    with pytest.raises(ValidationError, match="already been signed by the nqsw"):
        sign(employer_a, employer_a.nqsw, agreement, NQSW)


def test_signing_a_version_that_changed_since_it_was_read_is_a_conflict(employer_a, registration):
    agreement = draft(employer_a, registration)
    read = agreement.version
    with tenant_context(employer_a.employer.pk):
        services.agreement_update(
            actor=as_(employer_a, employer_a.assessor),
            agreement=agreement,
            version=agreement.version,
            **{**TEXT, "workload_arrangements": "Changed after the NQSW read it"},
        )
    with pytest.raises(Conflict):
        sign(employer_a, employer_a.nqsw, agreement, NQSW, version=read)
    with tenant_context(employer_a.employer.pk):
        assert not AgreementSignature.objects.exists()


def test_people_sign_side_by_side_from_the_same_page_version(employer_a, registration):
    """Another person's signature does not change the words: it is not a conflict."""
    agreement = draft(employer_a, registration)
    read = agreement.version
    sign(employer_a, employer_a.nqsw, agreement, NQSW, version=read)
    sign(employer_a, employer_a.assessor, agreement, ASSESSOR, version=read)
    done = sign(employer_a, employer_a.line_manager, agreement, LINE_MANAGER, version=read)
    assert done.completed_at is not None and done.version == read


def test_a_signed_revision_cannot_be_changed(employer_a, registration):
    agreement = draft(employer_a, registration)
    signed = sign(employer_a, employer_a.nqsw, agreement, NQSW)
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError, match="Start a new revision"):
        services.agreement_update(
            actor=as_(employer_a, employer_a.nqsw),
            agreement=signed,
            version=signed.version,
            **{**TEXT, "protected_time": "Something else"},
        )
    with tenant_context(employer_a.employer.pk):
        assert LearningAgreement.objects.get(pk=agreement.pk).protected_time == TEXT["protected_time"]


def test_signing_needs_an_assessor_and_a_line_manager(employer_a, registration):
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(line_manager=None)
    registration = registration_now(employer_a, registration)
    agreement = draft(employer_a, registration)
    with pytest.raises(ValidationError, match="needs a line manager"):
        sign(employer_a, employer_a.nqsw, agreement, NQSW)


# A new assessor ---------------------------------------------------------------------------------------


def allocate_new_assessor(tenant, registration):
    new = person(
        role="assessor", employer=tenant.employer, email="new.assessor@a.example", full_name="Nia New"
    )
    with tenant_context(tenant.employer.pk):
        registration = Registration.objects.get(pk=registration.pk)
        registration_allocate_assessor(
            actor=as_(tenant, tenant.coordinator), registration=registration, assessor_id=new.pk, on=TODAY
        )
    return new


def test_a_new_assessor_means_a_new_revision_copying_the_words_and_keeping_the_old(employer_a, registration):
    first = draft(employer_a, registration)
    sign_all(employer_a, first)
    new_assessor = allocate_new_assessor(employer_a, registration)
    registration = registration_now(employer_a, registration)
    assert registration.learning_agreement_needs_signing

    with tenant_context(employer_a.employer.pk):
        portfolio = Portfolio.objects.get(registration=registration)
        state = selectors.agreement_state(registration, selectors.agreement_revisions(portfolio))
    assert state.needs_new_revision and state.label == "Must be signed again"

    with pytest.raises(ValidationError) as raised:
        draft(employer_a, registration, new_assessor)
    assert raised.value.message_dict == {"reason": ["Enter why the agreement is being revised"]}
    second = draft(employer_a, registration, new_assessor, reason="New assessor from December")
    assert second.revision == 2 and second.assessor_id == new_assessor.pk
    assert second.supervision_plan == TEXT["supervision_plan"]

    # The old revision stays as it was signed, and can no longer be signed or changed.
    with tenant_context(employer_a.employer.pk):
        old = LearningAgreement.objects.get(pk=first.pk)
        assert old.completed_at is not None and old.signatures.count() == 3
        with pytest.raises(ValidationError, match="earlier revision"):
            services.agreement_update(
                actor=as_(employer_a, employer_a.nqsw), agreement=old, version=old.version, **TEXT
            )

    sign(employer_a, employer_a.nqsw, second, NQSW)
    sign(employer_a, new_assessor, second, ASSESSOR)
    with pytest.raises(PermissionDenied):
        sign(employer_a, employer_a.assessor, second, ASSESSOR)  # no longer the NQSW's assessor
    done = sign(employer_a, employer_a.line_manager, second, LINE_MANAGER)
    assert done.completed_at is not None
    assert registration_now(employer_a, registration).learning_agreement_needs_signing is False


def test_a_half_signed_revision_with_a_new_assessor_cannot_be_finished(employer_a, registration):
    agreement = draft(employer_a, registration)
    sign(employer_a, employer_a.nqsw, agreement, NQSW)
    new_assessor = allocate_new_assessor(employer_a, registration)
    with pytest.raises(ValidationError, match="Start a new revision"):
        sign(employer_a, new_assessor, agreement, ASSESSOR)


def test_an_unsigned_revision_takes_the_new_assessor_at_the_first_signature(employer_a, registration):
    agreement = draft(employer_a, registration)
    new_assessor = allocate_new_assessor(employer_a, registration)
    sign(employer_a, employer_a.nqsw, agreement, NQSW)
    signed = sign(employer_a, new_assessor, agreement, ASSESSOR)
    assert signed.assessor_id == new_assessor.pk


def test_completion_does_not_clear_the_flag_for_an_assessor_allocated_meanwhile(employer_a, registration):
    """The flag is cleared by a conditional update on the registration as it is now."""
    agreement = draft(employer_a, registration)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(assessor=employer_a.coordinator)
        services._set_needs_signing(
            as_(employer_a, employer_a.nqsw),
            registration,
            False,
            agreement=LearningAgreement.objects.get(pk=agreement.pk),
        )
    assert registration_now(employer_a, registration).learning_agreement_needs_signing is True


# Closed portfolios ------------------------------------------------------------------------------------


def test_a_submitted_portfolio_or_a_closed_registration_refuses_changes(employer_a, registration):
    agreement = draft(employer_a, registration)
    with tenant_context(employer_a.employer.pk):
        Portfolio.objects.filter(registration=registration).update(submitted_at=timezone.now())
    with pytest.raises(ValidationError, match="submitted for moderation"):
        sign(employer_a, employer_a.nqsw, agreement, NQSW)
    with tenant_context(employer_a.employer.pk):
        Portfolio.objects.filter(registration=registration).update(submitted_at=None)
        registration_withdraw(
            actor=as_(employer_a, employer_a.coordinator),
            registration=Registration.objects.get(pk=registration.pk),
            on=TODAY,
            reason="Left the employer",
        )
    with pytest.raises(ValidationError, match="can no longer be changed"):
        sign(employer_a, employer_a.nqsw, agreement, NQSW)


def test_another_employers_people_cannot_reach_the_agreement(employer_a, employer_b, registration):
    agreement = draft(employer_a, registration)
    portfolio_of(employer_a, registration)
    from django.http import Http404

    with tenant_context(employer_b.employer.pk), pytest.raises(Http404):
        selectors.agreement_get(actor=as_(employer_b, employer_b.coordinator), pk=agreement.pk)
