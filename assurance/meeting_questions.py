"""Version 1 of the pre-meeting questionnaire, drawn from the seed's account of the 2023-24 QA review
meetings (S3 §3.4, l.423-432): the themes explored with every employer (NQSW wellbeing from the start,
support structures such as buddying and peer networks, a programme tailored to cultural and identity
needs, deferrals and their reasons; the assessor's support, learning and quality assurance). Loaded by
``assurance/migrations/0002_first_meeting_questionnaire.py``."""

from __future__ import annotations

WELLBEING = "NQSW wellbeing and support"
ASSESSORS = "Supporting and quality-assuring assessors"
PROGRAMME = "Your programme"

QUESTIONS = [
    (PROGRAMME, "How many NQSWs are on your ASYE programme now, and in which services and teams?", ""),
    (
        WELLBEING,
        "How do you prioritise NQSWs' wellbeing from the beginning of the ASYE?",
        "For example, induction, protected time, caseload and checking in.",
    ),
    (
        WELLBEING,
        "How are NQSWs made aware, from the outset, of the support structures available to them?",
        "For example, buddying, peer support networks and practice forums.",
    ),
    (
        WELLBEING,
        "How is the programme tailored to each NQSW's individual support needs, including their cultural and "
        "identity needs?",
        "",
    ),
    (
        WELLBEING,
        "How has the number of deferrals changed over the last few years, what were the reasons, "
        "and how do you support an NQSW through a deferral?",
        "",
    ),
    (
        ASSESSORS,
        "How are your assessors' support and learning needs met, individually and collectively?",
        "",
    ),
    (
        ASSESSORS,
        "How is assessors' work quality assured, to support their development and the programme's?",
        "",
    ),
    (
        PROGRAMME,
        "What are you most proud of in your programme this year, and what would you like to discuss?",
        "",
    ),
]


def load_first_version(MeetingQuestionnaire, MeetingQuestion) -> bool:
    questionnaire, created = MeetingQuestionnaire.objects.get_or_create(
        version=1, defaults={"title": "QA review meeting: pre-meeting questionnaire"}
    )
    if created:
        MeetingQuestion.objects.bulk_create(
            MeetingQuestion(questionnaire=questionnaire, position=n, theme=theme, text=text, hint=hint)
            for n, (theme, text, hint) in enumerate(QUESTIONS, start=1)
        )
    return created
