"""The table of ``tests/security/test_isolation_fields.py``: for each form or API field that names an object,
the requests that send it with the actor's own employer's object and with another employer's (``CASES``), or
the reason it names no employer's object (``EXEMPT``). No tests here: the tests are in that module."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from asye.tenancy.db import tenant_context
from tests.conftest import _tenant
from tests.programmes.conftest import actor_for
from tests.programmes.test_transfers import request_transfer
from tests.today import TODAY, days_ago, days_ahead, months_ago

# --- The table -------------------------------------------------------------------------------------------


@dataclass
class Attempt:
    """One request that names an object by id in its body: ``body(value)`` with ``ours`` (the actor's own
    employer's object, which must work) or ``theirs`` (employer B's, which must change nothing)."""

    user: object
    url: str
    body: Callable[[object], dict]
    ours: object
    theirs: object
    api: bool = False
    employer: object = None  # the employer to act for, when the user has several
    worked: Callable | None = None  # what the own value's success looks like, if not a change in the database
    extra: dict = field(default_factory=dict)


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _registration(tenant, swe: str):
    from tests.portfolios.conftest import linked_registration

    return linked_registration(tenant, swe_number=swe)


def _with_portfolio(tenant, swe: str):
    from portfolios.access import portfolio_ensure

    registration = _registration(tenant, swe)
    with tenant_context(tenant.employer.pk):
        portfolio_ensure(actor=actor_for(tenant.nqsw, tenant.employer), registration=registration)
    return registration


def person_choice(role_url: str, role: str):
    def setup(a, b, unscoped):
        from tests.programmes.conftest import facts, registration_day

        with tenant_context(a.employer.pk):
            from programmes.services import registration_create

            given = facts(swe_number="SW9100001")
            registration = registration_create(
                actor=actor_for(a.coordinator, a.employer), facts=given, today=registration_day(given)
            )
        return Attempt(
            user=a.coordinator,
            url=reverse(f"programmes:{role_url}", args=[registration.pk]),
            body=lambda v: {"person": v},
            ours=getattr(a, role).pk,
            theirs=getattr(b, role).pk,
        )

    return setup


def supervision(a, b, unscoped):
    registration = _registration(a, "SW9100002")
    return Attempt(
        user=a.coordinator,
        url=reverse("support:supervision_record", args=[registration.pk]),
        body=lambda v: {
            **_date("held_on", days_ago(7)),
            "duration_minutes": "60",
            "reflective": "yes",
            "supervisor": v,
        },
        ours=a.assessor.pk,
        theirs=b.assessor.pk,
    )


def transfer_accept(person: str):
    def setup(a, b, unscoped):
        # B asks A to take an NQSW on; A accepts, naming B's person as its own assessor or line manager.
        sending = _registration(b, "SW9100003")
        transfer = request_transfer(b, a, sending, on=TODAY)
        other = "line_manager" if person == "assessor" else "assessor"
        return Attempt(
            user=a.coordinator,
            url=reverse("programmes:transfer_accept", args=[transfer.pk]),
            body=lambda v: {
                **_date("joins_on", TODAY + datetime.timedelta(days=1)),
                "contracted_hours": "37",
                person: v,
                other: "",
                "version": transfer.version,
            },
            ours=getattr(a, person).pk,
            theirs=getattr(b, person).pk,
        )

    return setup


def observation_observer(a, b, unscoped):
    registration = _with_portfolio(a, "SW9100004")
    return Attempt(
        user=a.assessor,
        url=reverse("portfolios:observation_add", args=[registration.pk]),
        body=lambda v: {
            **_date("observed_on", days_ago(21)),
            "setting": "Home visit",
            "observer": str(v),
            "observer_name": "",
            "preparation": "",
        },
        ours=a.assessor.pk,
        theirs=b.assessor.pk,
    )


def _evidence(tenant, swe: str):
    from portfolios.models import Evidence, Portfolio
    from tests.portfolios.conftest import add_evidence

    registration = _with_portfolio(tenant, swe)
    with tenant_context(tenant.employer.pk):
        portfolio = Portfolio.objects.get(registration=registration)
    return registration, add_evidence(tenant, portfolio, title="Evidence", status=Evidence.Status.SHARED)


def _observation(tenant, registration):
    from portfolios.observations import observation_create

    with tenant_context(tenant.employer.pk):
        return observation_create(
            actor=actor_for(tenant.nqsw, tenant.employer),
            registration=registration,
            observed_on=days_ago(21),
            setting="Home visit",
            observer_id=tenant.assessor.pk,
        )


def practice_example(link: str):
    def setup(a, b, unscoped):
        from tests.reviews.review_fixtures import scheduled

        registration, ours = _evidence(a, "SW9100005")
        _registration_b, theirs = _evidence(b, "SW9100006")
        if link == "observation":
            ours, theirs = _observation(a, registration), _observation(b, _registration_b)
        review = scheduled(a, registration, 3)
        other = "evidence" if link == "observation" else "observation"
        return Attempt(
            user=a.assessor,
            url=reverse("reviews:example_add", args=[review.pk]),
            body=lambda v: {"text": "They chaired the meeting well.", link: v, other: "", "statement": ""},
            ours=ours.pk,
            theirs=theirs.pk,
        )

    return setup


def support_action_owner(a, b, unscoped):
    from reviews.models import ReviewOutcome, SupportPlan
    from tests.reviews.review_fixtures import make_registration, scheduled, sign_as_assessor, write

    # A 3-month review (its window open) reporting "not on track", signed: the support plan it opens.
    registration = make_registration(a, swe_number="SW9100012", start_date=months_ago(4))
    review = write(a, scheduled(a, registration, 3), outcome=ReviewOutcome.NOT_ON_TRACK, held_on=days_ago(3))
    sign_as_assessor(a, review)
    with tenant_context(a.employer.pk):
        plan = SupportPlan.objects.get(review=review)
    return Attempt(
        user=a.coordinator,
        url=reverse("reviews:support_action_add", args=[plan.pk]),
        body=lambda v: {
            "action": "Reduce the caseload",
            "owner": str(v),
            "owner_name": "",
            **_date("due_on", days_ahead(14)),
        },
        ours=a.line_manager.pk,
        theirs=b.line_manager.pk,
    )


def _submitted_recommendation(tenant, swe: str):
    from reviews.services.recommendations import final_recommendation_create, final_recommendation_submit
    from tests.reviews.review_fixtures import make_year_done

    registration = make_year_done(tenant, swe_number=swe)
    with tenant_context(tenant.employer.pk):
        assessor = actor_for(tenant.assessor, tenant.employer)
        item = final_recommendation_create(
            actor=assessor, registration=registration, recommendation="pass", evidence_summary="The evidence."
        )
        return final_recommendation_submit(actor=assessor, item=item, version=item.version)


def panel_recommendation(a, b, unscoped):
    from tests.reviews.review_routes import panel

    ours, theirs = _submitted_recommendation(a, "SW9100013"), _submitted_recommendation(b, "SW9100014")
    made = panel(a, unscoped)
    versions = {ours.pk: ours.version, theirs.pk: theirs.version}
    return Attempt(
        user=a.coordinator,
        url=reverse("reviews:panel_decide", args=[made.pk]),
        body=lambda v: {
            "recommendation": v,
            "panel_version": made.version,
            "recommendation_version": versions[v],
            "decision": "endorse",
            "reasons": "The evidence supports a pass.",
        },
        ours=ours.pk,
        theirs=theirs.pk,
    )


def voluntary_submission(a, b, unscoped):
    from tests.reviews.test_moderation_support import portfolio

    ours, theirs = portfolio(a, swe_number="SW9100007"), portfolio(b, swe_number="SW9100008")
    return Attempt(
        user=a.coordinator,
        url=reverse("reviews:moderation_submit"),
        body=lambda v: {"portfolio": v},
        ours=ours.pk,
        theirs=theirs.pk,
    )


def claims(a, b, unscoped):
    from asye.accounts.actor import build_actor
    from asye.accounts.models import Role
    from asye.tenancy.db import tenant_settings
    from tests.factories import person
    from tests.funding.helpers import approve, claim_of, register

    staff = person(role=Role.NATIONAL_STAFF, email="national.fields@skillsforcare.example")
    with tenant_settings(user_id=staff.pk):
        national = build_actor(staff, employer_id=None)
    ours = claim_of(approve(national, register(a)))
    theirs = claim_of(approve(national, register(b)))
    return Attempt(
        user=a.coordinator,
        url=reverse("funding:claims_submit"),
        body=lambda v: {"claims": [v], "step": "confirm", "confirm": "on"},
        ours=ours.pk,
        theirs=theirs.pk,
    )


def choose_employer(a, b, unscoped):
    from asye.accounts.models import Role
    from tests.factories import MembershipFactory

    third = _tenant("Deltaford Borough Council")
    # Someone with roles at A and at a third employer, who chooses which to act for.
    MembershipFactory(user=a.assessor, employer=third.employer, role=Role.ASSESSOR)

    def acting_for(client, employer_pk):
        from asye.tenancy.middleware import ACTIVE_EMPLOYER_SESSION_KEY

        return client.session.get(ACTIVE_EMPLOYER_SESSION_KEY) == employer_pk

    return Attempt(
        user=a.assessor,
        url=reverse("accounts:choose_employer"),
        body=lambda v: {"employer": v},
        ours=a.employer.pk,
        theirs=b.employer.pk,
        worked=lambda client, response: response.status_code == 302 and acting_for(client, a.employer.pk),
        extra={"refused": lambda client: not acting_for(client, b.employer.pk)},
    )


def api_registration(path: str, body: Callable[[object], dict], user: str = "coordinator"):
    def setup(a, b, unscoped):
        ours, theirs = _registration(a, "SW9100009"), _registration(b, "SW9100010")
        return Attempt(
            user=getattr(a, user),
            url=path,
            body=body,
            ours=ours.pk,
            theirs=theirs.pk,
            api=True,
            # A's own registration gets past the look-up: whatever the rules then say, it is not "not found"
            # and not a complaint about the registration field.
            worked=lambda client, response: response.status_code != 404
            and "registration" not in _problem_fields(response),
        )

    return setup


def _problem_fields(response) -> set[str]:
    try:
        body = response.json()
    except ValueError:
        return set()
    errors = body.get("errors") or body.get("invalid_params") or {}
    if isinstance(errors, dict):
        return set(errors)
    return {item.get("name") for item in errors if isinstance(item, dict)}


CASES: dict[tuple[str, str], list[Callable]] = {
    ("programmes.forms.PersonChoiceForm", "person"): [
        person_choice("assessor", "assessor"),
        person_choice("line_manager", "line_manager"),
    ],
    ("programmes.support_forms.SupervisionForm", "supervisor"): [supervision],
    ("programmes.transfer_forms.TransferAcceptForm", "assessor"): [transfer_accept("assessor")],
    ("programmes.transfer_forms.TransferAcceptForm", "line_manager"): [transfer_accept("line_manager")],
    ("portfolios.record_forms.ObservationForm", "observer"): [observation_observer],
    ("reviews.forms.PracticeExampleForm", "evidence"): [practice_example("evidence")],
    ("reviews.forms.PracticeExampleForm", "observation"): [practice_example("observation")],
    ("reviews.forms.SupportActionForm", "owner"): [support_action_owner],
    ("reviews.forms.PanelDecisionForm", "recommendation"): [panel_recommendation],
    ("reviews.moderation_forms.VoluntarySubmitForm", "portfolio"): [voluntary_submission],
    ("funding.forms.ClaimsSelectForm", "claims"): [claims],
    ("asye.accounts.forms.ChooseEmployerForm", "employer"): [choose_employer],
    ("reviews.serializers.ReviewCreateSerializer", "registration"): [
        api_registration("/api/v1/reviews/", lambda v: {"registration": v, "month": 3}, user="assessor")
    ],
    ("reviews.serializers.FinalOutcomeCreateSerializer", "registration"): [
        api_registration(
            "/api/v1/final-outcomes/",
            lambda v: {"registration": v, "recommendation": "pass", "evidence_summary": "x"},
            user="assessor",
        )
    ],
}

CAPABILITIES = "national reference data (capability statements), offered only from the portfolio's frameworks"
NATIONAL = "national staff's or the NQAP's page: employer staff get 403 before any form is read"
EXEMPT: dict[tuple[str, str], str] = {
    ("portfolios.record_forms.PdpObjectiveForm", "statement"): CAPABILITIES,
    ("portfolios.record_forms.ObservationForm", "statements"): CAPABILITIES,
    ("portfolios.amendment_forms.ObservationAmendForm", "statements"): CAPABILITIES,
    ("portfolios.evidence_forms.EvidenceForm", "<named at run time>"): CAPABILITIES,
    ("reviews.forms.PracticeExampleForm", "statement"): CAPABILITIES,
    ("reviews.moderation_forms.ExemplarForm", "statement"): NATIONAL,
    ("reviews.moderation_forms.AssignForm", "moderator"): NATIONAL,
    ("reviews.moderation_forms.BulkAssignForm", "moderators"): NATIONAL,
    ("funding.forms.RecoveryCancelForm", "recovery"): NATIONAL,
    ("funding.forms.RemoveLineForm", "claim"): NATIONAL,
    ("funding.forms.RemoveLineForm", "recovery"): NATIONAL,
    ("funding.forms.StatementBuildForm", "employer"): NATIONAL,
    ("assurance.forms.MeetingScheduleForm", "employer"): NATIONAL,
    # A national session's sign-ups, offered only from that session's own list (an unlisted id is a
    # validation error); organisers are national staff, and no employer's co-ordinator records attendance.
    ("forums.forms.AttendanceForm", "attended"): NATIONAL,
    # The organiser's cohort enrolment: offered only from the search's own results (an unlisted id is a
    # validation error); the page is national staff's.
    ("forums.forms.CohortEnrolForm", "person"): NATIONAL,
    ("funding.forms.StartApplicationForm", "funding_year"): "national reference data (funding years)",
    ("reviews.serializers.ReviewCreateSerializer", "month"): "a review point (3, 6, 12), not an object",
    # Its choices are the evidence's own files; another evidence's file is not a choice, and the service
    # removes only files of the evidence it was given (tests/portfolios/test_evidence_amendments.py).
    ("portfolios.amendment_forms.EvidenceAmendForm", "remove_files"): "the evidence's own files only",
    # A GET filter over the employer's own list: it writes nothing, and an unknown value is ignored.
    ("programmes.forms.RegistrationFilterForm", "assessor"): "a filter of the employer's own list",
    # Names another employer by design: the request is the sender's row, and nothing of the receiving
    # employer's is written (test_a_transfer_naming_another_employer_writes_nothing_of_theirs, below).
    ("programmes.transfer_forms.TransferRequestForm", "to_employer"): "a transfer's target, tested below",
}
