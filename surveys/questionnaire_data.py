"""The first version of the three questionnaires, drawn from what the seed report says the 2024 surveys
asked (S3 §3.8, l.611-718): understanding of the assessment arrangements, the ASYE's impact, the
usefulness of the national body's support, confidence in supervision and assessment, and equality,
diversity and inclusion. Loaded by ``surveys/migrations/0002_first_questionnaires.py`` (and by tests that
run on an emptied database). Wording changes are a new version, made by national staff in the admin."""

from __future__ import annotations

UNDERSTAND = ["Very well", "Fairly well", "Not very well", "Not at all well"]
AGREE = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]
CONFIDENT = ["Very confident", "Fairly confident", "Not very confident", "Not at all confident"]
USEFUL = ["Very useful", "Fairly useful", "Not very useful", "Not at all useful"]
SERVICES = ["Child and family services", "Adult services", "Both child and family and adult services"]


def scale(text, choices, *, section="", hint="", not_applicable="", positive=2):
    return {
        "kind": "scale",
        "text": text,
        "choices": choices,
        "positive_choices": positive,
        "section": section,
        "hint": hint,
        "not_applicable": not_applicable,
    }


def free_text(text, *, section="", hint=""):
    return {"kind": "text", "text": text, "section": section, "hint": hint, "required": False}


SERVICE_QUESTION = {
    "kind": "choice",
    "text": "Which services do you work in?",
    "choices": SERVICES,
    "section": "About you",
}
# Asked of leads and assessors alike: how well they understand the assessment arrangements.
UNDERSTANDING_QUESTION = scale(
    "How well do you understand the assessment arrangements for the ASYE?",
    UNDERSTAND,
    section="The assessment arrangements",
)
IMPACT = "Impact of the ASYE"
EDI = "Equality, diversity and inclusion"
EDI_HINT = "Thinking about your own ethnic background, to what extent do you agree or disagree?"
EDI_STATEMENTS = [
    "I feel senior leaders in my organisation are approachable on issues of anti-racist practice",
    "Everyone has an equal opportunity to develop in my organisation",
    "If I raised a concern, I feel confident that I would be treated fairly and taken seriously",
]
POLICY = "My organisation is clear about policy and practice in relation to"
SUPPORT_TYPES = [
    "ASYE co-ordinator drop-ins",
    "The national assessors' forum",
    "The national NQSW forum",
    "The 360-degree evaluation tool",
    "The ASYE framework and guidance",
    "Newsletters and updates",
    "Action learning sets",
    "Quality assurance review meetings",
    "Training for new ASYE co-ordinators",
]


def _impact(who_agrees: str) -> list[dict]:
    return [
        scale(f"{who_agrees} has had a positive impact on {what}", AGREE, section=IMPACT)
        for what in (
            "the practice confidence of NQSWs",
            "outcomes for people who receive care and support",
            "performance management",
            "the recruitment of NQSWs",
        )
    ]


def _edi() -> list[dict]:
    items = [scale(statement, AGREE, section=EDI, hint=EDI_HINT) for statement in EDI_STATEMENTS]
    items += [
        scale(f"{POLICY} {what}", AGREE, section=EDI)
        for what in ("anti-racism", "the LGBTQ+ community", "other protected characteristics")
    ]
    return items


LEADS = {
    "title": "ASYE leads survey",
    "minutes": 15,
    "introduction": (
        "This survey is for ASYE leads (co-ordinators). It asks about the ASYE in your organisation and the "
        "support the national team gives. Your answers are anonymous: they are stored without your name or "
        "your organisation, and results are reported only for questions answered by 30 people or more."
    ),
    "questions": [
        SERVICE_QUESTION,
        UNDERSTANDING_QUESTION,
        *_impact("The ASYE"),
        *[
            scale(
                f"How useful have you found: {support}?",
                USEFUL,
                section="Support from the national team",
                not_applicable="I have not used this",
            )
            for support in SUPPORT_TYPES
        ],
        scale(
            "How confident are you in the capability of the ASYE supervisors and assessors "
            "in your organisation?",
            CONFIDENT,
            section="Supervision and assessment",
        ),
        *_edi(),
        free_text(
            "What one change would most improve the ASYE in your organisation?", section="Anything else"
        ),
    ],
}
ASSESSORS = {
    "title": "ASYE assessors survey",
    "minutes": 10,
    "introduction": (
        "This survey is for ASYE assessors and supervisors. It takes under 10 minutes. Your answers are "
        "anonymous: they are stored without your name or your organisation, and results are reported only "
        "for questions answered by 30 people or more."
    ),
    "questions": [
        SERVICE_QUESTION,
        UNDERSTANDING_QUESTION,
        scale(
            "How confident are you in your own capability to supervise NQSWs on the ASYE?",
            CONFIDENT,
            section="Supervision and assessment",
        ),
        scale(
            "How confident are you in your own capability to assess NQSWs on the ASYE?",
            CONFIDENT,
            section="Supervision and assessment",
        ),
        *_impact("The ASYE"),
        *_edi(),
        free_text("What support would help you most as an assessor?", section="Anything else"),
    ],
}
NQSWS = {
    "title": "NQSW survey",
    "minutes": 10,
    "introduction": (
        "This survey is for newly qualified social workers on the ASYE. It takes under 10 minutes. Your "
        "answers are anonymous: they are stored without your name or your employer, your employer never "
        "sees them, and results are reported only for questions answered by 30 people or more."
    ),
    "questions": [
        SERVICE_QUESTION,
        scale(
            "How confident are you in the capability of your ASYE supervisor?",
            CONFIDENT,
            section="Your supervisor and assessor",
        ),
        scale(
            "How confident are you in the capability of your ASYE assessor?",
            CONFIDENT,
            section="Your supervisor and assessor",
        ),
        *_impact("The ASYE")[:2],
        *_edi(),
        free_text("What one change would most improve your ASYE?", section="Anything else"),
    ],
}
FIRST_VERSION = {"leads": LEADS, "assessors": ASSESSORS, "nqsws": NQSWS}


def load_first_version(Questionnaire, Question) -> int:
    """Create version 1 of each group's questionnaire if it is missing; return how many were made.
    Takes the model classes so a data migration can pass its historical ones."""
    made = 0
    for group, spec in FIRST_VERSION.items():
        questionnaire, created = Questionnaire.objects.get_or_create(
            group=group,
            version=1,
            defaults={
                "title": spec["title"],
                "introduction": spec["introduction"],
                "minutes": spec["minutes"],
            },
        )
        if not created:
            continue
        made += 1
        Question.objects.bulk_create(
            Question(
                questionnaire=questionnaire,
                position=position,
                kind=item["kind"],
                text=item["text"],
                hint=item.get("hint", ""),
                section=item.get("section", ""),
                choices=item.get("choices", []),
                positive_choices=item.get("positive_choices", 0),
                not_applicable=item.get("not_applicable", ""),
                required=item.get("required", True),
            )
            for position, item in enumerate(spec["questions"], start=1)
        )
    return made
