"""Demo data for the 360 evaluation, called by ``manage.py seed_demo`` inside the system national scope.

- Demo County Council: last year's evaluation, closed, with its self-assessment and 12 respondents (so its
  report has NQSW, assessor and line manager columns, and "others" hidden below 3); this year's, opened
  through the services three weeks ago as its co-ordinator, half its self-assessment done, the county's
  NQSWs, assessors and line managers invited by link, and some of them answered through their links.
- Fourteen other employers of the national picture with last year's and this year's evaluations, written
  directly: most meet the minimum for the national composite, some fall below it and two have opened this
  year's without any data yet, so the composite page shows every count.

Ratings are drawn around the national averages the seed report published, with a fixed seed. A second
run creates nothing: an employer with a cycle of the year is left alone.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import random
from collections import Counter

from asye import clock
from demo.actors import demo_actor
from demo.calendar import DemoCalendar
from evaluations import responding, selectors, services
from evaluations.models import (
    EvaluationCycle,
    EvaluationFramework,
    EvaluationInvitation,
    EvaluationRating,
    EvaluationResponse,
    EvaluationStatement,
    NationalReferenceFigure,
)

DEMO_COUNTY = "Demo County Council"
DEMO_FOSTERING = "Demo Fostering Partnership"
COORDINATOR = "coordinator@demo.example"
OTHER_EMPLOYERS = 14
# Per other employer, by index: respondents last year and this year (None: this year's has no data).
PLAN = [
    (5, 4),
    (6, 3),
    (4, 5),
    (2, 2),
    (7, 6),
    (3, 3),
    (5, None),
    (8, 4),
    (4, 1),
    (6, 5),
    (3, 4),
    (5, None),
    (4, 3),
    (9, 7),
]


def _bases(framework) -> dict[int, float]:
    published = dict(
        NationalReferenceFigure.objects.filter(statement__theme__framework=framework, year=2023).values_list(
            "statement__number", "average"
        )
    )
    return {number: float(published.get(number, 3.8)) for number in range(1, 34)}


def _rating(rng: random.Random, base: float) -> int | None:
    if rng.random() < 0.07:
        return None  # don't know
    return max(1, min(5, round(rng.gauss(base, 0.8))))


def _answers(rng: random.Random, bases: dict[int, float], offset: float) -> dict[int, str]:
    return {
        n: str(r) if (r := _rating(rng, base + offset)) else services.DONT_KNOW for n, base in bases.items()
    }


@dataclasses.dataclass
class _CycleWriter:
    """Writes one employer's cycles directly: who opened them, the framework, a seeded draw and the
    national averages the ratings are drawn around."""

    employer_id: int
    coordinator_id: int
    framework: EvaluationFramework
    rng: random.Random
    bases: dict[int, float]

    @functools.cached_property
    def statements(self) -> dict[int, EvaluationStatement]:
        """The framework's statements by number."""
        return selectors.statements_by_number(self.framework.pk)

    def cycle(
        self,
        year: int,
        respondents: int | None,
        *,
        open_on: datetime.date,
        closes_on: datetime.date,
        closed: bool,
    ) -> EvaluationCycle:
        """A cycle with its self-assessment and ``respondents`` responses (None: no data at all)."""
        cycle = EvaluationCycle.objects.create(
            employer_id=self.employer_id,
            year=year,
            framework=self.framework,
            opened_on=open_on,
            closes_on=closes_on,
            closed_on=closes_on if closed else None,
            created_by_id=self.coordinator_id,
        )
        if respondents is None:
            return cycle
        offset = self.rng.gauss(0, 0.35)
        kinds = ["self"] + [
            self.rng.choice(["nqsw", "nqsw", "assessor", "line_manager", "other"]) for _ in range(respondents)
        ]
        for kind in kinds:
            days = datetime.timedelta(days=self.rng.randint(1, 20))
            self.response(cycle, kind, min(closes_on, open_on + days, clock.today()), offset)
        return cycle

    def closed_cycle(
        self, year: int, respondents: int | None, *, closes_on: datetime.date
    ) -> EvaluationCycle:
        """A closed cycle of ``year``, opened on 1 November of that year."""
        return self.cycle(
            year, respondents, open_on=datetime.date(year, 11, 1), closes_on=closes_on, closed=True
        )

    def response(self, cycle: EvaluationCycle, kind: str, submitted_on: datetime.date, offset: float) -> None:
        """One ``kind`` of respondent's answers to every statement, drawn ``offset`` from the averages."""
        response = EvaluationResponse.objects.create(
            employer_id=self.employer_id, cycle=cycle, respondent_type=kind, submitted_on=submitted_on
        )
        EvaluationRating.objects.bulk_create(
            EvaluationRating(
                employer_id=self.employer_id,
                response=response,
                statement=self.statements[number],
                rating=services.rating_of(value),
            )
            for number, value in _answers(self.rng, self.bases, offset).items()
        )


def _coordinator_of(employer_id: int, fallback: int) -> int:
    from asye.accounts.models import Membership, Role

    found = (
        Membership.objects.filter(employer_id=employer_id, role=Role.COORDINATOR, ended_at__isnull=True)
        .values_list("user_id", flat=True)
        .first()
    )
    return found or fallback


def _county(county_id, coordinator_id, today, framework, bases, created):
    year = selectors.evaluation_year(today)
    rng = random.Random(3600)
    if not EvaluationCycle.objects.filter(employer_id=county_id, year=year - 1).exists():
        writer = _CycleWriter(county_id, coordinator_id, framework, rng, bases)
        last = writer.closed_cycle(year - 1, None, closes_on=datetime.date(year, 1, 31))
        for kind, count in (("self", 1), ("nqsw", 5), ("assessor", 3), ("line_manager", 3), ("other", 2)):
            for _ in range(count):
                writer.response(last, kind, datetime.date(year, 1, 20), -0.2)
        created["evaluation cycles"] += 1
    if EvaluationCycle.objects.filter(employer_id=county_id, year=year).exists():
        return
    actor = demo_actor(coordinator_id, county_id)
    cycle = services.cycle_open(actor=actor, closes_on=today + datetime.timedelta(days=42))
    EvaluationCycle.objects.filter(pk=cycle.pk).update(
        opened_on=max(today - datetime.timedelta(days=21), datetime.date(year, 4, 1))
    )
    cycle.refresh_from_db()
    structure = selectors.framework_structure(framework)
    own = _answers(rng, bases, 0.1)
    response = None
    for _number, _title, statements in structure[:2]:
        response = services.self_assessment_save(
            actor=actor,
            cycle=cycle,
            answers={n: own[n] for n, _ in statements},
            version=response.version if response else None,
        )
    secrets: list[str] = []
    people = [
        (kind, person.pk)
        for kind in ("nqsw", "assessor", "line_manager")
        for person in selectors.platform_people(actor=actor, respondent_type=kind)
    ]
    services.invitations_send(
        actor=actor,
        cycle=cycle,
        people=people,
        emails=["practice.educator@university.example", "principal.social.worker@demo-county.example"],
        email_type="other",
        link_builder=lambda secret: secrets.append(secret) or f"/360/{secret}/",
    )
    # About half have answered through their links so far.
    for secret in secrets[::2]:
        responding.response_submit(secret=secret, answers=_answers(rng, bases, 0.0))
    created["evaluation cycles"] += 1
    created["evaluation invitations"] += EvaluationInvitation.objects.filter(cycle=cycle).count()


def seed(
    *, employer_ids: dict[str, int], user_ids: dict[str, int], demo_calendar: DemoCalendar | None = None
) -> Counter:
    demo_calendar = demo_calendar or DemoCalendar.seeding()
    today = demo_calendar.today
    created: Counter[str] = Counter()
    year = selectors.evaluation_year(today)
    framework = selectors.framework_for_year(year)
    county_id = employer_ids.get(DEMO_COUNTY)
    if framework is None or county_id is None or COORDINATOR not in user_ids:
        return created
    bases = _bases(framework)
    coordinator_id = user_ids[COORDINATOR]
    _county(county_id, coordinator_id, today, framework, bases, created)
    others = sorted(name for name in employer_ids if name not in (DEMO_COUNTY, DEMO_FOSTERING))[
        :OTHER_EMPLOYERS
    ]
    for index, name in enumerate(others):
        employer_id = employer_ids[name]
        if EvaluationCycle.objects.filter(employer_id=employer_id).exists():
            continue
        rng = random.Random(index * 360 + 1)
        creator = _coordinator_of(employer_id, coordinator_id)
        last, this = PLAN[index % len(PLAN)]
        writer = _CycleWriter(employer_id, creator, framework, rng, bases)
        writer.closed_cycle(year - 1, last, closes_on=datetime.date(year, 2, 28))
        opened = max(today - datetime.timedelta(days=30), datetime.date(year, 4, 1))
        writer.cycle(year, this, open_on=opened, closes_on=today + datetime.timedelta(days=30), closed=False)
        created["evaluation cycles"] += 2
    return created
