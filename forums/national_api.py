"""The forums' figures for national staff's systems (``/api/v1/national/…``, national API tokens only):
attendance per session (places taken, waiting, attended: numbers only) and poll results per session and
per forum, from the organisers' own selectors (``forums.national_selectors``), read in the audited
national scope (``asye.api.national``).

Nothing that names a person leaves: no sign-up, no attendee, no GEMS membership (who is in GEMS is
visible only to the person and the forum's organisers, on their pages), and no free-text poll answer
(only how many people wrote one)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.exceptions import ValidationError

from asye.api.national import YEAR_PARAM, NationalReadView, year_bounds, year_param
from asye.api.operation_schema import national_read_schema
from asye.api.schema import Problems, problem_response
from forums import national_selectors
from forums.models import Forum, ForumKind, QuestionKind

PROBLEMS = Problems(
    {
        400: problem_response("A filter is not valid (an unknown forum, a year that is not a year)."),
        403: problem_response("Not a national API token: an employer's token is refused."),
    }
)
FORUM_PARAM = OpenApiParameter(
    "forum", OpenApiTypes.STR, description="Only this forum (its short name, like `nqsw-forum`)."
)


def _forum_filter(request) -> Forum | None:
    slug = request.query_params.get("forum")
    if slug is None:
        return None
    try:
        return national_selectors.forum_get_national(actor=request._request.actor, slug=slug)
    except Http404:
        raise ValidationError({"forum": ["There is no forum with this short name."]}) from None


def _sessions(request):
    """The sessions the filters ask for, latest first, with their numbers (one query)."""
    forum = _forum_filter(request)
    year = year_param(request)
    sessions = national_selectors.sessions_national(actor=request._request.actor, forum=forum)
    if year is not None:
        start, end = year_bounds(year)
        sessions = sessions.filter(starts_at__gte=start, starts_at__lt=end)
    return sessions


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    forum = serializers.CharField(source="forum.slug", help_text="The forum's short name.")
    forum_name = serializers.CharField(source="forum.name")
    forum_kind = serializers.ChoiceField(source="forum.kind", choices=ForumKind.choices)
    topic = serializers.CharField()
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()


class SessionAttendanceSerializer(SessionSerializer):
    capacity = serializers.IntegerField(allow_null=True, help_text="Null: no limit.")
    cancelled = serializers.SerializerMethodField()
    signed_up = serializers.IntegerField(source="n_booked", help_text="Places taken.")
    waiting = serializers.IntegerField(source="n_waiting", help_text="On the waiting list.")
    attended = serializers.IntegerField(source="n_attended", help_text="Recorded as attending.")
    attendance_recorded = serializers.SerializerMethodField(
        help_text="Whether the organisers have recorded attendance (until then `attended` is 0)."
    )

    def get_cancelled(self, session) -> bool:
        return session.cancelled_at is not None

    def get_attendance_recorded(self, session) -> bool:
        return session.attendance_recorded_at is not None


class AnswerCountSerializer(serializers.Serializer):
    answer = serializers.CharField(help_text="The rating (5 to 1), Yes or No, or the option.")
    count = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Of the people who answered the question, rounded.")


class PollQuestionResultSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="question.position")
    text = serializers.CharField(source="question.text")
    kind = serializers.ChoiceField(source="question.kind", choices=QuestionKind.choices)
    answered = serializers.IntegerField(help_text="People who answered it (for free text: who wrote one).")
    counts = serializers.SerializerMethodField()
    average = serializers.FloatField(allow_null=True, help_text="Ratings only: the mean from 1 to 5.")

    @extend_schema_field(AnswerCountSerializer(many=True))
    def get_counts(self, result) -> list[dict]:
        return [{"answer": a, "count": c, "percent": p} for a, c, p in result.counts]


class PollResultsSerializer(serializers.Serializer):
    responses = serializers.IntegerField(help_text="People who answered the poll.")
    questions = PollQuestionResultSerializer(many=True)


class SessionPollSerializer(SessionSerializer):
    poll = serializers.CharField(source="poll.title", help_text="The poll's title.")
    results = serializers.SerializerMethodField()

    @extend_schema_field(PollResultsSerializer)
    def get_results(self, session) -> dict:
        actor = self.context["request"]._request.actor
        return PollResultsSerializer(national_selectors.poll_results(actor=actor, poll=session.poll)).data


class ForumPollSerializer(serializers.Serializer):
    forum = serializers.CharField(source="slug", help_text="The forum's short name.")
    forum_name = serializers.CharField(source="name")
    forum_kind = serializers.ChoiceField(source="kind", choices=ForumKind.choices)
    results = serializers.SerializerMethodField(help_text="Every poll of the forum's sessions together.")

    @extend_schema_field(PollResultsSerializer)
    def get_results(self, forum) -> dict:
        actor = self.context["request"]._request.actor
        return PollResultsSerializer(national_selectors.forum_poll_results(actor=actor, forum=forum)).data


SESSION = {
    "id": 41,
    "forum": "nqsw-forum-children",
    "forum_name": "NQSW forum (children and families)",
    "forum_kind": "forum",
    "topic": "Direct work with children",
    "starts_at": "2027-02-10T10:00:00Z",
    "duration_minutes": 120,
}
RESULTS = {
    "responses": 12,
    "questions": [
        {
            "position": 1,
            "text": "How useful was the session?",
            "kind": "rating",
            "answered": 12,
            "counts": [
                {"answer": "5", "count": 7, "percent": 58},
                {"answer": "4", "count": 5, "percent": 42},
            ],
            "average": 4.58,
        }
    ],
}


class SessionList(mixins.ListModelMixin, NationalReadView):
    def read(self, request):
        page = self.paginate_queryset(self.queryset_for(request))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@national_read_schema(
    summary="Forum attendance per session",
    description=(
        "Every forum session (latest first) with its numbers: places taken, waiting list, attended. Numbers "
        "only: no person, and nothing about who belongs to GEMS. National API tokens only."
    ),
    parameters=[FORUM_PARAM, YEAR_PARAM],
    answer=SessionAttendanceSerializer(many=True),
    problems=PROBLEMS,
    example=(
        "A session",
        {
            **SESSION,
            "capacity": 60,
            "cancelled": False,
            "signed_up": 48,
            "waiting": 0,
            "attended": 41,
            "attendance_recorded": True,
        },
    ),
)
class ForumAttendanceView(SessionList):
    serializer_class = SessionAttendanceSerializer

    def queryset_for(self, request):
        return _sessions(request)


@national_read_schema(
    summary="Poll results per session",
    description=(
        "The feedback poll of each session that has one (latest first): responses, and per question the "
        "count and percentage of each answer and the average rating. Free-text answers are not given, only "
        "how many were written. National API tokens only."
    ),
    parameters=[FORUM_PARAM, YEAR_PARAM],
    answer=SessionPollSerializer(many=True),
    problems=PROBLEMS,
    example=("A session's poll", {**SESSION, "poll": "Forum feedback", "results": RESULTS}),
)
class SessionPollResultsView(SessionList):
    serializer_class = SessionPollSerializer

    def queryset_for(self, request):
        return _sessions(request).filter(poll__isnull=False).select_related("poll")


@national_read_schema(
    summary="Poll results per forum",
    description=(
        "Each forum's polls together (as on the organisers' page), question by question. National API "
        "tokens only."
    ),
    parameters=[FORUM_PARAM],
    answer=ForumPollSerializer(many=True),
    problems=PROBLEMS,
    example=(
        "A forum's polls",
        {
            "forum": SESSION["forum"],
            "forum_name": SESSION["forum_name"],
            "forum_kind": "forum",
            "results": RESULTS,
        },
    ),
)
class ForumPollResultsView(mixins.ListModelMixin, NationalReadView):
    serializer_class = ForumPollSerializer

    def read(self, request):
        forum = _forum_filter(request)
        forums = Forum.objects.filter(sessions__poll__isnull=False).distinct().order_by("name", "id")
        if forum is not None:
            forums = forums.filter(pk=forum.pk)
        page = self.paginate_queryset(forums)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
