"""Review demo data for ``manage.py seed_demo`` (inside the system national scope), at Demo County Council.

Every review point of the county's programmes in progress is scheduled from its timeline. Then, through
the same services as the pages (so the same rules hold), on the days the story gives (written in its
reference calendar, moved to the seeding day by ``demo.calendar``):
- 3-month reviews signed by all three and locked for the NQSWs well past three months, one still waiting
  for the NQSW's signature, and the demo NQSW's own 3-month review being written, quoting their evidence;
- 6-month reviews in every state: locked, waiting for the line manager, written but not signed (overdue),
  not yet due, and one "not on track" with its support plan (concerns, actions, the extra review);
- one completed year of an earlier cohort (started about fourteen months before the seeding day): 3-, 6-
  and 12-month reviews locked, each in its window and in order, the paper record a recommendation needs
  copied in (``reviews.demo_cohort``: the signed learning agreement, three completed observations), a pass
  recommended and endorsed by a (closed) panel that met after it was submitted, so the registration shows
  the outcome, dated the day of the decision, and the certificate is available;
- an open panel meeting today, with one submitted recommendation (another NQSW of that cohort) to decide.

Then national moderation's demo (``reviews.demo_moderation``, the NQAP's part of this app), which samples
the portfolios of that cohort's funding year, runs.

Signatures and other timestamps are moved back to the days the story says they happened. The earlier
cohort's NQSWs have no account (they signed on paper before the service opened), so their comments and the
date they signed are copied in rather than signed through the service. A second run creates nothing: each
case is skipped once its review has been written, and the two earlier NQSWs are known by their Social Work
England numbers.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils import timezone

from asye.accounts.actor import Actor, build_actor
from asye.accounts.models import Role, User
from asye.tenancy.models import Employer, ServiceArea
from demo.calendar import DemoCalendar
from portfolios.access import portfolio_ensure
from programmes.eligibility import framework_version_for, funding_year_of
from programmes.models import AssessorAllocation, FundingStatus, Registration, RegistrationStatus
from programmes.selectors import registrations_with_deferrals
from reviews.demo_cohort import paper_record
from reviews.demo_moderation import seed_moderation
from reviews.models import (
    FinalRecommendation,
    ModerationPanel,
    PanelDecision,
    Review,
    ReviewOutcome,
    SupportPlan,
    SupportPlanAction,
)
from reviews.services.panels import panel_close, panel_create, panel_decide, panel_member_add
from reviews.services.practice_examples import linkable_evidence, practice_example_add
from reviews.services.recommendations import final_recommendation_create, final_recommendation_submit
from reviews.services.reviews import review_update, reviews_schedule
from reviews.services.signatures import review_comment, review_sign_as_assessor
from reviews.services.support_plans import support_plan_action_add, support_plan_update

DEMO_COUNTY = "Demo County Council"
DEMO_NQSW = "nqsw@demo.example"
DEMO_ASSESSOR = "assessor@demo.example"
DEMO_MANAGER = "manager@demo.example"
D = datetime.date
ON, SOME, NOT = ReviewOutcome.ON_TRACK, ReviewOutcome.SOME_CONCERNS, ReviewOutcome.NOT_ON_TRACK

ONE_YEAR = 12  # months: the earlier cohort's programme has ended by the seeding day

# How far a case goes: written (draft with the report), signed (by the assessor), nqsw (and the NQSW),
# locked (all three).
WRITTEN, SIGNED, NQSW_SIGNED, LOCKED = "written", "signed", "nqsw", "locked"


@dataclass(frozen=True)
class ReviewCase:
    month: int
    stage: str
    outcome: str
    held_on: datetime.date


# The story, in its reference calendar (reference day 23 November 2026).
# Demo County's registrations in progress, known by their start date (unique among these).
CASES: dict[datetime.date, tuple[ReviewCase, ...]] = {
    D(2026, 1, 12): (ReviewCase(3, LOCKED, ON, D(2026, 4, 14)), ReviewCase(6, LOCKED, SOME, D(2026, 7, 14))),
    D(2026, 2, 9): (ReviewCase(3, LOCKED, ON, D(2026, 6, 1)), ReviewCase(6, NQSW_SIGNED, ON, D(2026, 9, 22))),
    D(2026, 3, 2): (ReviewCase(3, LOCKED, SOME, D(2026, 6, 3)), ReviewCase(6, WRITTEN, SOME, D(2026, 9, 3))),
    D(2026, 4, 13): (ReviewCase(3, LOCKED, ON, D(2026, 7, 14)),),
    D(2026, 5, 11): (
        ReviewCase(3, LOCKED, SOME, D(2026, 8, 12)),
        ReviewCase(6, SIGNED, NOT, D(2026, 11, 12)),
    ),
    D(2026, 6, 1): (ReviewCase(3, LOCKED, ON, D(2026, 9, 2)),),
    D(2026, 7, 6): (ReviewCase(3, SIGNED, ON, D(2026, 10, 8)),),
    D(2026, 8, 17): (ReviewCase(3, LOCKED, ON, D(2026, 11, 18)),),
}
DEMO_NQSW_CASE = ReviewCase(3, WRITTEN, ON, D(2026, 11, 20))
# The not-on-track review is signed ten days before the reference day; its extra review is eight weeks on.
EXTRA_REVIEW_DUE = D(2027, 1, 7)
SUPPORT_PLAN_CONCERNS = (
    "PCF 5 (knowledge) and PQS 6 (analysis and critical thinking): assessments describe what happened but do "
    "not yet weigh the evidence or say what it means for the child. PCF 9 (professional leadership): "
    "caseload above the team's cap since the 3-month review has left little protected time."
)
SUPPORT_PLAN_ACTIONS = (
    ("Bring caseload back within 90% of the team average and protect Thursday afternoons.", "manager", 0),
    ("Weekly reflective supervision focused on analysis in two current assessments.", "assessor", 0),
    ("Shadow an experienced practitioner writing a child and family assessment.", None, 14),
)

# The earlier cohort: one completed with an endorsed pass, one with the panel now.
COMPLETED = {
    "first_name": "Jordan",
    "last_name": "Ellis",
    "swe_number": "SW7700101",
    "email": "jordan.ellis@demo-county.example",
    "start": D(2025, 9, 8),
    "held": (D(2025, 12, 9), D(2026, 3, 10), D(2026, 9, 9)),
    "panel": D(2026, 10, 14),
}
WITH_PANEL = {
    "first_name": "Priya",
    "last_name": "Malhotra",
    "swe_number": "SW7700102",
    "email": "priya.malhotra@demo-county.example",
    "start": D(2025, 10, 13),
    "held": (D(2026, 1, 14), D(2026, 4, 15), D(2026, 10, 14)),
    "submitted": D(2026, 11, 16),
}
PANEL_MEMBERS = (
    ("Dr Helen Adeyemi", "Principal social worker (chair)"),
    ("Mark Little", "Practice educator"),
    ("Samira Haddad", "Independent member, another local authority"),
)

PCF_TEXT = (
    "Values and ethics (PCF 2) are clear in how {name} explains their role to families. Intervention and "
    "skills (PCF 7): visits are planned with a purpose and recorded promptly. Critical reflection (PCF 6) is "
    "growing: reflections now say what they would do differently."
)
STANDARDS_TEXT = (
    "PQS 1 (relationships and effective direct work) and PQS 5 (the role of family and friends) are well "
    "evidenced. PQS 6 (analysis) is developing: the next step is weighing competing accounts."
)
NOT_ON_TRACK_PCF = (
    "{name} has struggled since the 3-month review with a caseload above the team's cap. Assessments are "
    "late and describe rather than analyse (PCF 5, 6). Contact with families remains respectful (PCF 2)."
)
NOT_ON_TRACK_STANDARDS = (
    "PQS 6 (analysis and critical thinking) and PQS 3 (child development) are not yet evidenced at the level "
    "expected at six months."
)
EXAMPLE_TEXT = (
    "At a home visit {name} explained the school's worry in plain words, listened to the parent's account "
    "and agreed a practical plan, keeping the child's needs in view."
)
NQSW_COMMENT = "I agree with the review. Supervision has helped me most with planning visits."
MANAGER_COMMENT = "A fair picture. Workload has been kept within the cap and protected time is taken."
SUMMARY = (
    "Across three locked reviews, three direct observations and feedback from families and colleagues, "
    "{name} shows the PCF at ASYE level in every domain and meets the post-qualifying standards. Analysis, "
    "the one area of concern at three months, is now a strength (see the 12-month review)."
)


def _at(day: datetime.date, hour: int = 11) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class People:
    """Actors at Demo County for the people a registration names (and the co-ordinator)."""

    def __init__(self, county: int, user_ids: dict[str, int]):
        self.county = county
        self._actors: dict[int, Actor] = {}
        coordinator = user_ids.get("coordinator@demo.example")
        self.coordinator = self.actor(coordinator) if coordinator else None

    def actor(self, user_id: int | None) -> Actor | None:
        if user_id is None:
            return None
        if user_id not in self._actors:
            self._actors[user_id] = build_actor(User.objects.get(pk=user_id), employer_id=self.county)
        return self._actors[user_id]


def _write(
    people: People,
    registration: Registration,
    review: Review,
    case: ReviewCase,
    created: Counter,
    today: datetime.date,
):
    """Bring one review to its case's stage (its date already on the seeding day's calendar) through the
    services; backdate what they stamped."""
    assessor = people.actor(registration.assessor_id)
    name = registration.first_name
    review = review_update(
        actor=assessor,
        review=review,
        version=review.version,
        today=today,
        held_on=case.held_on,
        progress_pcf=(NOT_ON_TRACK_PCF if case.outcome == NOT else PCF_TEXT).format(name=name),
        progress_standards=NOT_ON_TRACK_STANDARDS if case.outcome == NOT else STANDARDS_TEXT,
        outcome=case.outcome,
    )
    evidence = linkable_evidence(registration)
    accepted = [e for e in evidence if e.status == "accepted"] or evidence
    practice_example_add(
        actor=assessor,
        review=review,
        text=EXAMPLE_TEXT.format(name=name),
        evidence_id=accepted[0].pk if accepted else None,
    )
    created["reviews written"] += 1
    if case.stage == WRITTEN:
        return review
    review.refresh_from_db()
    signed_on = case.held_on + datetime.timedelta(days=1)
    review = review_sign_as_assessor(actor=assessor, review=review, version=review.version, today=signed_on)
    Review.objects.filter(pk=review.pk).update(assessor_signed_at=_at(signed_on))
    if case.outcome == NOT:
        _support_plan(people, registration, review, signed_on, created, today)
    if case.stage == SIGNED:
        return review
    nqsw = people.actor(registration.nqsw_id)
    if nqsw is None:
        return review
    review.refresh_from_db()
    review = review_comment(
        actor=nqsw, review=review, version=review.version, comments=NQSW_COMMENT, sign=True
    )
    Review.objects.filter(pk=review.pk).update(nqsw_signed_at=_at(signed_on + datetime.timedelta(days=3)))
    if case.stage == NQSW_SIGNED:
        return review
    manager = people.actor(registration.line_manager_id)
    return _manager_signs(manager, review, signed_on + datetime.timedelta(days=6), created)


def _manager_signs(manager, review: Review, on: datetime.date, created: Counter) -> Review:
    """The line manager comments and signs, the last signature: the review is locked ``on`` that day."""
    review.refresh_from_db()
    review = review_comment(
        actor=manager, review=review, version=review.version, comments=MANAGER_COMMENT, sign=True
    )
    Review.objects.filter(pk=review.pk).update(line_manager_signed_at=_at(on), locked_at=_at(on))
    created["reviews locked"] += 1
    return review


def _support_plan(people, registration, review, signed_on, created, today: datetime.date) -> None:
    plan = SupportPlan.objects.get(review=review)
    SupportPlan.objects.filter(pk=plan.pk).update(created_at=_at(signed_on))
    plan.refresh_from_db()
    assessor = people.actor(registration.assessor_id)
    plan = support_plan_update(
        actor=assessor,
        plan=plan,
        version=plan.version,
        concerns=SUPPORT_PLAN_CONCERNS,
        extra_review_due_on=DemoCalendar(today).shift(EXTRA_REVIEW_DUE),
        today=signed_on,
    )
    for text, owner, done_after in SUPPORT_PLAN_ACTIONS:
        owner_id = {"manager": registration.line_manager_id, "assessor": registration.assessor_id}.get(owner)
        item = support_plan_action_add(
            actor=assessor,
            plan=plan,
            action=text,
            owner_id=owner_id,
            owner_name="" if owner_id else "Amira Khan, senior practitioner",
            due_on=signed_on + datetime.timedelta(weeks=2 if owner else 4),
            today=signed_on,
        )
        if done_after:
            SupportPlanAction.objects.filter(pk=item.pk).update(
                done_on=min(signed_on + datetime.timedelta(days=done_after - 7), today)
            )
    created["support plans"] += 1


def _reviews_of(registration: Registration) -> dict[int, Review]:
    return {r.month: r for r in Review.objects.filter(registration=registration, extra=False)}


def _seed_in_progress(
    people: People, county: int, user_ids: dict[str, int], created: Counter, demo_calendar: DemoCalendar
) -> None:
    shift = demo_calendar.shift
    moved = {
        shift(start): tuple(replace(case, held_on=shift(case.held_on)) for case in cases)
        for start, cases in CASES.items()
    }
    demo_nqsw_case = replace(DEMO_NQSW_CASE, held_on=shift(DEMO_NQSW_CASE.held_on))
    registrations = list(
        registrations_with_deferrals(
            Registration.objects.filter(
                employer_id=county, status__in=[RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED]
            )
            .select_related("framework_version__framework")
            .order_by("start_date", "id")
        )
    )
    before = Review.objects.filter(employer_id=county).count()
    reviews_schedule(actor=people.coordinator, registrations=registrations, today=demo_calendar.today)
    created["reviews scheduled"] += Review.objects.filter(employer_id=county).count() - before
    demo_nqsw = user_ids.get(DEMO_NQSW)
    for registration in registrations:
        if registration.nqsw_id == demo_nqsw:
            cases = (demo_nqsw_case,)
        else:
            cases = moved.get(registration.start_date, ())
        if cases and registration.assessor_id is None:
            continue
        reviews = _reviews_of(registration)
        for case in cases:
            review = reviews.get(case.month)
            if review is None or review.version > 1 or review.status != Review.Status.DRAFT:
                continue  # written on an earlier run (or by someone since)
            if registration.nqsw_id == demo_nqsw:
                portfolio_ensure(actor=people.coordinator, registration=registration)
            _write(people, registration, review, case, created, demo_calendar.today)


def _moved(plan: dict, demo_calendar: DemoCalendar) -> dict:
    """An earlier-cohort plan with its dates on the seeding day's calendar."""
    shift = demo_calendar.shift
    return {
        key: shift(value) if isinstance(value, datetime.date) else value for key, value in plan.items()
    } | {"held": tuple(shift(day) for day in plan["held"])}


def _one_year_version(start: datetime.date, employer_type: str):
    """The framework version of an earlier-cohort NQSW: the child and family ASYE, or, for a start the
    two-year early career programme took over (a demo seeded long after September 2027), the adults ASYE,
    so that their year has honestly ended."""
    for service_area in (ServiceArea.CHILD_AND_FAMILY, ServiceArea.ADULTS):
        version = framework_version_for(
            employer_type=employer_type, service_area=service_area, start_date=start
        )
        if version is not None and version.length_months == ONE_YEAR:
            return version
    return None


def _previous_cohort_registration(plan: dict, county: int, user_ids: dict[str, int]) -> Registration | None:
    existing = Registration.objects.filter(employer_id=county, swe_number=plan["swe_number"]).first()
    if existing is not None:
        return None
    employer_type = Employer.objects.filter(pk=county).values_list("employer_type", flat=True).first()
    version = _one_year_version(plan["start"], employer_type or "")
    assessor, manager = user_ids.get(DEMO_ASSESSOR), user_ids.get(DEMO_MANAGER)
    coordinator = user_ids.get("coordinator@demo.example")
    if version is None or not (assessor and manager and coordinator):
        return None
    registration = Registration.objects.create(
        employer_id=county,
        framework_version=version,
        first_name=plan["first_name"],
        last_name=plan["last_name"],
        email=plan["email"],
        swe_number=plan["swe_number"],
        qualification_date=plan["start"] - datetime.timedelta(days=75),
        start_date=plan["start"],
        contracted_hours=Decimal("37"),
        funding_year=funding_year_of(plan["start"]),
        funding_status=FundingStatus.APPROVED,
        assessor_id=assessor,
        line_manager_id=manager,
        learning_agreement_needs_signing=False,
        created_by_id=coordinator,
    )
    AssessorAllocation.objects.create(
        employer_id=county,
        registration=registration,
        assessor_id=assessor,
        started_on=plan["start"],
        created_by_id=coordinator,
    )
    Registration.objects.filter(pk=registration.pk).update(
        created_at=_at(plan["start"] - datetime.timedelta(days=20))
    )
    return registration


def _year(
    people: People, registration: Registration, held: tuple, created: Counter, today: datetime.date
) -> None:
    """Schedule and lock the 3-, 6- and 12-month reviews of an earlier-cohort registration."""
    reviews_schedule(actor=people.coordinator, registrations=[registration], today=held[-1])
    reviews = _reviews_of(registration)
    manager = people.actor(registration.line_manager_id)
    for (month, outcome), day in zip(((3, SOME), (6, ON), (12, ON)), held, strict=True):
        review = reviews[month]
        case = ReviewCase(month, SIGNED, outcome, day)
        review = _write(people, registration, review, case, created, today)
        review.refresh_from_db()
        # The earlier cohort signed their reviews on paper before the service opened, and these NQSWs never
        # had an account: their comments and the date they signed were copied in (no signer to name).
        Review.objects.filter(pk=review.pk).update(
            nqsw_comments=NQSW_COMMENT, nqsw_signed_at=_at(day + datetime.timedelta(days=3))
        )
        _manager_signs(manager, review, day + datetime.timedelta(days=6), created)


def _recommend(
    people: People, registration: Registration, submitted_on: datetime.date
) -> FinalRecommendation:
    assessor = people.actor(registration.assessor_id)
    item = final_recommendation_create(
        actor=assessor,
        registration=registration,
        recommendation="pass",
        evidence_summary=SUMMARY.format(name=registration.first_name),
    )
    item = final_recommendation_submit(actor=assessor, item=item, version=item.version)
    FinalRecommendation.objects.filter(pk=item.pk).update(
        submitted_at=_at(submitted_on), created_at=_at(submitted_on - datetime.timedelta(days=4))
    )
    item.refresh_from_db()
    return item


def _panel(people: People, held_on: datetime.date, created: Counter) -> ModerationPanel:
    coordinator = people.coordinator
    panel = panel_create(actor=coordinator, held_on=held_on, chair=PANEL_MEMBERS[0][0])
    for name, role in PANEL_MEMBERS:
        panel_member_add(actor=coordinator, panel=panel, name=name, role=role)
    ModerationPanel.objects.filter(pk=panel.pk).update(created_at=_at(held_on - datetime.timedelta(days=21)))
    panel.refresh_from_db()
    created["moderation panels"] += 1
    return panel


def _seed_previous_cohort(
    people: People, county: int, user_ids: dict[str, int], created: Counter, demo_calendar: DemoCalendar
) -> None:
    today = demo_calendar.today
    plan = _moved(COMPLETED, demo_calendar)
    completed = _previous_cohort_registration(plan, county, user_ids)
    if completed is not None:
        created[f"registrations of {completed.funding_year}"] += 1
        _year(people, completed, plan["held"], created, today)
        paper_record(completed, created)
        item = _recommend(people, completed, plan["panel"] - datetime.timedelta(days=21))
        panel = _panel(people, plan["panel"], created)
        panel_decide(
            actor=people.coordinator,
            panel=panel,
            item=item,
            decision=PanelDecision.Decision.ENDORSE,
            reasons="The evidence supports the pass; the analysis in the 12-month review is strong.",
            panel_version=panel.version,
            recommendation_version=item.version,
            today=plan["panel"],
        )
        PanelDecision.objects.filter(panel=panel).update(decided_at=_at(plan["panel"], 15))
        panel.refresh_from_db()
        panel_close(actor=people.coordinator, panel=panel, version=panel.version)
        created["outcomes endorsed"] += 1
    plan = _moved(WITH_PANEL, demo_calendar)
    waiting = _previous_cohort_registration(plan, county, user_ids)
    if waiting is not None:
        created[f"registrations of {waiting.funding_year}"] += 1
        _year(people, waiting, plan["held"], created, today)
        paper_record(waiting, created)
        _recommend(people, waiting, plan["submitted"])
        _panel(people, today, created)
        created["recommendations with the panel"] += 1


def seed(
    *, employer_ids: dict[str, int], user_ids: dict[str, int], demo_calendar: DemoCalendar | None = None
) -> Counter[str]:
    """Create what is missing (a second run creates nothing), on ``demo_calendar`` (default: seeded today);
    return counts of what was created."""
    demo_calendar = demo_calendar or DemoCalendar.seeding()
    created: Counter[str] = Counter()
    county = employer_ids.get(DEMO_COUNTY)
    if county is None or "coordinator@demo.example" not in user_ids:
        return created
    people = People(county, user_ids)
    if not people.coordinator or not people.coordinator.has_role(Role.COORDINATOR):
        return created
    _seed_in_progress(people, county, user_ids, created, demo_calendar)
    _seed_previous_cohort(people, county, user_ids, created, demo_calendar)
    # National moderation (the NQAP's part of this app) samples the portfolios of the year seeded here.
    created += seed_moderation(demo_calendar=demo_calendar)
    return created
