"""Reads of the annual surveys: a person's own invitations, and for national staff the rounds and their
figures (links sent, responses, response rate by group; each question's distribution), with anything
answered by fewer than 30 people left out (``MINIMUM_RESPONSES``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from surveys.models import (
    Question,
    QuestionKind,
    Questionnaire,
    RoundSurvey,
    SurveyAnswer,
    SurveyGroup,
    SurveyInvitation,
    SurveyResponse,
    SurveyRound,
)

# A group or a question answered by fewer people is not reported on its own (the seed's footnote 6).
MINIMUM_RESPONSES = 30
SUPPRESSED = "fewer than 30 responses"


def invitation_list_own(*, actor: Actor) -> list[SurveyInvitation]:
    """The actor's own survey invitations through the employer they act for (row-level security agrees)."""
    if not actor.is_authenticated or actor.employer_id is None:
        return []
    return list(
        SurveyInvitation.objects.filter(person=actor.user, employer_id=actor.employer_id)
        .select_related("round")
        .order_by("-round__year", "group")
    )


def invitation_get_own(*, actor: Actor, pk: int) -> SurveyInvitation:
    """One of the actor's own invitations; 404 for anyone else's or a missing one."""
    if actor.employer_id is None:
        raise_404()
    return get_object_or_404(
        SurveyInvitation.objects.filter(person=actor.user, employer_id=actor.employer_id).select_related(
            "round"
        ),
        pk=pk,
    )


def raise_404():
    from django.http import Http404

    raise Http404


def questions_for(*, invitation: SurveyInvitation) -> list[Question]:
    survey = RoundSurvey.objects.select_related("questionnaire").get(
        round_id=invitation.round_id, group=invitation.group
    )
    return list(survey.questionnaire.questions.order_by("position"))


def questionnaire_for(*, invitation: SurveyInvitation):
    return (
        RoundSurvey.objects.select_related("questionnaire")
        .get(round_id=invitation.round_id, group=invitation.group)
        .questionnaire
    )


# --- National ------------------------------------------------------------------------------------------


def questionnaire_list_national(*, actor: Actor) -> list[Questionnaire]:
    actor.require(Role.NATIONAL_STAFF)
    return list(Questionnaire.objects.order_by("group", "-version"))


def questionnaire_get_national(*, actor: Actor, pk: int) -> Questionnaire:
    actor.require(Role.NATIONAL_STAFF)
    return get_object_or_404(Questionnaire, pk=pk)


def round_list_national(*, actor: Actor) -> list[SurveyRound]:
    actor.require(Role.NATIONAL_STAFF)
    return list(SurveyRound.objects.order_by("-year"))


def round_get_national(*, actor: Actor, pk: int) -> SurveyRound:
    actor.require(Role.NATIONAL_STAFF)
    return get_object_or_404(SurveyRound, pk=pk)


@dataclass
class GroupFigures:
    group: str
    label: str
    sent: int
    responses: int
    reminded_1: int
    reminded_2: int

    @property
    def reportable(self) -> bool:
        return self.responses >= MINIMUM_RESPONSES

    @property
    def rate(self) -> int | None:
        return round(100 * self.responses / self.sent) if self.sent and self.reportable else None


def round_figures(*, actor: Actor, survey_round: SurveyRound) -> list[GroupFigures]:
    """Links sent, responses and the response rate by group (two queries; national scope)."""
    actor.require(Role.NATIONAL_STAFF)
    sent = {
        row["group"]: row
        for row in SurveyInvitation.objects.filter(round=survey_round)
        .values("group")
        .annotate(
            n=Count("id"),
            r1=Count("id", filter=Q(reminded_1_at__isnull=False)),
            r2=Count("id", filter=Q(reminded_2_at__isnull=False)),
        )
    }
    responses = dict(
        SurveyResponse.objects.filter(round=survey_round)
        .values("group")
        .annotate(n=Count("id"))
        .values_list("group", "n")
    )
    return [
        GroupFigures(
            group=group,
            label=label,
            sent=sent.get(group, {}).get("n", 0),
            responses=responses.get(group, 0),
            reminded_1=sent.get(group, {}).get("r1", 0),
            reminded_2=sent.get(group, {}).get("r2", 0),
        )
        for group, label in SurveyGroup.choices
    ]


@dataclass
class QuestionResult:
    question: Question
    answered: int
    not_applicable: int = 0
    counts: list[tuple[str, int, int]] = field(default_factory=list)  # (choice, count, percent)
    positive: int | None = None  # percent in the positive choices (scales)

    @property
    def reportable(self) -> bool:
        return self.answered >= MINIMUM_RESPONSES


def group_results(
    *, actor: Actor, survey_round: SurveyRound, group: str
) -> tuple[object, list[QuestionResult]]:
    """Each question's distribution for one group (one query for the counts): the questionnaire and a
    result per question. Answers of "not applicable" are counted apart and left out of the percentages;
    a question answered by fewer than 30 people has no distribution."""
    actor.require(Role.NATIONAL_STAFF)
    survey = get_object_or_404(
        RoundSurvey.objects.select_related("questionnaire"), round=survey_round, group=group
    )
    questions = list(survey.questionnaire.questions.order_by("position"))
    counts: dict[int, dict[str, int]] = {}
    for question_id, choice, n in (
        SurveyAnswer.objects.filter(response__round=survey_round, response__group=group)
        .values("question_id", "choice")
        .annotate(n=Count("id"))
        .values_list("question_id", "choice", "n")
    ):
        counts.setdefault(question_id, {})[choice] = n
    results = []
    for question in questions:
        by_choice = counts.get(question.pk, {})
        if question.kind == QuestionKind.TEXT:
            results.append(QuestionResult(question=question, answered=sum(by_choice.values())))
            continue
        na = by_choice.get(question.not_applicable, 0) if question.not_applicable else 0
        answered = sum(n for choice, n in by_choice.items() if choice in question.choices)
        result = QuestionResult(question=question, answered=answered, not_applicable=na)
        if result.reportable:
            result.counts = [
                (choice, by_choice.get(choice, 0), round(100 * by_choice.get(choice, 0) / answered))
                for choice in question.choices
            ]
            if question.kind == QuestionKind.SCALE and question.positive_choices:
                positive = sum(by_choice.get(c, 0) for c in question.choices[: question.positive_choices])
                result.positive = round(100 * positive / answered)
        results.append(result)
    return survey.questionnaire, results


def free_text_answers(*, actor: Actor, survey_round: SurveyRound, question: Question) -> list[str]:
    """A free-text question's answers, in a fixed order that is not the order they came in (by the
    answers' random ids); none when fewer than 30 people answered it."""
    actor.require(Role.NATIONAL_STAFF)
    texts = list(
        SurveyAnswer.objects.filter(response__round=survey_round, question=question)
        .exclude(text="")
        .order_by("id")
        .values_list("text", flat=True)
    )
    return texts if len(texts) >= MINIMUM_RESPONSES else []
