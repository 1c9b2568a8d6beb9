"""Portfolio demo data for ``manage.py seed_demo`` (run inside the system national scope).

At Demo County Council the demo NQSW (nqsw@demo.example) gets a portfolio with evidence in every
state: accepted, shared and waiting, more needed (with the assessor's comment) and a draft, each
mapped to PCF domains and PQS statements, one with a small text file stored through the storage API.
A few of the employer's other NQSWs get a portfolio with some evidence, so the co-ordinator and the
assessor have more than one to read; the rest have kept up with their year (a signed agreement, the
observations due), so the dashboard's flags pick out the few who have not. The agreement, PDP,
observations, self-assessments and feedback are seeded by ``portfolios.demo_records``, called at the end.

Dated in the story's calendar and moved to the seeding day (``demo.calendar``); a second run
creates nothing (evidence is matched by its title within the portfolio).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo.calendar import DemoCalendar
from portfolios.access import portfolio_ensure
from portfolios.demo_records import seed_kept_up, seed_records
from portfolios.models import CapabilityStatement, Evidence, EvidenceFile, EvidenceTag, Portfolio
from portfolios.uploads import store_upload, verify_upload
from programmes.models import Registration, RegistrationStatus

DEMO_COUNTY = "Demo County Council"
DEMO_NQSW = "nqsw@demo.example"
OTHER_PORTFOLIOS = 4
D = datetime.date


@dataclass(frozen=True)
class DemoEvidence:
    title: str
    occurred_on: datetime.date  # in the story's calendar
    status: str
    tags: tuple[tuple[str, int], ...]  # (capability set code, statement number)
    description: str
    reflection: str
    response: str = ""
    file: tuple[str, str] | None = None  # (file name, text)


A, S, M, DRAFT = (
    Evidence.Status.ACCEPTED,
    Evidence.Status.SHARED,
    Evidence.Status.MORE_NEEDED,
    Evidence.Status.DRAFT,
)

# In the story's calendar (reference day 23 November 2026), moved to the seeding day when made.
DEMO_NQSW_EVIDENCE = (
    DemoEvidence(
        "Home visit after a referral about neglect",
        D(2026, 9, 24),
        A,
        (("pcf", 2), ("pcf", 7), ("cf-pqs", 1), ("cf-pqs", 5)),
        "A joint visit with my practice supervisor to a family referred by the school about a seven-year-old "
        "often arriving hungry. I explained why we were there, listened to the mother's account of her "
        "recent job loss and agreed a plan for a food bank referral and a follow-up visit.",
        "I was nervous about sounding accusatory. Opening with the school's worry in plain words, then "
        "asking what a usual morning looked like, helped the mother talk about money rather than defend "
        "herself. Next time I will check the child's own view earlier, not only the parent's.",
        response="A clear, respectful account. You show you kept the child in mind; well done for "
        "recognising you need to hear from the child directly.",
    ),
    DemoEvidence(
        "Chairing my first child in need review",
        D(2026, 10, 15),
        A,
        (("pcf", 8), ("cf-pqs", 2), ("cf-pqs", 7)),
        "I chaired a child in need review with the family, the school nurse and the family support worker. "
        "We reviewed progress against the plan and agreed two changes.",
        "Keeping to time was hard when the discussion went back over the history. Summarising what we had "
        "agreed before moving on kept everyone with me. I want to practise challenging partners who do not "
        "complete actions.",
        response="Good use of summarising. Bring an example of challenging a partner to supervision.",
    ),
    DemoEvidence(
        "Reflective log: supervision on managing risk",
        D(2026, 11, 5),
        S,
        (("pcf", 6), ("cf-pqs", 9)),
        "My reflective log from supervision, attached as a text file.",
        "Writing the log after supervision made me see that I had been carrying worry about one family "
        "without naming it. Naming it let us plan what would make me escalate.",
        file=(
            "reflective-log-supervision.txt",
            "Reflective log: supervision, {occurred_on:%-d %B %Y}\n\n"
            "What happened: we talked about a family where I feel uneasy but cannot say why.\n"
            "What I learned: unease is information. Write down what I see and hear, and bring it.\n"
            "What I will do: agree with my supervisor what would make me escalate, and check it weekly.\n",
        ),
    ),
    DemoEvidence(
        "Assessment of a young carer's needs",
        D(2026, 10, 28),
        M,
        (("pcf", 5), ("cf-pqs", 6)),
        "A young carer's assessment for a twelve-year-old who looks after her father, who has multiple "
        "sclerosis.",
        "I focused on practical help at home. I am not sure I used the young carers' legal framework well.",
        response="Add how the assessment used the Children and Families Act 2014 duties, and what the "
        "young person herself said she wanted.",
    ),
    DemoEvidence(
        "Writing my first court statement",
        D(2026, 11, 18),
        DRAFT,
        (("pcf", 5), ("cf-pqs", 8)),
        "Notes on preparing a statement for a public law outline meeting.",
        "",
    ),
)

OTHER_EVIDENCE = (
    DemoEvidence(
        "Direct work with a child using a three houses tool",
        D(2026, 10, 8),
        A,
        (("pcf", 7), ("cf-pqs", 1), ("adults-kss", 6)),
        "A session with a nine-year-old using the three houses tool to hear her worries, wishes and good "
        "things.",
        "Letting her draw first and talk second worked better than asking questions.",
        response="A good example of direct work. Link it to the plan next time.",
    ),
    DemoEvidence(
        "Multi-agency meeting about hospital discharge",
        D(2026, 11, 2),
        S,
        (("pcf", 8), ("cf-pqs", 10), ("adults-kss", 9)),
        "Notes from a discharge planning meeting with the ward team, the family and a care agency.",
        "I spoke up for the person's own wish to go home, with the risks written down.",
    ),
)


def _statements(portfolio: Portfolio) -> dict[tuple[str, int], CapabilityStatement]:
    return {
        (s.capability_set.code, s.number): s
        for s in CapabilityStatement.objects.filter(
            capability_set_id__in=portfolio.capability_sets.values("pk")
        ).select_related("capability_set")
    }


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _add_evidence(
    portfolio: Portfolio,
    registration: Registration,
    items: tuple[DemoEvidence, ...],
    created: Counter,
    demo_calendar: DemoCalendar,
) -> None:
    existing = set(Evidence.objects.filter(portfolio=portfolio).values_list("title", flat=True))
    statements = _statements(portfolio)
    for item in items:
        if item.title in existing:
            continue
        occurred_on = demo_calendar.shift(item.occurred_on)
        tags = [statements[key] for key in item.tags if key in statements]
        if not tags:
            continue  # none of its capabilities are in this portfolio's frameworks
        shared = item.status != DRAFT
        responded = item.status in (A, M) and registration.assessor_id is not None
        evidence = Evidence.objects.create(
            employer_id=portfolio.employer_id,
            portfolio=portfolio,
            title=item.title,
            description=item.description,
            reflection=item.reflection,
            occurred_on=occurred_on,
            status=item.status if (responded or item.status in (S, DRAFT)) else S,
            shared_at=_at(occurred_on + datetime.timedelta(days=2)) if shared else None,
            response_comment=item.response if responded else "",
            responded_by_id=registration.assessor_id if responded else None,
            responded_at=_at(occurred_on + datetime.timedelta(days=6)) if responded else None,
            created_by_id=registration.nqsw_id,
        )
        Evidence.objects.filter(pk=evidence.pk).update(created_at=_at(occurred_on, 16))
        EvidenceTag.objects.bulk_create(
            EvidenceTag(employer_id=portfolio.employer_id, evidence=evidence, statement=statement)
            for statement in tags
        )
        created["evidence"] += 1
        if item.file:
            name, text = item.file
            text = text.format(occurred_on=occurred_on)
            upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")
            verified = verify_upload(upload)
            EvidenceFile.objects.create(
                employer_id=portfolio.employer_id,
                evidence=evidence,
                storage_name=store_upload(upload, employer_id=portfolio.employer_id),
                original_name=verified.original_name,
                content_type=verified.content_type,
                size=verified.size,
                sha256=verified.sha256,
                uploaded_by_id=registration.nqsw_id,
            )
            created["evidence files"] += 1


def _portfolio(registration: Registration, created: Counter) -> Portfolio:
    had = Portfolio.objects.filter(registration=registration).exists()
    portfolio = portfolio_ensure(actor=None, registration=registration)
    if not had:
        created["portfolios"] += 1
    return portfolio


def seed(
    *, employer_ids: dict[str, int], user_ids: dict[str, int], demo_calendar: DemoCalendar | None = None
) -> Counter[str]:
    """Create what is missing (a second run creates nothing), dated on ``demo_calendar`` (default: seeded
    today); return counts of what was created."""
    demo_calendar = demo_calendar or DemoCalendar.seeding()
    created: Counter[str] = Counter()
    county = employer_ids.get(DEMO_COUNTY)
    nqsw = user_ids.get(DEMO_NQSW)
    if county is None or nqsw is None:
        return created
    registrations = list(
        Registration.objects.filter(
            employer_id=county,
            nqsw__isnull=False,
            status__in=[RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED],
        )
        .select_related("framework_version__framework")
        .order_by("start_date", "id")
    )
    mine = next((r for r in registrations if r.nqsw_id == nqsw), None)
    today = demo_calendar.today
    others = [r for r in registrations if r.nqsw_id != nqsw and r.start_date <= today][:OTHER_PORTFOLIOS]
    portfolios: list[Portfolio] = []
    if mine is not None:
        portfolio = _portfolio(mine, created)
        _add_evidence(portfolio, mine, DEMO_NQSW_EVIDENCE, created, demo_calendar)
        portfolios.append(portfolio)
    for registration in others:
        portfolio = _portfolio(registration, created)
        _add_evidence(portfolio, registration, OTHER_EVIDENCE, created, demo_calendar)
        portfolios.append(portfolio)
    # The agreement, PDP, observations, self-assessments and feedback.
    created += seed_records(portfolios, demo_calendar=demo_calendar)
    # Everyone else has kept up: the flags pick out the few above who have not.
    kept_up = [
        _portfolio(r, created)
        for r in registrations
        if r.nqsw_id != nqsw and r.start_date <= today and r not in others
    ]
    created += seed_kept_up(kept_up, demo_calendar=demo_calendar)
    return created
