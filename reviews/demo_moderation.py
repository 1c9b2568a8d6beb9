"""National moderation demo data for ``manage.py seed_demo`` (it opens the system national scope), after
the reviews demo: a round for the funding year of Demo County Council's completed NQSW, its cases,
findings, exemplars and good-practice applications.

Through the same services as the pages (so the same rules hold: a moderator never gets their own
employer's portfolio), on the days the story gives (written in its reference calendar, moved to the
seeding day by ``demo.calendar``):
- portfolios submitted: Demo County Council's two NQSWs whose final recommendation left the assessor (one
  endorsed, one with the internal panel), and three of each employer type at other employers from the
  endorsed one's funding year, picked with a fixed seed; each gets a shared piece of evidence if it has
  none, so a moderator has something to read;
- Demo County Council submits the completed one voluntarily; national staff then draw "NQAP moderation
  round <its funding year>" by employer type (two from each) with a fixed seed, which takes that
  submission in; moderator@demo.example moderates Demo County's case and up to two others and has sent
  findings on Demo County's; the rest of the round waits for a moderator;
- Demo County Council then submits the other portfolio voluntarily (waiting for the next round);
- two exemplars (one published, one a draft) and two good-practice applications from Demo County Council
  (one endorsed, one waiting for a decision).

Whether other employers' NQSWs share that funding year depends on where the seeding day falls in the
year: seeded from about 21 February to 15 June, none do (the demo's other earlier starters fall in the
next year), and the round holds Demo County's case alone.

A second run creates nothing: the round, the cases, the exemplars and the applications are looked up by
their names and portfolios first.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter

from django.utils import timezone

from asye import clock
from asye.accounts.models import Membership, Role, User
from asye.tenancy.db import system_national_context
from asye.tenancy.models import Employer, ServiceArea
from demo.actors import demo_actor
from demo.calendar import DemoCalendar
from portfolios.access import portfolio_ensure
from portfolios.models import CapabilitySet, CapabilityStatement, Evidence, EvidenceTag, Portfolio
from programmes.models import Registration
from reviews.models import (
    Exemplar,
    FinalRecommendation,
    GoodPracticeApplication,
    ModerationCase,
    ModerationRound,
)
from reviews.moderation_questions import moderation_question
from reviews.moderation_selectors import employer_ids_of, moderator_is_eligible
from reviews.moderation_services.assignments import case_assign
from reviews.moderation_services.exemplars import exemplar_create, exemplar_set_published
from reviews.moderation_services.findings import findings_save
from reviews.moderation_services.good_practice import good_practice_apply, good_practice_decide
from reviews.moderation_services.rounds import round_create, round_preview
from reviews.moderation_services.submissions import moderation_submit_voluntary

DEMO_COUNTY = "Demo County Council"
COORDINATOR = "coordinator@demo.example"
NATIONAL = "national@demo.example"
MODERATOR = "moderator@demo.example"
ROUND_NAME = "NQAP moderation round {funding_year}"
ROUND_SEED = 20261005
OTHERS_PER_EMPLOYER_TYPE = 3
MODERATOR_CASES = 3

# In the story's calendar (reference day 23 November 2026).
ROUND_DAY = datetime.date(2026, 10, 5)
ASSIGNED_DAY = datetime.date(2026, 10, 7)
FINDINGS_DAY = datetime.date(2026, 11, 10)
SUBMITTED_DAY = datetime.date(2026, 9, 28)
# Other employers' NQSWs wrote up the evidence a moderator reads about four months into their year.
EVIDENCE_AFTER_START = datetime.timedelta(days=130)

FINDINGS = {
    "agreement": ModerationCase.Agreement.AGREE,
    "strengths": (
        "The three direct observations are well planned and each is mapped to the PCF domains it evidences. "
        "Critical reflections say what the NQSW would do differently, and the 12-month review quotes "
        "practice examples linked to portfolio evidence."
    ),
    "areas_for_development": (
        "Some evidence is not mapped to a PQS statement, so it is hard to see which standard it supports. "
        "Feedback from children and young people is thin: one answer in the year."
    ),
    "advice": (
        "Write PDP objectives as SMART objectives with a date. Ask each piece of evidence to name the PCF "
        "domain and PQS statement it supports."
    ),
}
EXEMPLARS = (
    {
        "title": "Reflecting on a home visit that went differently than planned",
        "service_area": ServiceArea.CHILD_AND_FAMILY,
        "statement": ("pcf", 6),
        "extract": (
            "I had planned to talk with [the parent] about the school's concerns, but [the child] was at "
            "home unwell. I changed my plan and spent time with [the child] first, asking about their week. "
            "Afterwards I reflected that I had nearly gone ahead with an adult conversation in front of a "
            "seven-year-old, and that my plan had not had a 'what if the child is there' step."
        ),
        "annotation": (
            "Strong critical reflection (PCF 6): the NQSW names what nearly went wrong and what they will do "
            "differently. It would be stronger if it also named the PQS statement (child development) and "
            "linked to the supervision where it was discussed."
        ),
        "published": True,
    },
    {
        "title": "Weighing competing accounts in an adult safeguarding enquiry",
        "service_area": ServiceArea.ADULTS,
        "statement": ("pcf", 5),
        "extract": (
            "[The adult] said they were happy with the arrangement; [the relative] said they were not "
            "eating. I recorded both accounts, checked the GP's notes with consent, and set out which "
            "account the evidence supported and why."
        ),
        "annotation": (
            "A clear example of analysis (PCF 5, KSS 6): evidence is weighed, not just described. Draft: to "
            "be checked by the panel before publication."
        ),
        "published": False,
    },
)
APPLICATIONS = (
    (
        "Peer reflection circles for NQSWs",
        "Monthly circles, led by an experienced practitioner, where NQSWs bring a case and reflect together "
        "against the PCF. Attendance is protected time. NQSWs say it is where they learned to analyse.",
        True,
        "An example to other employers: protected, structured and linked to the PCF. Please share your "
        "facilitation notes with the panel.",
    ),
    (
        "A buddy for every NQSW from day one",
        "Each NQSW is paired with a social worker in their second or third year, who meets them weekly for "
        "the first six weeks and shows them the team's systems and the local forums.",
        None,
        "",
    ),
)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _coordinator_of(employer_id: int) -> User | None:
    membership = (
        Membership.objects.active()
        .filter(employer_id=employer_id, role=Role.COORDINATOR, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    return membership.user if membership else None


def _statement(code: str, number: int) -> CapabilityStatement | None:
    newest = CapabilitySet.objects.filter(code=code, published_at__isnull=False).order_by("-version").first()
    return newest.statements.filter(number=number).first() if newest else None


def _submit(
    registration: Registration, coordinator: User, created: Counter[str], demo_calendar: DemoCalendar
) -> Portfolio:
    """The registration's portfolio, with a piece of shared evidence, submitted (as of SUBMITTED_DAY)."""
    folio = portfolio_ensure(
        actor=demo_actor(coordinator.pk, registration.employer_id), registration=registration
    )
    has_evidence = Evidence.objects.filter(portfolio=folio).exclude(status=Evidence.Status.DRAFT).exists()
    if not has_evidence:
        occurred_on = min(registration.start_date + EVIDENCE_AFTER_START, demo_calendar.today)
        evidence = Evidence.objects.create(
            employer_id=folio.employer_id,
            portfolio=folio,
            title="Direct observation: a family meeting",
            description="A family meeting chaired with the child's views presented first.",
            reflection="Next time I will prepare the family for the meeting's structure beforehand.",
            occurred_on=occurred_on,
            status=Evidence.Status.ACCEPTED,
            shared_at=_at(min(occurred_on + datetime.timedelta(days=5), demo_calendar.today)),
            created_by=coordinator,
        )
        statement = _statement("pcf", 7)
        if statement is not None:
            EvidenceTag.objects.create(employer_id=folio.employer_id, evidence=evidence, statement=statement)
        created["moderation demo evidence"] += 1
    if folio.submitted_at is None:
        Portfolio.objects.filter(pk=folio.pk).update(
            submitted_at=_at(demo_calendar.shift(SUBMITTED_DAY)),
            submitted_by=coordinator,
            updated_at=clock.now(),
        )
        created["portfolios submitted"] += 1
        folio.refresh_from_db()
    return folio


def _county_registrations(county_id: int) -> list[Registration]:
    """Demo County's NQSWs whose recommendation left the assessor: the endorsed one first (the round is
    for its funding year)."""
    registrations = list(
        Registration.objects.filter(employer_id=county_id)
        .filter(
            pk__in=FinalRecommendation.objects.exclude(status=FinalRecommendation.Status.DRAFT).values(
                "registration_id"
            )
        )
        .order_by("-outcome", "start_date", "pk")
    )
    if len(registrations) < 2:  # without the reviews demo: the county's earliest NQSWs, of one year
        earliest = Registration.objects.filter(employer_id=county_id).order_by("start_date", "pk").first()
        if earliest is None:
            return []
        registrations = list(
            Registration.objects.filter(employer_id=county_id, funding_year=earliest.funding_year).order_by(
                "start_date", "pk"
            )
        )
    return registrations[:2]


def _other_registrations(county_id: int, moderator: User, funding_year: str) -> list[Registration]:
    """A fixed-seed pick of other employers' registrations of the year, a few of each employer type (never
    at an employer the moderator works or worked for)."""
    conflicted = employer_ids_of(moderator.pk)
    by_type: dict[str, list[int]] = {}
    rows = (
        Registration.objects.filter(funding_year=funding_year)
        .exclude(employer_id=county_id)
        .exclude(employer_id__in=conflicted)
        .order_by("pk")
        .values_list("employer__employer_type", "pk")
    )
    for employer_type, pk in rows:
        by_type.setdefault(employer_type, []).append(pk)
    rng = random.Random(ROUND_SEED)
    picked = [
        pk
        for employer_type in sorted(by_type)
        for pk in rng.sample(
            by_type[employer_type], min(OTHERS_PER_EMPLOYER_TYPE, len(by_type[employer_type]))
        )
    ]
    return list(Registration.objects.filter(pk__in=picked).order_by("pk"))


def _voluntary(folio: Portfolio, coordinator: User, created: Counter[str]) -> ModerationCase:
    case = ModerationCase.objects.filter(portfolio=folio).first()
    if case is None:
        case = moderation_submit_voluntary(
            actor=demo_actor(coordinator.pk, folio.employer_id), portfolio=folio
        )
        created["voluntary submissions"] += 1
    return case


def _round(
    national: User,
    moderator: User,
    county_case: ModerationCase,
    created: Counter[str],
    *,
    funding_year: str,
    demo_calendar: DemoCalendar,
) -> None:
    name = ROUND_NAME.format(funding_year=funding_year)
    if ModerationRound.objects.filter(name=name).exists():
        return
    actor = demo_actor(national.pk)
    request = {"name": name, "funding_year": funding_year, "by": ("employer_type",), "per_stratum": 2}
    draw = round_preview(actor=actor, **request, seed=ROUND_SEED)
    moderation_round = round_create(actor=actor, **request, seed=ROUND_SEED, expected=draw.fingerprint())
    ModerationRound.objects.filter(pk=moderation_round.pk).update(
        created_at=_at(demo_calendar.shift(ROUND_DAY))
    )
    created["moderation rounds"] += 1
    cases = list(ModerationCase.objects.filter(round=moderation_round).order_by("id"))
    created["moderation cases"] += len(cases)
    # The county's case first, then others of the round the moderator may take.
    to_moderate = [county_case.pk] + [
        case.pk
        for case in cases
        if case.pk != county_case.pk
        and moderator_is_eligible(user_id=moderator.pk, employer_id=case.employer_id)
    ]
    for pk in to_moderate[:MODERATOR_CASES]:
        case = ModerationCase.objects.get(pk=pk)
        case = case_assign(actor=actor, case=case, moderator_id=moderator.pk, version=case.version)
        ModerationCase.objects.filter(pk=pk).update(assigned_at=_at(demo_calendar.shift(ASSIGNED_DAY)))
        created["moderation cases assigned"] += 1
    county = ModerationCase.objects.get(pk=county_case.pk)
    # The answer fits the case's question: the endorsed pass is supported; without the reviews demo (no
    # recommendation), the evidence shows the capabilities at the expected level.
    findings = {**FINDINGS, "agreement": moderation_question(county).answers[0]}
    findings_save(actor=demo_actor(moderator.pk), case=county, version=county.version, send=True, **findings)
    ModerationCase.objects.filter(pk=county.pk).update(
        findings_sent_at=_at(demo_calendar.shift(FINDINGS_DAY), 15)
    )
    created["moderation findings sent"] += 1


def _exemplars(national: User, created: Counter[str]) -> None:
    actor = demo_actor(national.pk)
    for spec in EXEMPLARS:
        if Exemplar.objects.filter(title=spec["title"]).exists():
            continue
        statement = _statement(*spec["statement"])
        exemplar = exemplar_create(
            actor=actor,
            title=spec["title"],
            extract=spec["extract"],
            annotation=spec["annotation"],
            service_area=spec["service_area"],
            statement_id=statement.pk if statement else None,
        )
        if spec["published"]:
            exemplar_set_published(actor=actor, exemplar=exemplar, published=True, version=exemplar.version)
        created["exemplars"] += 1


def _applications(county_id: int, coordinator: User, national: User, created: Counter[str]) -> None:
    for title, description, endorse, note in APPLICATIONS:
        if GoodPracticeApplication.objects.filter(employer_id=county_id, title=title).exists():
            continue
        application = good_practice_apply(
            actor=demo_actor(coordinator.pk, county_id), title=title, description=description
        )
        created["good-practice applications"] += 1
        if endorse is not None:
            good_practice_decide(
                actor=demo_actor(national.pk), application=application, endorse=endorse, note=note, version=1
            )


def seed_moderation(*, demo_calendar: DemoCalendar | None = None) -> Counter[str]:
    """Create what is missing (a second run creates nothing), on ``demo_calendar`` (default: seeded
    today); return counts of what was created."""
    demo_calendar = demo_calendar or DemoCalendar.seeding()
    created: Counter[str] = Counter()
    with system_national_context():
        county = Employer.objects.filter(name=DEMO_COUNTY).first()
        people = {
            user.email: user for user in User.objects.filter(email__in=[COORDINATOR, NATIONAL, MODERATOR])
        }
        if county is None or len(people) < 3:
            return created
        coordinator, national, moderator = people[COORDINATOR], people[NATIONAL], people[MODERATOR]
        if Membership.objects.filter(user=moderator, employer=county).exists():
            return created  # never: the moderator would moderate their own employer
        _exemplars(national, created)
        _applications(county.pk, coordinator, national, created)
        county_registrations = _county_registrations(county.pk)
        if not county_registrations:
            return created
        funding_year = county_registrations[0].funding_year
        county_case = _voluntary(
            _submit(county_registrations[0], coordinator, created, demo_calendar), coordinator, created
        )
        if not ModerationRound.objects.filter(name=ROUND_NAME.format(funding_year=funding_year)).exists():
            for registration in _other_registrations(county.pk, moderator, funding_year):
                other_coordinator = _coordinator_of(registration.employer_id)
                if other_coordinator is not None:
                    _submit(registration, other_coordinator, created, demo_calendar)
        _round(
            national,
            moderator,
            county_case,
            created,
            funding_year=funding_year,
            demo_calendar=demo_calendar,
        )
        if len(county_registrations) > 1:
            later = _submit(county_registrations[1], coordinator, created, demo_calendar)
            _voluntary(later, coordinator, created)
    return created
