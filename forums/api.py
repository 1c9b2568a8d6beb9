"""The national forums' sessions over the API (``/api/v1/forum-sessions/``): the sessions of the forums
open to the caller's roles (for an employer's token, its co-ordinator's: the co-ordinators' drop-ins and
courses), one session, and signing up and cancelling for the caller, through the same services as the
pages (``forums.services``).

Forums are national: no employer owns a session, so a session is found through
``ForumSession.objects.visible_to`` (a forum not for the caller's roles is a 404, as on the pages). What
leaves is the catalogue, the numbers of places taken and waiting, and the caller's own place; the online
joining details only once the caller has a place. Nobody else's sign-up is ever shown.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from asye import clock
from asye.api.operation_schema import RecordSchema
from asye.api.schema import Problems, problem_response
from asye.tenancy.api import EmployerScopedViewSet
from forums import services
from forums.models import ForumKind, ForumSession, SessionSignup, SignupStatus
from forums.selectors import booked_counts

PROBLEMS = Problems(
    {
        400: problem_response(
            "The place cannot be booked or cancelled (the session is full of its course's members only, "
            "cancelled, already started, or the forum is not open to you), or a filter is not valid."
        ),
        403: problem_response("Your role does not allow this."),
        404: problem_response("No such session, or one of a forum not open to your roles."),
    }
)


class ForumSessionSerializer(serializers.ModelSerializer):
    forum = serializers.CharField(source="forum.slug", read_only=True, help_text="The forum's short name.")
    forum_name = serializers.CharField(source="forum.name", read_only=True)
    forum_kind = serializers.ChoiceField(source="forum.kind", choices=ForumKind.choices, read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    cancelled = serializers.SerializerMethodField()
    places_left = serializers.SerializerMethodField(help_text="Null: no limit.")
    waiting = serializers.SerializerMethodField(help_text="People on the waiting list (a number only).")
    my_place = serializers.SerializerMethodField(
        help_text="The caller's own place: `booked`, `waiting` or null (none)."
    )
    attended = serializers.SerializerMethodField(help_text="Whether the organisers recorded you attending.")
    joining_details = serializers.SerializerMethodField(
        help_text="How to join online: only once the caller has a place, else empty."
    )

    class Meta:
        model = ForumSession
        fields = [
            "id",
            "forum",
            "forum_name",
            "forum_kind",
            "topic",
            "speaker",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "capacity",
            "places_left",
            "waiting",
            "cancelled",
            "my_place",
            "attended",
            "joining_details",
        ]
        read_only_fields = fields

    def _counts(self, session) -> dict[str, int]:
        return self.context["counts"].get(session.pk, {"booked": 0, "waiting": 0})

    def _mine(self, session) -> SessionSignup | None:
        return self.context["mine"].get(session.pk)

    def get_cancelled(self, session) -> bool:
        return session.cancelled_at is not None

    def get_places_left(self, session) -> int | None:
        if session.capacity is None:
            return None
        return max(session.capacity - self._counts(session)["booked"], 0)

    def get_waiting(self, session) -> int:
        return self._counts(session)["waiting"]

    def get_my_place(self, session) -> str | None:
        mine = self._mine(session)
        return mine.status if mine else None

    def get_attended(self, session) -> bool:
        mine = self._mine(session)
        return bool(mine and mine.attended)

    def get_joining_details(self, session) -> str:
        mine = self._mine(session)
        return session.joining_details if mine and mine.status == SignupStatus.BOOKED else ""


SESSION_EXAMPLE = {
    "id": 12,
    "forum": "co-ordinator-drop-in",
    "forum_name": "ASYE co-ordinators' drop-in",
    "forum_kind": "drop_in",
    "topic": "Preparing for the moderation panel",
    "speaker": "National ASYE team",
    "starts_at": "2027-03-09T10:00:00Z",
    "ends_at": "2027-03-09T11:00:00Z",
    "duration_minutes": 60,
    "capacity": 40,
    "places_left": 12,
    "waiting": 0,
    "cancelled": False,
    "my_place": "booked",
    "attended": False,
    "joining_details": "Teams: https://teams.example/meet/123",
}

UPCOMING_PARAM = OpenApiParameter(
    "when",
    OpenApiTypes.STR,
    enum=["upcoming", "past"],
    description="`upcoming` (the default: soonest first) or `past` (latest first).",
)
FORUM_PARAM = OpenApiParameter(
    "forum", OpenApiTypes.STR, description="Only this forum's sessions (its short name)."
)


SESSION_SCHEMA = RecordSchema(tags=["forums"], problems=PROBLEMS, serializer=ForumSessionSerializer)


@SESSION_SCHEMA.list_and_read(
    list_summary="List forum sessions",
    list_description=(
        "Sessions of the national forums open to the caller's roles (an employer's token acts with its "
        "co-ordinator's: the co-ordinators' drop-ins and courses), with places left and the caller's own "
        "place. Joining details only with a place."
    ),
    parameters=[UPCOMING_PARAM, FORUM_PARAM],
    list_example=("A page of sessions", SESSION_EXAMPLE),
    read_summary="Read a forum session",
    read_example=("A session", SESSION_EXAMPLE),
)
class ForumSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EmployerScopedViewSet):
    """The national forums' sessions for the caller; signing up and cancelling their own place."""

    model = ForumSession
    serializer_class = ForumSessionSerializer

    def scope_queryset(self, queryset):
        queryset = queryset.select_related("forum")
        if self.action != "list":
            return queryset
        when = self.request.query_params.get("when", "upcoming")
        if when not in ("upcoming", "past"):
            raise ValidationError({"when": ["Give upcoming or past."]})
        now = clock.now()
        if when == "upcoming":
            queryset = queryset.filter(starts_at__gt=now).order_by("starts_at", "id")
        else:
            queryset = queryset.filter(starts_at__lte=now).order_by("-starts_at", "-id")
        forum = self.request.query_params.get("forum")
        return queryset.filter(forum__slug=forum) if forum else queryset

    def _context_for(self, sessions) -> dict:
        ids = [session.pk for session in sessions]
        mine = SessionSignup.objects.filter(session_id__in=ids, person_id=self.actor.user.pk).exclude(
            status=SignupStatus.CANCELLED
        )
        return {
            **self.get_serializer_context(),
            "counts": booked_counts(ids),
            "mine": {signup.session_id: signup for signup in mine},
        }

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = ForumSessionSerializer(page, many=True, context=self._context_for(page)).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def _answer(self, session: ForumSession) -> Response:
        session = self.get_queryset().get(pk=session.pk)
        return Response(ForumSessionSerializer(session, context=self._context_for([session])).data)

    def _write(self, service) -> Response:
        session = self.get_object()
        try:
            service(actor=self.actor, session=session)
        except DjangoValidationError as error:
            raise ValidationError({"session": error.messages}) from error
        return self._answer(session)

    @SESSION_SCHEMA.change(
        summary="Book a place",
        description=(
            "Books the caller a place at the session, or a place on its waiting list when it is full "
            "(`my_place` says which). Booking again changes nothing. A cancelled or started session, a "
            "course the caller is not enrolled on or a forum not open to their roles answers 400."
        ),
        request=None,
        codes=(400, 403, 404),
        examples=[OpenApiExample("Booked", value=SESSION_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request, pk=None):
        return self._write(services.signup_create)

    @SESSION_SCHEMA.change(
        summary="Cancel a place",
        description=(
            "Gives up the caller's place (or place on the waiting list); the first person waiting gets a "
            "freed place and is told. Nothing changes if the caller had none. Too late once the session "
            "has started (400)."
        ),
        request=None,
        codes=(400, 403, 404),
        examples=[
            OpenApiExample(
                "Cancelled",
                value={**SESSION_EXAMPLE, "my_place": None, "joining_details": "", "places_left": 13},
                response_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._write(services.signup_cancel)
