"""The annual surveys' results for national staff's systems (``/api/v1/national/survey-results/``,
national API tokens only): the figures by group and each question's distribution, from the selectors the
national page and the exports use (``surveys.selectors``), read in the audited national scope
(``asye.api.national``). The rule of 30 is the page's: a group's responses and response rate, and a
question's answers, are given only when at least 30 people answered; below it the figures are null and
``reportable`` is false. Never a response, an invitation or a free-text answer."""

from __future__ import annotations

from django.http import Http404
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from asye.api.national import YEAR_PARAM, NationalReadView, year_param
from asye.api.operation_schema import national_read_schema
from asye.api.schema import Problems, problem_response
from surveys import selectors
from surveys.models import QuestionKind, SurveyGroup

PROBLEMS = Problems(
    {
        400: problem_response("`year` is not a year with a survey round (the message lists them)."),
        403: problem_response("Not a national API token: an employer's token is refused."),
        404: problem_response("There is no survey round yet."),
    }
)
BELOW = f"Null when fewer than {selectors.MINIMUM_RESPONSES} people answered."


class GroupFiguresSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=SurveyGroup.choices)
    label = serializers.CharField()
    sent = serializers.IntegerField(help_text="Links delivered.")
    responses = serializers.IntegerField(allow_null=True, help_text=BELOW)
    response_rate = serializers.IntegerField(allow_null=True, help_text=f"Percent. {BELOW}")
    reportable = serializers.BooleanField()


class ChoiceCountSerializer(serializers.Serializer):
    answer = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Of those who answered, leaving out 'not applicable'.")


class QuestionResultSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=SurveyGroup.choices)
    position = serializers.IntegerField()
    section = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    reportable = serializers.BooleanField()
    answered = serializers.IntegerField(allow_null=True, help_text=BELOW)
    counts = ChoiceCountSerializer(many=True, help_text="Empty for free text and below 30.")
    positive = serializers.IntegerField(allow_null=True, help_text="Scales: percent in the positive answers.")
    not_applicable = serializers.IntegerField(allow_null=True, help_text=f"'Not applicable' answers. {BELOW}")


class SurveyResultsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    invite_on = serializers.DateField()
    closes_on = serializers.DateField()
    minimum_responses = serializers.IntegerField(help_text="Figures from fewer people are not given.")
    groups = GroupFiguresSerializer(many=True)
    questions = QuestionResultSerializer(many=True)


def _question(group: str, result: selectors.QuestionResult) -> dict:
    question = result.question
    reportable = result.reportable
    choice = question.kind != QuestionKind.TEXT
    return {
        "group": group,
        "position": question.position,
        "section": question.section,
        "text": question.text,
        "kind": question.kind,
        "reportable": reportable,
        "answered": result.answered if reportable else None,
        "counts": [{"answer": a, "count": c, "percent": p} for a, c, p in result.counts]
        if reportable
        else [],
        "positive": result.positive if reportable else None,
        "not_applicable": result.not_applicable if reportable and choice else None,
    }


def results_data(*, actor, survey_round) -> dict:
    groups = [
        {
            "group": figures.group,
            "label": figures.label,
            "sent": figures.sent,
            "responses": figures.responses if figures.reportable else None,
            "response_rate": figures.rate,
            "reportable": figures.reportable,
        }
        for figures in selectors.round_figures(actor=actor, survey_round=survey_round)
    ]
    questions = []
    for group, _label in SurveyGroup.choices:
        try:
            _, results = selectors.group_results(actor=actor, survey_round=survey_round, group=group)
        except Http404:  # a round without this group's survey: no questions to report
            continue
        questions.extend(_question(group, result) for result in results)
    return {
        "year": survey_round.year,
        "invite_on": survey_round.invite_on,
        "closes_on": survey_round.closes_on,
        "minimum_responses": selectors.MINIMUM_RESPONSES,
        "groups": groups,
        "questions": questions,
    }


@national_read_schema(
    summary="The annual surveys' results",
    description=(
        "For a year's survey round (by default the latest): links delivered, responses and response rate "
        "by group (leads, assessors, NQSWs), and each question's distribution by group, with the national "
        "page's rule: nothing answered by fewer than 30 people is given on its own. National API tokens "
        "only."
    ),
    parameters=[YEAR_PARAM],
    answer=SurveyResultsSerializer,
    problems=PROBLEMS,
    example=(
        "A round's results",
        {
            "year": 2027,
            "invite_on": "2027-02-07",
            "closes_on": "2027-03-15",
            "minimum_responses": 30,
            "groups": [
                {
                    "group": "leads",
                    "label": "ASYE leads",
                    "sent": 140,
                    "responses": 61,
                    "response_rate": 44,
                    "reportable": True,
                },
                {
                    "group": "assessors",
                    "label": "ASYE assessors",
                    "sent": 60,
                    "responses": None,
                    "response_rate": None,
                    "reportable": False,
                },
            ],
            "questions": [
                {
                    "group": "leads",
                    "position": 1,
                    "section": "Your programme",
                    "text": "How well supported do you feel?",
                    "kind": "scale",
                    "reportable": True,
                    "answered": 58,
                    "counts": [{"answer": "Very well", "count": 30, "percent": 52}],
                    "positive": 79,
                    "not_applicable": 3,
                }
            ],
        },
    ),
)
class SurveyResultsView(NationalReadView):
    serializer_class = SurveyResultsSerializer
    pagination_class = None

    def read(self, request):
        actor = self.actor
        rounds = selectors.round_list_national(actor=actor)
        year = year_param(request, years=[r.year for r in rounds])
        if not rounds:
            raise NotFound("There is no survey round yet.")
        survey_round = next((r for r in rounds if r.year == year), rounds[0])
        return Response(SurveyResultsSerializer(results_data(actor=actor, survey_round=survey_round)).data)
