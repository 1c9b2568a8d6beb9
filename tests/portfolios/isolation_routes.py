"""Portfolios's routes that capture an object, for tests/test_isolation.py (see tests/isolation_support.py)."""

from __future__ import annotations

from tests.isolation_support import ObjectRoute

OBJECT_ROUTES: dict[str, ObjectRoute] = {}

EXEMPT: dict[str, str] = {}


# --- Part A: the overview, evidence and its files, coverage, the pack and submitting -------------------
# Whole-portfolio pages are addressed by employer B's registration (its portfolio started); evidence
# pages by B's shared evidence; file pages by a file of it (a row only: no bytes are stored).


def _a_portfolio_registration(employer_b, unscoped):
    from asye.tenancy.db import tenant_context
    from portfolios.access import portfolio_ensure
    from tests.portfolios.conftest import linked_registration
    from tests.programmes.conftest import actor_for

    registration = linked_registration(employer_b)
    with tenant_context(employer_b.employer.pk):
        portfolio_ensure(actor=actor_for(employer_b.nqsw, employer_b.employer), registration=registration)
    return registration


def _a_evidence(employer_b, unscoped):
    from asye.tenancy.db import tenant_context
    from portfolios.models import Evidence, Portfolio
    from tests.portfolios.conftest import add_evidence

    registration = _a_portfolio_registration(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        portfolio = Portfolio.objects.get(registration=registration)
    return add_evidence(employer_b, portfolio, title="B's evidence", status=Evidence.Status.SHARED)


def _a_evidence_file(employer_b, unscoped):
    from asye.tenancy.db import tenant_context
    from portfolios.models import EvidenceFile

    evidence = _a_evidence(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        return EvidenceFile.objects.create(
            employer_id=evidence.employer_id,
            evidence=evidence,
            storage_name=f"employers/{evidence.employer_id}/evidence/isolation-case",
            original_name="b-notes.txt",
            content_type="text/plain; charset=utf-8",
            size=5,
            sha256="0" * 64,
            uploaded_by=employer_b.nqsw,
        )


OBJECT_ROUTES.update(
    {
        **{
            f"portfolios:{name}": ObjectRoute(_a_portfolio_registration)
            for name in ("overview", "evidence_list", "evidence_add", "coverage", "pack", "submit")
        },
        **{
            f"portfolios:{name}": ObjectRoute(_a_evidence)
            for name in (
                "evidence",
                "evidence_change",
                "evidence_share",
                "evidence_respond",
                "evidence_file_add",
            )
        },
        "portfolios:evidence_file": ObjectRoute(_a_evidence_file),
        "portfolios:evidence_file_remove": ObjectRoute(_a_evidence_file),
    }
)


# --- Part B: the agreement, PDP, self-assessment, observations and feedback requests ------------------
# Pages of a whole portfolio are addressed by the registration; pages of one record by the record. Each
# maker returns one of employer B's, made through the services as B's own people would.


def _b_registration(employer_b, unscoped):
    from tests.portfolios.conftest import linked_registration

    return linked_registration(employer_b)


def _b_actor(employer_b, user):
    from tests.programmes.conftest import actor_for

    return actor_for(user, employer_b.employer)


def _b_agreement(employer_b, unscoped):
    from asye.tenancy.db import tenant_context
    from portfolios.agreements import agreement_create

    registration = _b_registration(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        return agreement_create(
            actor=_b_actor(employer_b, employer_b.nqsw),
            registration=registration,
            review_dates="B's review dates",
            supervision_plan="B's supervision plan",
            workload_arrangements="B's workload",
            protected_time="B's protected time",
        )


def _b_pdp_objective(employer_b, unscoped):
    from asye.tenancy.db import tenant_context
    from portfolios.pdp import pdp_objective_create
    from tests.today import TODAY, days_ahead

    registration = _b_registration(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        return pdp_objective_create(
            actor=_b_actor(employer_b, employer_b.nqsw),
            registration=registration,
            objective="B's objective",
            measure="B's measure",
            actions="B's actions",
            relevance="B's relevance",
            achieve_by=days_ahead(1135),  # written as 1 January 2030, on 23 November 2026
            today=TODAY,
        )


def _b_observation(employer_b, unscoped):
    from asye.tenancy.db import tenant_context
    from portfolios.observations import observation_create
    from tests.today import days_ago

    registration = _b_registration(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        return observation_create(
            actor=_b_actor(employer_b, employer_b.nqsw),
            registration=registration,
            observed_on=days_ago(21),  # after the start eleven weeks ago
            setting="B's home visit",
            observer_id=employer_b.assessor.pk,
        )


def _b_feedback_request(employer_b, unscoped):
    from asye.tenancy.db import tenant_context
    from portfolios.feedback_requests import feedback_request_create

    registration = _b_registration(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        return feedback_request_create(
            actor=_b_actor(employer_b, employer_b.nqsw),
            registration=registration,
            kind="person",
            recipient_name="B's person",
            context="B's visits",
        ).feedback_request


OBJECT_ROUTES.update(
    {
        **{
            f"portfolios:{name}": ObjectRoute(_b_registration)
            for name in (
                "agreement",
                "agreement_add",
                "pdp",
                "pdp_add",
                "self_assessments",
                "self_assessment",
                "observations",
                "observation_add",
                "feedback_requests",
                "feedback_request_add",
            )
        },
        "portfolios:agreement_change": ObjectRoute(_b_agreement),
        "portfolios:agreement_sign": ObjectRoute(_b_agreement),
        "portfolios:pdp_objective": ObjectRoute(_b_pdp_objective),
        "portfolios:pdp_objective_change": ObjectRoute(_b_pdp_objective),
        "portfolios:observation": ObjectRoute(_b_observation),
        "portfolios:observation_change": ObjectRoute(_b_observation),
        "portfolios:observation_complete": ObjectRoute(_b_observation),
        "portfolios:feedback_request": ObjectRoute(_b_feedback_request),
        "portfolios:feedback_request_created": ObjectRoute(_b_feedback_request),
        "portfolios:feedback_request_cancel": ObjectRoute(_b_feedback_request),
    }
)
EXEMPT.update(
    {
        # Addressed by a secret, not an id: an unknown secret is a 404, a used, cancelled or expired one a
        # 410, and nothing changes (tests/portfolios/test_feedback_public.py).
        "feedback:answer": "secret-addressed",
    }
)


# --- Amendments of assessed records -------------------------------------------------------------------
# Addressed by employer B's complete observation and accepted evidence, made through the services as B's
# own people would: the state in which the amendment pages would let B's assessor and NQSW act.


def _b_complete_observation(employer_b, unscoped):
    from asye.tenancy.db import tenant_context
    from portfolios.observations import observation_complete, observation_update
    from tests.today import TODAY

    observation = _b_observation(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        observation = observation_update(
            actor=_b_actor(employer_b, employer_b.assessor),
            observation=observation,
            version=observation.version,
            observer_assessment="B's assessment",
        )
        observation = observation_update(
            actor=_b_actor(employer_b, employer_b.nqsw),
            observation=observation,
            version=observation.version,
            nqsw_reflection="B's reflection",
        )
        return observation_complete(
            actor=_b_actor(employer_b, employer_b.assessor),
            observation=observation,
            version=observation.version,
            today=TODAY,
        )


def _b_accepted_evidence(employer_b, unscoped):
    from asye.tenancy.db import tenant_context
    from portfolios.models import Evidence, Portfolio
    from tests.portfolios.conftest import add_evidence

    registration = _a_portfolio_registration(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        portfolio = Portfolio.objects.get(registration=registration)
    return add_evidence(employer_b, portfolio, title="B's accepted evidence", status=Evidence.Status.ACCEPTED)


OBJECT_ROUTES.update(
    {
        "portfolios:observation_amend": ObjectRoute(_b_complete_observation),
        "portfolios:observation_reflect": ObjectRoute(_b_complete_observation),
        "portfolios:evidence_amend": ObjectRoute(_b_accepted_evidence),
        "portfolios:evidence_reflect": ObjectRoute(_b_accepted_evidence),
    }
)
