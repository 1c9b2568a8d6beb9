"""No sequence of ordinary actions reaches an outcome the programme's rules forbid (issue #11).

A hypothesis state machine drives one registration through random sequences of what people do in a year:
days pass; reviews are written, signed and locked; observations are completed; the learning agreement is
signed; the NQSW is deferred and resumed; the programme is extended; the assessor recommends; the panel
meets (on any day, earlier ones included) and decides; the co-ordinator submits the completion claim.
Every action goes through the services, as the pages and the API do, and may be refused.

After every step the invariants are checked from the records alone, with arithmetic of their own rather
than the services' helpers:
- no outcome, certificate or claimable completion payment before the final review window: the end of the
  programme (start + length, stretched for part-time hours, moved by every deferral and extension) less
  the framework's review window;
- every required review is locked before an outcome, each held on or after its own window opened;
- the outcome is dated on or after the recommendation's submission and the final review, never in the
  future, and no certificate or completion claim exists without a recorded pass.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from asye import clock
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from funding.models import Claim, Instalment
from funding.services import claim_submit
from portfolios.models import Observation
from programmes import services as programme_services
from programmes.models import Outcome, Registration
from reviews.models import FinalRecommendation, PanelDecision, Recommendation, Review, ReviewOutcome
from reviews.selectors import certificate_available
from reviews.services.panels import panel_create, panel_decide, panel_member_add
from reviews.services.practice_examples import practice_example_add
from reviews.services.recommendations import final_recommendation_create, final_recommendation_submit
from reviews.services.reviews import review_update, reviews_schedule
from reviews.services.signatures import review_comment, review_sign_as_assessor
from tests.programmes.progress_helpers import agreement_drafted, agreement_sign, observation_complete
from tests.reviews.review_fixtures import as_, make_registration
from tests.today import NOW, TODAY

pytestmark = pytest.mark.django_db(transaction=False)

REFUSED = (ValidationError, PermissionDenied, Conflict, Http404)
LONDON = NOW.tzinfo
DEBUG = False


def whole_days(start: datetime.date, end: datetime.date) -> int:
    return (end - start).days


class ProgrammeYear(RuleBasedStateMachine):
    """One registration at employer A, from its start to its end (or beyond)."""

    tenant = None  # set by the test before the machine runs
    outcomes_seen: set[str] = set()  # what the runs reached, so the test knows the invariants were exercised

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.day = TODAY
        self.traveller = None
        self.registration = None
        self.serial = 0
        self.window_when_held: dict[tuple[int, datetime.date], datetime.date] = {}

    # --- the clock ------------------------------------------------------------------------------------

    def _travel(self, day: datetime.date) -> None:
        if self.traveller is not None:
            self.traveller.stop()
        self.day = day
        self.traveller = time_machine.travel(datetime.datetime.combine(day, NOW.timetz()), tick=False)
        self.traveller.start()

    def teardown(self):
        if self.traveller is not None:
            self.traveller.stop()
        transaction.savepoint_rollback(self.savepoint)

    # --- helpers ----------------------------------------------------------------------------------------

    def _as(self, user):
        return as_(self.tenant, user)

    def _fresh(self) -> Registration:
        with tenant_context(self.tenant.employer.pk):
            return Registration.objects.select_related("framework_version").get(pk=self.registration.pk)

    def _try(self, action) -> None:
        try:
            with transaction.atomic(), tenant_context(self.tenant.employer.pk):
                action()
        except REFUSED as refusal:
            self._refused(refusal)

    def _refused(self, refusal) -> None:
        if DEBUG:
            print("refused:", type(refusal).__name__, refusal)

    # --- the set-up: a registration somewhere in its year -------------------------------------------------

    @initialize(weeks_in=st.sampled_from([0, 12, 30, 47, 49, 52, 56, 60, 70, 95]), part_time=st.booleans())
    def register(self, weeks_in, part_time):
        start = TODAY - datetime.timedelta(weeks=weeks_in)
        self.registration = make_registration(
            self.tenant,
            swe_number="SW8700001",
            start_date=start,
            qualification_date=start - datetime.timedelta(days=60),
            contracted_hours=Decimal("22.2") if part_time else Decimal("37"),
        )
        with tenant_context(self.tenant.employer.pk):
            reviews_schedule(
                actor=self._as(self.tenant.coordinator), registrations=[self.registration], today=TODAY
            )

    # --- what people do ---------------------------------------------------------------------------------

    @rule(days=st.sampled_from([1, 7, 20, 45, 90, 150]))
    def days_pass(self, days):
        self._travel(self.day + datetime.timedelta(days=days))

    @rule(month=st.sampled_from([3, 6, 9, 12]), held_days_ago=st.integers(min_value=0, max_value=60))
    def review_to_locked(self, month, held_days_ago):
        """The assessor writes the review (held some days ago) and signs; the NQSW and manager sign."""
        tenant = self.tenant
        registration = self._fresh()
        held_on = clock.today() - datetime.timedelta(days=held_days_ago)

        def act():
            reviews_schedule(
                actor=self._as(tenant.coordinator), registrations=[registration], today=clock.today()
            )
            review = Review.objects.filter(registration=registration, month=month, extra=False).first()
            if review is None:
                return
            if review.assessor_signed_at is None:
                assessor = self._as(tenant.assessor)
                review = review_update(
                    actor=assessor,
                    review=review,
                    version=review.version,
                    today=clock.today(),
                    held_on=held_on,
                    progress_pcf="PCF: steady progress.",
                    progress_standards="PQS: well evidenced.",
                    outcome=ReviewOutcome.ON_TRACK,
                )
                # The window the date held was checked against. An extension or deferral afterwards moves
                # the window on (the year's decision waits for it) but does not undo a review held in it.
                if month == registration.framework_version.length_months:
                    self.window_when_held[(review.pk, held_on)] = self._final_window_opens(self._fresh())
                if not review.practice_examples.exists():
                    practice_example_add(actor=assessor, review=review, text="A home visit.")
                review = Review.objects.get(pk=review.pk)
                review = review_sign_as_assessor(
                    actor=assessor, review=review, version=review.version, today=clock.today()
                )
            for user in (tenant.nqsw, tenant.line_manager):
                review = Review.objects.get(pk=review.pk)
                if review.status == Review.Status.LOCKED:
                    return
                try:
                    with transaction.atomic():
                        review_comment(
                            actor=self._as(user),
                            review=review,
                            version=review.version,
                            comments="Agreed.",
                            sign=True,
                        )
                except REFUSED as refusal:
                    self._refused(refusal)

        self._try(act)

    @rule(held_days_ago=st.integers(min_value=0, max_value=10))
    def year_worked(self, held_days_ago):
        """Everything at once, as a hurried team would try: every review point in order, every observation
        and the agreement (each may be refused)."""
        for month in sorted(self._fresh().framework_version.review_months):
            self.review_to_locked(month, held_days_ago)
        for _ in range(self._fresh().framework_version.direct_observations):
            self.observation_completed()
        self.agreement_signed()

    @rule()
    def observation_completed(self):
        registration = self._fresh()
        with tenant_context(self.tenant.employer.pk):
            number = Observation.objects.filter(portfolio__registration=registration).count()
        if number >= registration.framework_version.direct_observations + 1:
            return
        observed_on = max(registration.start_date, clock.today() - datetime.timedelta(days=1))
        try:
            with transaction.atomic():
                from tests.programmes.progress_helpers import observation_ready

                observation_complete(
                    self.tenant, observation_ready(self.tenant, registration, observed_on=observed_on)
                )
        except REFUSED as refusal:
            self._refused(refusal)

    @rule()
    def agreement_signed(self):
        registration = self._fresh()
        try:
            with transaction.atomic():
                agreement = agreement_drafted(self.tenant, registration)
                for user, signed_as in (
                    (self.tenant.nqsw, "nqsw"),
                    (self.tenant.assessor, "assessor"),
                    (self.tenant.line_manager, "line_manager"),
                ):
                    agreement = agreement_sign(self.tenant, user, agreement, signed_as)
        except REFUSED as refusal:
            self._refused(refusal)

    @rule(offset=st.integers(min_value=-10, max_value=30))
    def deferred(self, offset):
        registration = self._fresh()
        self._try(
            lambda: programme_services.registration_defer(
                actor=self._as(self.tenant.coordinator),
                registration=registration,
                started_on=clock.today() + datetime.timedelta(days=offset),
                reason="Sick leave",
                version=registration.version,
            )
        )

    @rule(offset=st.integers(min_value=0, max_value=60))
    def resumed(self, offset):
        registration = self._fresh()
        self._try(
            lambda: programme_services.registration_resume(
                actor=self._as(self.tenant.coordinator),
                registration=registration,
                ended_on=clock.today() + datetime.timedelta(days=offset),
                version=registration.version,
            )
        )

    @rule(days=st.integers(min_value=1, max_value=90))
    def extended(self, days):
        registration = self._fresh()
        self._try(
            lambda: programme_services.registration_extend(
                actor=self._as(self.tenant.coordinator),
                registration=registration,
                days=days,
                reason="More time for evidence",
                version=registration.version,
            )
        )

    @rule(passed=st.booleans())
    def recommended(self, passed):
        registration = self._fresh()
        assessor = self._as(self.tenant.assessor)

        def act():
            item = FinalRecommendation.objects.filter(registration=registration).order_by("-id").first()
            if item is None:
                item = final_recommendation_create(
                    actor=assessor,
                    registration=registration,
                    recommendation=Recommendation.PASS if passed else Recommendation.UNSUCCESSFUL,
                    evidence_summary="The evidence across the year.",
                )
            final_recommendation_submit(actor=assessor, item=item, version=item.version)

        self._try(act)

    @rule(held_days_ago=st.sampled_from([0, 0, 3, 30, 200]), endorse=st.booleans())
    def panel_decides(self, held_days_ago, endorse):
        coordinator = self._as(self.tenant.coordinator)
        registration = self._fresh()

        def act():
            item = (
                FinalRecommendation.objects.filter(
                    registration=registration, status=FinalRecommendation.Status.SUBMITTED
                )
                .order_by("-id")
                .first()
            )
            if item is None:
                return
            self.serial += 1
            panel = panel_create(
                actor=coordinator,
                held_on=clock.today() - datetime.timedelta(days=held_days_ago),
                chair=f"Chair {self.serial}",
            )
            panel_member_add(actor=coordinator, panel=panel, name="A member", role="Practice lead")
            panel.refresh_from_db()
            panel_decide(
                actor=coordinator,
                panel=panel,
                item=item,
                decision=PanelDecision.Decision.ENDORSE if endorse else PanelDecision.Decision.REFER_BACK,
                reasons="" if endorse else "More evidence of PCF 5, please.",
                panel_version=panel.version,
                recommendation_version=item.version,
                today=clock.today(),
            )

        self._try(act)

    @rule()
    def completion_claimed(self):
        coordinator = self._as(self.tenant.coordinator)

        def act():
            claim = Claim.objects.filter(
                registration_id=self.registration.pk, instalment=Instalment.COMPLETION
            ).first()
            if claim is not None:
                claim_submit(actor=coordinator, claim=claim, today=clock.today())

        self._try(act)

    @rule(passed=st.booleans(), held_days_ago=st.sampled_from([0, 5, 60]))
    def year_closed(self, passed, held_days_ago):
        """The assessor recommends and the panel meets and endorses, as a hurried team would try at once."""
        self.recommended(passed)
        self.panel_decides(held_days_ago, True)

    # --- what must always hold ----------------------------------------------------------------------------

    def _final_window_opens(self, registration: Registration) -> datetime.date:
        """The end of the programme less the review window, worked out here from the records."""
        version = registration.framework_version
        factor = max(Decimal(1), version.full_time_hours / registration.contracted_hours)
        months = Decimal(version.length_months) * factor
        whole = int(months)
        end = registration.start_date + relativedelta(months=whole)
        end += datetime.timedelta(days=int(((months - whole) * Decimal("30.436875")).to_integral_value()))
        for deferral in registration.deferrals.order_by("started_on"):
            if deferral.started_on <= end:
                stop = deferral.ended_on or max(clock.today(), deferral.started_on)
                end += stop - deferral.started_on
        end += datetime.timedelta(days=registration.extension_days)
        return end - datetime.timedelta(weeks=version.review_window_weeks)

    @invariant()
    def outcomes_follow_the_rules(self):
        if self.registration is None:
            return
        with tenant_context(self.tenant.employer.pk):
            registration = self._fresh()
            claims = list(
                Claim.objects.filter(registration_id=registration.pk, instalment=Instalment.COMPLETION)
            )
            certificate = certificate_available(registration)
            if not registration.outcome:
                assert not certificate, "a certificate without an outcome"
                assert not claims, "a completion claim without an outcome"
                return
            ProgrammeYear.outcomes_seen.add(registration.outcome)
            today = clock.today()
            outcome_on = registration.outcome_date
            assert outcome_on is not None and outcome_on <= today, "an outcome dated in the future"
            opens = self._final_window_opens(registration)
            assert outcome_on >= opens, (
                f"an outcome on {outcome_on} before the final window opened on {opens}"
            )
            item = (
                FinalRecommendation.objects.filter(
                    registration=registration, status=FinalRecommendation.Status.ENDORSED
                )
                .order_by("-id")
                .first()
            )
            assert item is not None and item.submitted_at is not None, "an outcome with no recommendation"
            assert outcome_on >= clock.localtime(item.submitted_at).date(), (
                "an outcome before its recommendation"
            )
            reviews = {r.month: r for r in Review.objects.filter(registration=registration, extra=False)}
            for month in registration.framework_version.review_months:
                review = reviews.get(month)
                assert review is not None and review.status == Review.Status.LOCKED, (
                    f"{month}-month review unlocked"
                )
            final = reviews[registration.framework_version.length_months]
            held_in = self.window_when_held.get((final.pk, final.held_on))
            assert final.held_on is not None and held_in is not None and final.held_on >= held_in, (
                "the final review held before its window"
            )
            assert outcome_on >= final.held_on, "an outcome before the final review was held"
            if registration.outcome != Outcome.PASSED:
                assert not certificate, "a certificate for an unsuccessful outcome"
                assert all(c.status in ("voided",) for c in claims), "a live completion claim without a pass"


def test_no_sequence_reaches_an_outcome_the_rules_forbid(employer_a):
    ProgrammeYear.tenant = employer_a
    ProgrammeYear.outcomes_seen = set()
    run_state_machine_as_test(
        ProgrammeYear,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )


@pytest.mark.parametrize("part_time", [False, True])
def test_the_invariants_hold_on_a_year_done_properly(employer_a, part_time):
    """The random runs may or may not happen upon a pass; this one walks the year the proper way with the
    machine's own actions, so the invariants are checked against a real pass on every run."""
    ProgrammeYear.tenant = employer_a
    ProgrammeYear.outcomes_seen = set()
    machine = ProgrammeYear()
    try:
        machine.register(weeks_in=95 if part_time else 56, part_time=part_time)
        machine.outcomes_follow_the_rules()
        machine.year_worked(held_days_ago=0)
        machine.outcomes_follow_the_rules()
        machine.year_closed(passed=True, held_days_ago=0)
        machine.outcomes_follow_the_rules()
        machine.completion_claimed()
        machine.outcomes_follow_the_rules()
        assert machine._fresh().outcome == Outcome.PASSED
        assert ProgrammeYear.outcomes_seen == {Outcome.PASSED}
    finally:
        machine.teardown()
