"""The forums' demo data (``manage.py seed_demo``): the national forums of the seed's annual report, with
past and coming sessions, places, attendance, a handbook, and the GEMS poll of March 2024 (the report's
appendix 1) reproduced with its five questions and 65 answers that give its percentages.

Runs inside seed_demo's system national scope. Who is in GEMS is chosen by a fixed random draw from the
demo's NQSWs, never from anything recorded about them. A second run creates nothing.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo
from collections import Counter

from asye.accounts.models import Membership, Role, User
from asye.tenancy.models import ServiceArea
from demo.calendar import DemoCalendar
from forums.models import (
    Forum,
    ForumKind,
    ForumMaterial,
    ForumMembership,
    ForumSession,
    Poll,
    PollAnswer,
    PollCompletion,
    PollQuestion,
    PollResponse,
    QuestionKind,
    SessionSignup,
    SignupStatus,
)
from forums.services import poll_answer_fields

UK = zoneinfo.ZoneInfo("Europe/London")
NATIONAL = "national@demo.example"
DEMO_NQSW = "nqsw@demo.example"
DEMO_ASSESSOR = "assessor@demo.example"
DEMO_COORDINATOR = "coordinator@demo.example"
JOINING = (
    "Microsoft Teams: the link is sent with the calendar invitation.\nMeeting ID 123 456 789, passcode forum"
)

FORUMS = (
    dict(
        slug="nqsw-forum",
        kind=ForumKind.NQSW_FORUM,
        name="National NQSW forum",
        summary="A two-hour online forum four times a year for NQSWs in child and family and adult services: "
        "your ASYE experience, topics you choose and small-group discussion with NQSWs across England.",
        for_nqsws=True,
    ),
    dict(
        slug="gems",
        kind=ForumKind.GEMS,
        name="Group for Ethnic Minority Social Workers (GEMS) NQSW forum",
        summary="Four two-hour online sessions a year, open to and attended only by NQSWs who self-subscribe "
        "as being from Black, Asian and ethnic minoritised groups and communities. Topics are set by the "
        "NQSWs.",
        for_nqsws=True,
        self_identified=True,
    ),
    dict(
        slug="assessors-forum",
        kind=ForumKind.ASSESSORS,
        name="National assessors' forum",
        summary="A quarterly online forum for assessors of NQSWs: networking, peer learning and the latest "
        "research, discussed in small groups and applied to practice.",
        for_assessors=True,
        for_coordinators=True,
    ),
    dict(
        slug="coordinator-drop-ins",
        kind=ForumKind.DROP_IN,
        name="ASYE co-ordinator drop-ins",
        summary="A monthly online drop-in: drop in and out, raise questions and local issues with other "
        "co-ordinators and Skills for Care.",
        for_coordinators=True,
        default_duration_minutes=60,
    ),
    dict(
        slug="new-coordinators-course",
        kind=ForumKind.COURSE,
        name="Training for new ASYE co-ordinators",
        summary="Six online sessions for co-ordinators new to the role, with a handbook: the programme, the "
        "role, NQSWs who are not progressing, assessment and moderation, quality assurance and sources of "
        "support.",
        for_coordinators=True,
        service_area=ServiceArea.CHILD_AND_FAMILY,
        cohort_places=20,
    ),
    dict(
        slug="assessors-action-learning",
        kind=ForumKind.ACTION_LEARNING,
        name="Action learning set for assessors and supervisors",
        summary="A self-managed action learning set over the year.",
        for_assessors=True,
        cohort_places=36,
        default_duration_minutes=60,
    ),
)

# (forum slug, days from the seeding day, topic, speaker)
SESSIONS = (
    ("nqsw-forum", -160, "Feedback on the refreshed ASYE documentation", ""),
    ("nqsw-forum", -70, "Working with neurodivergent NQSWs", "Dr Amina Yusuf"),
    ("nqsw-forum", 20, "Professional identity", ""),
    ("nqsw-forum", 110, "Trauma-informed supervision", "Prof. Daniel Reeve"),
    ("gems", -250, "Exploring the GEMS name: 'global majority' and other terms", ""),
    ("gems", -90, "Fitness to practise and diversity data", "Social Work England"),
    ("gems", 30, "Being Othered; use of self", ""),
    ("assessors-forum", -80, "Trauma-based supervision", "Prof. Daniel Reeve"),
    ("assessors-forum", 40, "Organisations' own EDI frameworks", ""),
    ("coordinator-drop-ins", -25, "Timescales for reduced hours", ""),
    ("coordinator-drop-ins", 6, "The internal moderation process", ""),
    ("coordinator-drop-ins", 36, "Your action plan for continuous development", ""),
)
COURSE_TOPICS = (
    "Understanding the ASYE programme",
    "The co-ordinator's role",
    "Supporting NQSWs and assessors when an NQSW is not progressing",
    "Assessment and evidence, and the internal moderation panel",
    "Quality assurance and the action plan",
    "Sources of support",
)

# The GEMS poll, March 2024 (the seed's appendix 1): 65 answers that give the report's percentages.
GEMS_POLL = (
    (
        "As an NQSW have you been supported by your ASYE programme to attend the annual four GEMS sessions?",
        QuestionKind.YES_NO,
        [],
        {True: 55, False: 10},
    ),
    (
        "How many of the four sessions have you been able to attend?",
        QuestionKind.CHOICE,
        ["One", "Two", "Three", "All four"],
        {"One": 39, "Two": 13, "Three": 8, "All four": 5},
    ),
    (
        "How helpful has it been to get the opportunity to speak with Black, Asian and other ethnically "
        "minoritised NQSWs nationally? (5 is most helpful)",
        QuestionKind.RATING,
        [],
        {5: 35, 4: 21, 3: 5, 2: 2, 1: 2},
    ),
    (
        "Would you value the opportunity to continue attending GEMS?",
        QuestionKind.RATING,
        [],
        {5: 49, 4: 7, 3: 8, 1: 1},
    ),
    (
        "GEMS is an acronym for Group for Ethnic Minority social work NQSWs: are you happy that this name is "
        "still fit for purpose?",
        QuestionKind.YES_NO,
        [],
        {True: 61, False: 4},
    ),
)
GEMS_RESPONSES = 65
GEMS_ATTENDED = 87


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), UK)


def _answers(counts: dict, kind: str) -> list:
    values = [value for value, n in counts.items() for _ in range(n)]
    assert len(values) == GEMS_RESPONSES, kind
    return values


def seed(
    *, employer_ids: dict[str, int], user_ids: dict[str, int], demo_calendar: DemoCalendar | None = None
) -> Counter[str]:
    """Create the forums' story unless it is there already; return counts of what was created."""
    created: Counter[str] = Counter()
    if Forum.objects.filter(slug=FORUMS[0]["slug"]).exists():
        return created
    demo_calendar = demo_calendar or DemoCalendar.seeding()
    today = demo_calendar.today
    now = _at(today, 0)
    rng = random.Random(17)
    organiser = User.objects.get(pk=user_ids[NATIONAL])

    forums = {spec["slug"]: Forum.objects.create(created_at=now, **spec) for spec in FORUMS}
    created["forums"] += len(forums)
    sessions: list[ForumSession] = []
    for slug, days, topic, speaker in SESSIONS:
        forum = forums[slug]
        sessions.append(
            ForumSession(
                forum=forum,
                topic=topic,
                speaker=speaker,
                starts_at=_at(today + datetime.timedelta(days=days)),
                duration_minutes=forum.default_duration_minutes,
                capacity=90 if forum.kind != ForumKind.DROP_IN else 40,
                joining_details=JOINING,
                created_at=now,
            )
        )
    course = forums["new-coordinators-course"]
    for n, topic in enumerate(COURSE_TOPICS):
        sessions.append(
            ForumSession(
                forum=course,
                topic=topic,
                starts_at=_at(today + datetime.timedelta(days=-42 + 14 * n), 13),
                duration_minutes=course.default_duration_minutes,
                capacity=course.cohort_places,
                joining_details=JOINING,
                created_at=now,
            )
        )
    sessions = ForumSession.objects.bulk_create(sessions)
    created["sessions"] += len(sessions)
    ForumMaterial.objects.create(
        forum=course,
        title="Handbook for new ASYE co-ordinators",
        url="https://www.skillsforcare.org.uk/Developing-your-workforce/Care-topics/Social-work/ASYE",
        created_at=now,
        created_by=organiser,
    )
    created["materials"] += 1

    def people(role: str) -> list[int]:
        ids = Membership.objects.active().filter(role=role, employer_id__in=set(employer_ids.values()))
        return sorted(set(ids.values_list("user_id", flat=True)))

    nqsws, assessors, coordinators = people(Role.NQSW), people(Role.ASSESSOR), people(Role.COORDINATOR)
    demo = {
        email: user_ids[email] for email in (DEMO_NQSW, DEMO_ASSESSOR, DEMO_COORDINATOR) if email in user_ids
    }
    employer_of = dict(
        Membership.objects.active()
        .filter(user_id__in=nqsws + assessors + coordinators)
        .order_by("user_id", "-employer_id")
        .values_list("user_id", "employer_id")
    )
    # GEMS: a fixed draw of the demo's NQSWs (never from recorded ethnicity); the demo NQSW is not in it.
    others = [pk for pk in nqsws if pk != demo.get(DEMO_NQSW)]
    gems_people = rng.sample(others, min(GEMS_ATTENDED, len(others)))
    ForumMembership.objects.bulk_create(
        ForumMembership(forum=forums["gems"], person_id=pk, joined_at=now - datetime.timedelta(days=300))
        for pk in gems_people
    )
    created["gems_members"] += len(gems_people)
    course_people = ([demo[DEMO_COORDINATOR]] if DEMO_COORDINATOR in demo else []) + rng.sample(
        [pk for pk in coordinators if pk != demo.get(DEMO_COORDINATOR)], min(15, len(coordinators) - 1)
    )
    ForumMembership.objects.bulk_create(
        ForumMembership(forum=course, person_id=pk, joined_at=now - datetime.timedelta(days=60))
        for pk in course_people
    )

    signups = []
    for session in sessions:
        forum = session.forum
        if forum.kind == ForumKind.GEMS:
            chosen = gems_people[: session.capacity]
        elif forum.kind == ForumKind.COURSE:
            chosen = course_people
        elif forum.kind == ForumKind.NQSW_FORUM:
            chosen = ([demo[DEMO_NQSW]] if DEMO_NQSW in demo else []) + rng.sample(
                others, min(60, len(others))
            )
        elif forum.kind == ForumKind.ASSESSORS:
            chosen = ([demo[DEMO_ASSESSOR]] if DEMO_ASSESSOR in demo else []) + rng.sample(
                [pk for pk in assessors if pk != demo.get(DEMO_ASSESSOR)], min(45, len(assessors) - 1)
            )
        else:
            chosen = ([demo[DEMO_COORDINATOR]] if DEMO_COORDINATOR in demo else []) + rng.sample(
                [pk for pk in coordinators if pk != demo.get(DEMO_COORDINATOR)],
                min(25, len(coordinators) - 1),
            )
        past = session.starts_at < now
        for n, pk in enumerate(dict.fromkeys(chosen)):
            full = session.capacity is not None and n >= session.capacity
            signups.append(
                SessionSignup(
                    session=session,
                    person_id=pk,
                    employer_id=employer_of.get(pk),
                    private=forum.private,
                    status=SignupStatus.WAITING if full else SignupStatus.BOOKED,
                    signed_up_at=session.starts_at - datetime.timedelta(days=20, minutes=n),
                    attended=(None if full else (pk == demo.get(DEMO_NQSW) or rng.random() < 0.85))
                    if past
                    else None,
                    attendance_recorded_by=organiser if past and not full else None,
                )
            )
        if past:
            session.attendance_recorded_at = session.starts_at + datetime.timedelta(hours=3)
    SessionSignup.objects.bulk_create(signups)
    ForumSession.objects.bulk_update(
        [s for s in sessions if s.attendance_recorded_at], ["attendance_recorded_at"]
    )
    created["signups"] += len(signups)

    created.update(
        _gems_poll(session=next(s for s in sessions if s.forum.kind == ForumKind.GEMS), people=gems_people)
    )
    return created


def _gems_poll(*, session: ForumSession, people: list[int]) -> Counter[str]:
    """The March 2024 poll on the GEMS session that explored the name: 65 anonymous responses."""
    poll = Poll.objects.create(session=session, title="GEMS poll, March 2024", created_at=session.starts_at)
    questions = [
        PollQuestion.objects.create(poll=poll, position=n, text=text, kind=kind, options=options)
        for n, (text, kind, options, _) in enumerate(GEMS_POLL, start=1)
    ]
    answers_by_question = [_answers(counts, kind) for _, kind, _, counts in GEMS_POLL]
    rng = random.Random(2024)
    for values in answers_by_question:
        rng.shuffle(values)
    responses = PollResponse.objects.bulk_create(
        PollResponse(poll=poll, submitted_on=session.starts_at.date()) for _ in range(GEMS_RESPONSES)
    )
    PollAnswer.objects.bulk_create(
        PollAnswer(response=response, question=question, **poll_answer_fields(question, values[n]))
        for n, response in enumerate(responses)
        for question, values in zip(questions, answers_by_question, strict=True)
    )
    PollCompletion.objects.bulk_create(
        PollCompletion(poll=poll, person_id=pk) for pk in people[:GEMS_RESPONSES]
    )
    return Counter(polls=1, poll_responses=len(responses))
