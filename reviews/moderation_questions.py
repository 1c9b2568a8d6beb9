"""The NQAP moderator's question, which matches the case.

- A portfolio with a final recommendation that left the assessor (``recommendation_for``: submitted to,
  endorsed or referred back by the internal panel) is moderated against it: does the evidence support the
  assessor's recommendation? (supports, partly supports, does not support).
- A portfolio without one (a voluntary submission during the year, or any case whose assessor has not
  submitted a recommendation) has no recommendation to support: does the evidence show the NQSW meeting
  the capabilities at the expected level? (meets, some of them, does not).

Only the answers to the case's own question are accepted
(``reviews.moderation_services.findings.findings_save``).
The two sets of answers are distinct values of ``ModerationCase.agreement``, so sent findings always say
which question they answer (``question_answered``), even if a recommendation is made later.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviews.models import ModerationCase
from reviews.moderation_selectors import recommendation_for

Answer = ModerationCase.Agreement


@dataclass(frozen=True)
class ModerationQuestion:
    about_recommendation: bool
    text: str
    answers: tuple[str, ...]
    required: str

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(value, Answer(value).label) for value in self.answers]


RECOMMENDATION_QUESTION = ModerationQuestion(
    about_recommendation=True,
    text="Does the evidence support the assessor's recommendation?",
    answers=(Answer.AGREE, Answer.PARTLY, Answer.DISAGREE),
    required="Select whether the evidence supports the recommendation",
)
CAPABILITIES_QUESTION = ModerationQuestion(
    about_recommendation=False,
    text="Does the evidence show the NQSW meeting the capabilities at the expected level?",
    answers=(Answer.MEETS, Answer.PARTLY_MEETS, Answer.NOT_MET),
    required="Select whether the evidence shows the NQSW meeting the capabilities at the expected level",
)
# Tag colours of the answers: the best green, the middle yellow, the worst red.
ANSWER_COLOURS = {
    Answer.AGREE: "green",
    Answer.MEETS: "green",
    Answer.PARTLY: "yellow",
    Answer.PARTLY_MEETS: "yellow",
    Answer.DISAGREE: "red",
    Answer.NOT_MET: "red",
}


def moderation_question(case: ModerationCase) -> ModerationQuestion:
    """The question the moderator answers on this case now. Evaluate where the case's registration can be
    read (the national scope, or its employer's tenant context)."""
    return RECOMMENDATION_QUESTION if recommendation_for(case) is not None else CAPABILITIES_QUESTION


def question_answered(agreement: str) -> ModerationQuestion | None:
    """The question an answer belongs to (None for no answer)."""
    for question in (RECOMMENDATION_QUESTION, CAPABILITIES_QUESTION):
        if agreement in question.answers:
            return question
    return None
