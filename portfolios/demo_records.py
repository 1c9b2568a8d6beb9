"""Demo records for the portfolios seeded by ``portfolios.demo.seed``: the learning agreement, PDP
objectives, the start self-assessment, direct observations and feedback requests.

The demo NQSW (nqsw@demo.example) gets a learning agreement signed by all three, three PDP objectives
(one achieved), the start-of-programme self-assessment, two observations (one complete, one planned) and
three feedback requests: answered by a person who draws on care and support, answered by a child, and one
still waiting. Other portfolios get a draft agreement signed by the NQSW so far, one objective and one
observation in progress, so the assessor and line manager have something to sign and read. Everyone else
at the county has kept up (``seed_kept_up``): an agreement signed by all three in the first weeks and each
direct observation completed before it fell due, so the dashboard's flags pick out the few who have not.

Runs inside the system national scope; rows are created directly (as ``programmes.demo_records`` does),
shaped as the services would leave them, dated in the story's calendar and moved to the seeding day
(``demo.calendar``); the agreement's review dates are the registration's own. Each kind of
record is made only for a portfolio that has none yet, so a second run creates nothing. Demo feedback
links have random secrets that are not kept: the waiting request's link cannot be opened (create a new
one to try the form).
"""

from __future__ import annotations

import datetime
import secrets
from collections import Counter

from django.utils import timezone

from asye import clock
from demo.calendar import DemoCalendar
from portfolios.access import portfolio_statements
from portfolios.feedback_links import FEEDBACK_LINK_DAYS, feedback_secret_hash
from portfolios.models import (
    AgreementSignature,
    FeedbackRequest,
    LearningAgreement,
    Observation,
    ObservationAmendment,
    ObservationTag,
    PdpObjective,
    Portfolio,
    SelfAssessment,
    SelfAssessmentRating,
)
from programmes.models import Registration
from programmes.selectors import timeline_input
from programmes.timeline import milestones

DEMO_NQSW = "nqsw@demo.example"
D = datetime.date
SIGNED_AS = AgreementSignature.SignedAs

AGREEMENT = {
    "supervision_plan": "Weekly supervision for the first 6 weeks, fortnightly until the 6-month review, "
    "then monthly, with the assessor; at least one session a month is reflective supervision.",
    "workload_arrangements": "A protected caseload of no more than 90% of the team's average, built up over "
    "the first 3 months. No lead role in care proceedings before the 6-month review.",
    "protected_time": "Half a day each week (Wednesday afternoons), booked in the team calendar and logged "
    "in the service.",
    "other_support": "Monthly NQSW peer learning group; the national NQSW forum; shadowing a senior "
    "practitioner at two child protection conferences.",
}

# The dates below are the story's (reference day 23 November 2026), moved to the seeding day when made.
OBJECTIVES = (
    {
        "objective": "Write chronologies that show the impact of events on the child, not only the dates",
        "measure": "Three chronologies my assessor judges as good in case file audits",
        "actions": "Chronology training in my second month; review two good examples with my assessor",
        "relevance": "Feedback at my first supervision: my chronologies list events without analysis",
        "achieve_by": D(2027, 1, 31),
        "statement": ("cf-pqs", 7),
        "status": PdpObjective.Status.OPEN,
        "progress": "Training done. First chronology reviewed since: better, needs more on the child's "
        "experience.",
    },
    {
        "objective": "Chair a child in need review confidently, including challenging partners",
        "measure": "Chair two reviews observed by my assessor, one with a challenge recorded",
        "actions": "Shadow two reviews chaired by a senior practitioner; plan my challenges in supervision",
        "relevance": "Chairing reviews is a core part of my role from month 3",
        "achieve_by": D(2026, 11, 20),
        "statement": ("pcf", 8),
        "status": PdpObjective.Status.ACHIEVED,
        "progress": "Chaired two reviews, a month apart. In the second I challenged the school on a missed "
        "action; my assessor observed it.",
    },
    {
        "objective": "Use the young carers' legal framework in my assessments",
        "measure": "My next young carer's assessment sets out the Children and Families Act 2014 duties",
        "actions": "Read the statutory guidance; ask the young carers' service for a briefing",
        "relevance": "My assessor asked for more on the legal framework in my last assessment",
        "achieve_by": D(2027, 2, 28),
        "statement": ("cf-pqs", 8),
        "status": PdpObjective.Status.OPEN,
        "progress": "",
    },
)
OTHER_OBJECTIVE = {
    "objective": "Write case records within two working days of each visit",
    "measure": "Monthly case file audits show records within two working days",
    "actions": "Block time after visits in my calendar; use the recording template",
    "relevance": "Timely records keep children safe and were raised at my 3-month review",
    "achieve_by": D(2027, 3, 31),
    "statement": ("pcf", 1),
    "status": PdpObjective.Status.OPEN,
    "progress": "",
}

# Start-of-programme ratings for the PQS statements 1 to 10, with a few comments.
START_LEVELS = (3, 2, 2, 1, 2, 2, 1, 1, 3, 2)
START_COMMENTS = {
    1: "I build relationships quickly with children; less so with fathers.",
    4: "I have little experience of working with parents with mental ill health.",
    8: "Court work is new to me.",
}

OBSERVATIONS = (
    {
        "observed_on": D(2026, 10, 20),
        "setting": "Home visit: reviewing a child in need plan with a mother and her two children",
        "preparation": "Read the file and the last review; planned to see the children on their own first "
        "and to use a three houses tool with the older child.",
        "nqsw_reflection": "Seeing the children first changed the visit: the older child talked about being "
        "worried about her mum. I rushed the end of the visit and would leave more time to agree next steps.",
        "observer_assessment": "Sam was warm and clear and kept the children central. The three houses tool "
        "was well used. Next: slow down when agreeing the plan with the parent, and check understanding.",
        "person_feedback": "Mum: 'She explained things properly and didn't talk down to me.'",
        "status": Observation.Status.COMPLETE,
        "tags": (("pcf", 7), ("cf-pqs", 1), ("cf-pqs", 2)),
        # Added by the NQSW after it was complete: the assessed record stays as it was.
        "later_reflection": (
            D(2026, 11, 16),
            "At the next review visit I left twenty minutes to agree the plan and asked Mum to tell it "
            "back to me in her words: it was clearer for both of us.",
        ),
    },
    {
        "observed_on": D(2026, 11, 30),
        "setting": "Child protection core group meeting, chaired by the NQSW",
        "preparation": "Agenda agreed with the family beforehand; I will check each action from the plan.",
        "nqsw_reflection": "",
        "observer_assessment": "",
        "person_feedback": "",
        "status": Observation.Status.DRAFT,
        "tags": (("pcf", 8), ("cf-pqs", 7)),
    },
)
OTHER_OBSERVATION = OBSERVATIONS[1] | {
    "setting": "Home visit with a family: an assessment visit",
    "preparation": "Read the referral; planned questions for each parent.",
    "tags": (("pcf", 7),),
}

FEEDBACK = (
    {
        "kind": FeedbackRequest.Kind.PERSON,
        "recipient_name": "Maria",
        "context": "The visits and meetings about your family's plan",
        "created_on": D(2026, 10, 22),
        "answered_on": D(2026, 10, 25),
        "answers": {
            "what_went_well": "She listened to me and explained what would happen next. "
            "She came when she said.",
            "what_could_be_better": "Sometimes the meetings were too long for the children.",
            "felt_listened_to": "yes",
            "anything_else": "Thank you for helping us.",
        },
    },
    {
        "kind": FeedbackRequest.Kind.CHILD,
        "recipient_name": "Jay",
        "context": "When Sam visits you at school",
        "created_on": D(2026, 11, 2),
        "answered_on": D(2026, 11, 4),
        "answers": {
            "what_went_well": "We played a game and she listened",
            "what_could_be_better": "Come at lunchtime not in maths",
            "felt_listened_to": "sometimes",
            "anything_else": "",
        },
    },
    {
        "kind": FeedbackRequest.Kind.PROFESSIONAL,
        "recipient_name": "Mr Khan (school)",
        "context": "Working together on the child in need plan",
        "created_on": D(2026, 11, 16),
        "answered_on": None,
        "answers": {},
    },
)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _statement_ids(portfolio: Portfolio, tags) -> list[int]:
    by_key = {(s.capability_set.code, s.number): s.pk for s in portfolio_statements(portfolio)}
    return [by_key[tag] for tag in tags if tag in by_key]


def _review_dates(registration: Registration) -> str:
    """The review points of the registration's timeline as its agreement states them at the start."""
    spec = timeline_input(registration, deferrals=[])
    reviews = [m for m in milestones(spec, today=registration.start_date) if m.kind == "review"]
    lines = [f"{m.label}: {m.due:%-d %B %Y}" for m in reviews[:-1]]
    if reviews:
        lines.append(f"{reviews[-1].label} and final recommendation: {reviews[-1].due:%-d %B %Y}")
    return "\n".join(lines)


def first_agreement(
    portfolio: Portfolio, registration: Registration, *, created_by_id: int | None, **texts: str
) -> LearningAgreement:
    """The portfolio's first learning agreement, between the registration's NQSW, assessor and line manager,
    made as a demo's copy of it (not through the services: it is dated on the story's days)."""
    return LearningAgreement.objects.create(
        employer_id=portfolio.employer_id,
        portfolio=portfolio,
        revision=1,
        assessor_id=registration.assessor_id,
        line_manager_id=registration.line_manager_id,
        created_by_id=created_by_id,
        **texts,
    )


def _agreement(portfolio: Portfolio, registration: Registration, *, signers, created: Counter) -> None:
    if LearningAgreement.objects.filter(portfolio=portfolio).exists():
        return
    start = registration.start_date
    agreement = first_agreement(
        portfolio,
        registration,
        created_by_id=registration.assessor_id or registration.nqsw_id,
        review_dates=_review_dates(registration),
        **AGREEMENT,
    )
    LearningAgreement.objects.filter(pk=agreement.pk).update(
        created_at=_at(start + datetime.timedelta(days=5))
    )
    created["learning agreements"] += 1
    people = {
        SIGNED_AS.NQSW: registration.nqsw_id,
        SIGNED_AS.ASSESSOR: registration.assessor_id,
        SIGNED_AS.LINE_MANAGER: registration.line_manager_id,
    }
    last = None
    for offset, role in enumerate(signers, start=6):
        if people[role] is None:
            continue
        signature = AgreementSignature.objects.create(
            employer_id=portfolio.employer_id, agreement=agreement, signed_as=role, signed_by_id=people[role]
        )
        last = _at(start + datetime.timedelta(days=offset), 14)
        AgreementSignature.objects.filter(pk=signature.pk).update(signed_at=last)
        created["agreement signatures"] += 1
    signed = AgreementSignature.objects.filter(agreement=agreement).count()
    LearningAgreement.objects.filter(pk=agreement.pk).update(
        completed_at=last if signed == len(SIGNED_AS.values) else None
    )
    if signed == len(SIGNED_AS.values):
        Registration.objects.filter(pk=registration.pk).update(learning_agreement_needs_signing=False)


def _objectives(
    portfolio: Portfolio, registration: Registration, items, created: Counter, demo_calendar: DemoCalendar
) -> None:
    if PdpObjective.objects.filter(portfolio=portfolio).exists():
        return
    for item in items:
        statement_ids = _statement_ids(portfolio, [item["statement"]])
        objective = PdpObjective.objects.create(
            employer_id=portfolio.employer_id,
            portfolio=portfolio,
            objective=item["objective"],
            measure=item["measure"],
            actions=item["actions"],
            relevance=item["relevance"],
            achieve_by=demo_calendar.shift(item["achieve_by"]),
            statement_id=statement_ids[0] if statement_ids else None,
            status=item["status"],
            progress=item["progress"],
            created_by_id=registration.nqsw_id,
        )
        PdpObjective.objects.filter(pk=objective.pk).update(
            created_at=_at(registration.start_date + datetime.timedelta(days=14))
        )
        created["PDP objectives"] += 1


def _self_assessment(portfolio: Portfolio, registration: Registration, created: Counter) -> None:
    capability_set = next((s for s in portfolio.capability_sets.all() if s.has_self_assessment), None)
    if capability_set is None or SelfAssessment.objects.filter(portfolio=portfolio).exists():
        return
    completed = _at(registration.start_date + datetime.timedelta(days=10), 16)
    assessment = SelfAssessment.objects.create(
        employer_id=portfolio.employer_id,
        portfolio=portfolio,
        stage=SelfAssessment.Stage.START,
        capability_set=capability_set,
        completed_at=completed,
    )
    SelfAssessment.objects.filter(pk=assessment.pk).update(created_at=completed)
    statements = list(capability_set.statements.order_by("number"))
    SelfAssessmentRating.objects.bulk_create(
        SelfAssessmentRating(
            employer_id=portfolio.employer_id,
            self_assessment=assessment,
            statement=statement,
            level=START_LEVELS[(statement.number - 1) % len(START_LEVELS)],
            comment=START_COMMENTS.get(statement.number, ""),
        )
        for statement in statements
    )
    created["self-assessments"] += 1
    created["self-assessment ratings"] += len(statements)


def _observations(
    portfolio: Portfolio, registration: Registration, items, created: Counter, demo_calendar: DemoCalendar
) -> None:
    if Observation.objects.filter(portfolio=portfolio).exists():
        return
    for number, item in enumerate(items, start=1):
        observation = Observation.objects.create(
            employer_id=portfolio.employer_id,
            portfolio=portfolio,
            number=number,
            observer_id=registration.assessor_id,
            observer_name="" if registration.assessor_id else "Practice educator",
            observed_on=demo_calendar.shift(item["observed_on"]),
            setting=item["setting"],
            preparation=item["preparation"],
            nqsw_reflection=item["nqsw_reflection"],
            observer_assessment=item["observer_assessment"],
            person_feedback=item["person_feedback"],
            status=item["status"],
            created_by_id=registration.nqsw_id,
        )
        ObservationTag.objects.bulk_create(
            ObservationTag(employer_id=portfolio.employer_id, observation=observation, statement_id=pk)
            for pk in _statement_ids(portfolio, item["tags"])
        )
        created["observations"] += 1
        if "later_reflection" in item and registration.nqsw_id:
            day, text = item["later_reflection"]
            _later_reflection(observation, registration, text, _at(demo_calendar.shift(day), 17), created)


def _later_reflection(
    observation: Observation, registration: Registration, text: str, when: datetime.datetime, created: Counter
) -> None:
    """The NQSW's later reflection on a complete observation, dated as the demo calendar says."""
    if when > clock.now():
        return
    reflection = ObservationAmendment.objects.create(
        employer_id=observation.employer_id,
        observation=observation,
        field=ObservationAmendment.LATER_REFLECTION,
        new_value=text,
        amended_by_id=registration.nqsw_id,
    )
    ObservationAmendment.objects.filter(pk=reflection.pk).update(amended_at=when)
    created["later reflections"] += 1


def _feedback(
    portfolio: Portfolio, registration: Registration, created: Counter, demo_calendar: DemoCalendar
) -> None:
    if FeedbackRequest.objects.filter(portfolio=portfolio).exists():
        return
    shift = demo_calendar.shift
    for item in FEEDBACK:
        sent = _at(shift(item["created_on"]), 11)
        answered = _at(shift(item["answered_on"]), 19) if item["answered_on"] else None
        request = FeedbackRequest.objects.create(
            employer_id=portfolio.employer_id,
            portfolio=portfolio,
            kind=item["kind"],
            recipient_name=item["recipient_name"],
            context=item["context"],
            # A fresh secret nobody keeps: demo links are never answerable from outside.
            token_hash=feedback_secret_hash(secrets.token_urlsafe(32)),
            status=FeedbackRequest.Status.ANSWERED if answered else FeedbackRequest.Status.SENT,
            expires_at=sent + datetime.timedelta(days=FEEDBACK_LINK_DAYS),
            answered_at=answered,
            created_by_id=registration.nqsw_id,
            **item["answers"],
        )
        FeedbackRequest.objects.filter(pk=request.pk).update(created_at=sent)
        created["feedback requests"] += 1


KEPT_UP_OBSERVATION = OBSERVATIONS[0] | {
    "setting": "Home visit: an assessment visit with a family",
    "preparation": "Read the referral and the history; planned to see the children on their own.",
    "nqsw_reflection": "I kept the children at the centre and agreed clear next steps with the parents.",
    "observer_assessment": "Clear, respectful and well prepared. Next: record the child's own words.",
    "person_feedback": "",
    "tags": (("pcf", 7),),
}


def _kept_up_observations(
    portfolio: Portfolio, registration: Registration, created: Counter, demo_calendar: DemoCalendar
) -> None:
    """A complete observation a week before each one that has fallen due (never before the start)."""
    if Observation.objects.filter(portfolio=portfolio).exists():
        return
    today = demo_calendar.today
    spec = timeline_input(registration, deferrals=list(registration.deferrals.all()))
    due = [m.due for m in milestones(spec, today=today) if m.kind == "observation" and m.due <= today]
    items = []
    for day in due:
        observed_on = max(registration.start_date, day - datetime.timedelta(days=7))
        # In the story's calendar, as ``_observations`` moves each date to the seeding day.
        items.append(KEPT_UP_OBSERVATION | {"observed_on": demo_calendar.unshift(observed_on)})
    items = [{k: v for k, v in item.items() if k != "later_reflection"} for item in items]
    _observations(portfolio, registration, items, created, demo_calendar)


def seed_kept_up(portfolios: list[Portfolio], *, demo_calendar: DemoCalendar | None = None) -> Counter[str]:
    """The records of NQSWs who have kept up with their year: a signed agreement and the observations due."""
    demo_calendar = demo_calendar or DemoCalendar.seeding()
    created: Counter[str] = Counter()
    for portfolio in portfolios:
        registration = Registration.objects.select_related("nqsw", "framework_version").get(
            pk=portfolio.registration_id
        )
        if registration.nqsw_id is None or registration.start_date > demo_calendar.today:
            continue
        _agreement(portfolio, registration, signers=list(SIGNED_AS.values), created=created)
        _kept_up_observations(portfolio, registration, created, demo_calendar)
    return created


def seed_records(portfolios: list[Portfolio], *, demo_calendar: DemoCalendar | None = None) -> Counter[str]:
    """Add the records each portfolio is missing, dated on ``demo_calendar`` (default: seeded today);
    return counts of what was created."""
    demo_calendar = demo_calendar or DemoCalendar.seeding()
    created: Counter[str] = Counter()
    everyone = list(SIGNED_AS.values)
    for portfolio in portfolios:
        registration = Registration.objects.select_related("nqsw", "framework_version").get(
            pk=portfolio.registration_id
        )
        if registration.nqsw_id is None or registration.start_date > demo_calendar.today:
            continue
        if registration.nqsw.email == DEMO_NQSW:
            _agreement(portfolio, registration, signers=everyone, created=created)
            _objectives(portfolio, registration, OBJECTIVES, created, demo_calendar)
            _self_assessment(portfolio, registration, created)
            _observations(portfolio, registration, OBSERVATIONS, created, demo_calendar)
            _feedback(portfolio, registration, created, demo_calendar)
        else:
            _agreement(portfolio, registration, signers=[SIGNED_AS.NQSW], created=created)
            _objectives(portfolio, registration, [OTHER_OBJECTIVE], created, demo_calendar)
            _observations(portfolio, registration, [OTHER_OBSERVATION], created, demo_calendar)
    return created
