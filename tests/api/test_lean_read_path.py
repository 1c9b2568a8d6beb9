"""The API's lean read path (#14 item 4): read shapes built once per serializer class and written exactly as
DRF writes them, the token found by its unique hash without sorting and with its creator's roles at its
employer in the same statement, and a signed-in person's memberships read without an ORDER BY across the
join (ordered in Python instead)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from asye.accounts.actor import build_actor
from asye.accounts.models import Role
from asye.api.representation import FieldsBuiltOnce
from asye.api.serializers import EmployerSerializer, MembershipSerializer
from asye.api.services import api_token_create
from asye.tenancy.db import tenant_context, tenant_settings
from asye.tenancy.models import Employer
from programmes.corrections import registration_correct
from programmes.models import Registration
from programmes.serializers import CorrectionSerializer, RegistrationDetailSerializer, RegistrationSerializer
from tests.factories import EmployerFactory, MembershipFactory, person
from tests.funding.helpers import register
from tests.performance.test_query_counts import token_for
from tests.programmes.conftest import actor_for

pytestmark = pytest.mark.django_db


def drf_writes(serializer_class, instance) -> dict:
    """What DRF itself writes: fields built for this one serializer, and DRF's own loop over them."""
    return serializers.Serializer.to_representation(serializer_class(instance), instance)


@pytest.fixture
def corrected(employer_a) -> Registration:
    """A registration of A's with one correction, read as the API reads it (the framework joined)."""
    registration = register(employer_a)
    with tenant_context(employer_a.employer.pk):
        registration_correct(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=registration,
            version=registration.version,
            reason="Two letters swapped",
            first_name="Adaeze",
        )
        return Registration.objects.select_related("framework_version__framework").get(pk=registration.pk)


def test_read_shapes_write_what_drf_writes(employer_a, corrected):
    with tenant_context(employer_a.employer.pk):
        assert RegistrationDetailSerializer(corrected).data == drf_writes(
            RegistrationDetailSerializer, corrected
        )
        assert RegistrationSerializer(corrected).data == drf_writes(RegistrationSerializer, corrected)
        correction = corrected.corrections.get()
        assert CorrectionSerializer(correction).data == drf_writes(CorrectionSerializer, correction)
        assert RegistrationDetailSerializer(corrected).data["corrections"][0]["new_value"] == "Adaeze"
        membership = employer_a.coordinator.memberships.get()
        assert MembershipSerializer(membership).data == drf_writes(MembershipSerializer, membership)
    employer = Employer.objects.get(pk=employer_a.employer.pk)
    assert EmployerSerializer(employer).data == drf_writes(EmployerSerializer, employer)


def test_the_api_answers_what_drf_would_and_builds_no_fields_per_response(
    client, employer_a, corrected, monkeypatch
):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(employer_a)}"
    url = f"/api/v1/registrations/{corrected.pk}/"
    assert client.get(url).status_code == 200  # the first read may build the shapes
    built = []
    get_fields = serializers.ModelSerializer.get_fields

    def counting(serializer):
        built.append(type(serializer).__name__)
        return get_fields(serializer)

    monkeypatch.setattr(serializers.ModelSerializer, "get_fields", counting)
    response = client.get(url)
    assert response.status_code == 200
    assert built == [], "a read built serializer fields again"
    with tenant_context(employer_a.employer.pk):
        expected = JSONRenderer().render(drf_writes(RegistrationDetailSerializer, corrected))
    assert response.json() == json.loads(expected)
    assert response.json()["corrections"][0]["field"] == "first_name"


def test_a_method_field_runs_on_the_serializer_at_hand_with_its_context():
    class Greeting(FieldsBuiltOnce, serializers.Serializer):
        name = serializers.CharField()
        greeting = serializers.SerializerMethodField()

        def get_greeting(self, value) -> str:
            return f"{self.context['salutation']} {value['name']}"

    assert Greeting({"name": "Ada"}, context={"salutation": "Hello"}).data == {
        "name": "Ada",
        "greeting": "Hello Ada",
    }
    assert Greeting({"name": "Ada"}, context={"salutation": "Dear"}).data["greeting"] == "Dear Ada"


def test_a_nested_shape_must_be_built_once_too():
    class Plain(serializers.Serializer):
        name = serializers.CharField()

    class Outer(FieldsBuiltOnce, serializers.Serializer):
        items = Plain(many=True)

    with pytest.raises(TypeError, match="nested serializer"):
        Outer({"items": [{"name": "a"}]}).data  # noqa: B018  (reading .data serializes)


def test_the_token_and_its_creators_roles_are_read_in_one_statement_without_sorting(
    client, employer_a, corrected
):
    """The token's look-up brings its employer and its creator's roles there (#14): no read of the
    creator's memberships of its own, and no ORDER BY (the hash is unique)."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(employer_a)}"
    url = f"/api/v1/registrations/{corrected.pk}/"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    token_reads = [q["sql"] for q in queries.captured_queries if 'FROM "api_apitoken"' in q["sql"]]
    assert len(token_reads) == 1, token_reads
    assert "accounts_membership" in token_reads[0] and "ORDER BY" not in token_reads[0]
    others = [q["sql"] for q in queries.captured_queries if q["sql"] not in token_reads]
    assert not [sql for sql in others if "accounts_membership" in sql], others


def test_a_token_acts_for_its_employer_alone_in_its_creators_roles_there(client, employer_a, employer_b):
    """The creator's roles elsewhere (another employer's, a national one) do not come with the token."""
    from django.test import RequestFactory
    from rest_framework.request import Request

    from asye.api.authentication import ApiTokenAuthentication
    from asye.tenancy.db import set_request_tenant

    creator = employer_a.coordinator
    MembershipFactory(user=creator, employer=employer_b.employer, role=Role.COORDINATOR)
    MembershipFactory(user=creator, employer=None, role=Role.NATIONAL_STAFF)
    secret = token_for(employer_a)
    request = Request(RequestFactory().get("/api/v1/employer/", HTTP_AUTHORIZATION=f"Bearer {secret}"))
    with transaction.atomic():
        set_request_tenant(employer_id=None, user_id=None)
        user, token = ApiTokenAuthentication().authenticate(request)
        actor = request._request.actor
        transaction.set_rollback(True)
    assert user == creator and token.employer_id == employer_a.employer.pk
    assert actor.employer == employer_a.employer and actor.employers == (employer_a.employer,)
    assert actor.roles == {Role.COORDINATOR} and actor.national_roles == frozenset()
    assert actor.roles_by_employer == {employer_a.employer.pk: {Role.COORDINATOR}}
    assert actor.api_token_id == token.pk
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert client.get("/api/v1/employer/").json()["id"] == employer_a.employer.pk
    assert client.get("/api/v1/national/survey-results/").status_code in (401, 403)


def test_a_persons_employers_are_still_in_name_order(db):
    names = ["Zedborough Council", "Middleton Trust", "Aldershaw County Council"]
    user = person(role=Role.ASSESSOR, employer=EmployerFactory(name=names[0]))
    for name in names[1:]:
        MembershipFactory(user=user, employer=EmployerFactory(name=name), role=Role.ASSESSOR)
    with tenant_settings(user_id=user.pk):
        actor = build_actor(user, employer_id=None)
    assert [employer.name for employer in actor.employers] == sorted(names)
    assert actor.employer is None and actor.needs_employer_choice


def test_an_api_call_sets_the_tenant_in_one_round_trip(client, employer_a, corrected):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(employer_a)}"
    url = f"/api/v1/registrations/{corrected.pk}/"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and response.json()["id"] == corrected.pk
    settings_sent = [q["sql"] for q in queries.captured_queries if "set_config" in q["sql"]]
    # The middleware's, and the token's look-up, which switches to the token's employer as it reads the row.
    assert len(settings_sent) == 2, settings_sent
    assert settings_sent[1].startswith('SELECT "api_apitoken"."id"'), settings_sent[1]


def test_a_refused_token_leaves_no_tenant_behind(client, employer_a, corrected, unscoped):
    from asye.api.models import ApiToken
    from asye.tenancy.db import current_settings

    secret = token_for(employer_a)
    with unscoped():
        ApiToken.objects.filter(employer=employer_a.employer).update(revoked_at=corrected.created_at)
    response = client.get(f"/api/v1/registrations/{corrected.pk}/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    settings = current_settings()  # in the test's transaction, after the request's was rolled back
    assert settings["app.employer_id"] == settings["app.user_id"] == ""


def test_a_row_may_not_decide_national_scope():
    from asye.tenancy.db import settings_from_row

    with pytest.raises(ValueError, match="national"):
        settings_from_row(national="employer_id")


# What every token call's answer carries (#14: the lean path changes none of it). Vary names Cookie because
# the session is looked at (a browser's session may call the API too), as before.
API_ANSWER_HEADERS = {
    "Content-Type": "application/json",
    "Vary": "Accept, Cookie",
    "Allow": "GET, PATCH, HEAD, OPTIONS",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "Permissions-Policy": (
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
        "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), xr-spatial-tracking=()"
    ),
    "Cache-Control": "no-store, private",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def test_the_detail_is_byte_for_byte_what_the_plain_orm_and_drf_answer(client, employer_a, corrected):
    """The lean read (SQL compiled once, deferrals and corrections read only when there are some, fields
    built once) answers the same bytes as the plain ORM read with DRF's own serializer loop, with the same
    headers, for a registration with a deferral and a correction and for one with neither."""
    from programmes.services import registration_defer

    plain = register(employer_a)
    with tenant_context(employer_a.employer.pk):
        registration_defer(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=Registration.objects.get(pk=corrected.pk),
            started_on=corrected.start_date + datetime.timedelta(days=30),
            reason="Illness",
        )
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(employer_a)}"
    for registration in (corrected, plain):
        url = f"/api/v1/registrations/{registration.pk}/"
        assert client.get(url).status_code == 200  # the first read compiles the SQL and builds the shapes
        response = client.get(url)
        with tenant_context(employer_a.employer.pk):
            reference = (
                Registration.objects.select_related("framework_version__framework")
                .prefetch_related("deferrals", "corrections")
                .get(pk=registration.pk)
            )
            expected = JSONRenderer().render(drf_writes(RegistrationDetailSerializer, reference))
        assert response.status_code == 200
        assert response.content == expected
        assert dict(response.headers) == {**API_ANSWER_HEADERS, "Content-Length": str(len(expected))}
    assert json.loads(expected)["corrections"] == []
    assert len(response.json()["timeline"]["milestones"]) > 0


def _redis_commands_sent(monkeypatch) -> list[str]:
    """The commands redis-py sends from now on, by name (a list that fills as they go)."""
    from redis.client import Redis

    sent: list[str] = []
    command = Redis.execute_command

    def execute_command(redis, *args, **options):
        sent.append(str(args[0]))
        return command(redis, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", execute_command)
    return sent


def test_a_call_is_counted_in_one_round_trip_that_also_sets_the_windows_expiry(monkeypatch):
    """The rate limit's counter (#14): on Redis one script creates it with its expiry and increments it,
    and what it counts is what the bad-token check reads back with ``cache.get``."""
    from django.core.cache import cache
    from django_redis.client import DefaultClient

    from asye.api.throttling import _window, window_count

    if not isinstance(getattr(cache, "client", None), DefaultClient):
        pytest.skip("the one-round-trip count is Redis's (django-redis); other caches add and incr")
    cache.clear()
    window_count("test:warm-up", 60)  # the script is loaded into Redis once (SCRIPT LOAD after NOSCRIPT)
    sent = _redis_commands_sent(monkeypatch)
    assert [window_count("test:one-client", 60)[0] for _ in range(3)] == [1, 2, 3]
    assert sent == ["EVALSHA"] * 3  # SET NX EX and INCR in one script: one round trip a call
    key, _ = _window("test:one-client", 60)
    assert cache.get(key) == 3
    assert 0 < cache.ttl(key) <= 61


def test_the_counting_script_is_loaded_again_when_redis_has_forgotten_it(monkeypatch):
    """After a Redis restart (``SCRIPT FLUSH``) the first call loads the script again and still counts."""
    from django.core.cache import cache
    from django_redis.client import DefaultClient

    from asye.api.throttling import window_count

    if not isinstance(getattr(cache, "client", None), DefaultClient):
        pytest.skip("the counting script is Redis's (django-redis)")
    cache.clear()
    assert window_count("test:flushed", 60)[0] == 1
    cache.client.get_client(write=True).script_flush()
    assert window_count("test:flushed", 60)[0] == 2
    assert window_count("test:flushed", 60, also_read="test:nothing-here")[::2] == (3, 0)


def test_a_token_call_checks_both_rate_limits_in_one_round_trip_to_the_cache(
    client, employer_a, corrected, monkeypatch
):
    """The bad-token check's read and the token's own count go in one script (#14): a token call that is
    served makes one round trip to Redis, where it made two."""
    from django.core.cache import cache
    from django_redis.client import DefaultClient

    if not isinstance(getattr(cache, "client", None), DefaultClient):
        pytest.skip("the one-round-trip count is Redis's (django-redis)")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(employer_a)}"
    url = f"/api/v1/registrations/{corrected.pk}/"
    assert client.get(url).status_code == 200
    sent = _redis_commands_sent(monkeypatch)
    assert client.get(url).status_code == 200
    assert sent == ["EVALSHA"], sent


def test_a_failing_address_is_refused_even_with_a_good_token(client, employer_a, corrected, settings):
    """Folding the read into the count changes nothing of the bad-token limit: an address over it gets 429
    before its token is read, whatever the token."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "bad_token": "2/minute",
        },
    }
    url = f"/api/v1/registrations/{corrected.pk}/"
    guesses = [
        client.get(url, HTTP_AUTHORIZATION=f"Bearer asye_guess{n}", REMOTE_ADDR="203.0.113.7").status_code
        for n in range(2)
    ]
    good = f"Bearer {token_for(employer_a)}"
    with CaptureQueriesContext(connection) as queries:
        refused = client.get(url, HTTP_AUTHORIZATION=good, REMOTE_ADDR="203.0.113.7")
    assert guesses == [401, 401] and refused.status_code == 429
    assert not [q for q in queries.captured_queries if "api_apitoken" in q["sql"]]
    assert client.get(url, HTTP_AUTHORIZATION=good, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_each_token_has_its_own_window(client, employer_a, settings):
    """The token's count is keyed by its hash (so it can be counted before its row is read): one token
    over its limit does not hold back another."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "client": "2/minute"},
    }
    first = token_for(employer_a)
    with tenant_context(employer_a.employer.pk):
        second = api_token_create(
            actor=actor_for(employer_a.coordinator, employer_a.employer), name="Payroll"
        ).secret
    statuses = [client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {first}").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 12, 4, 17, 38, 18, 878426, tzinfo=datetime.UTC),  # winter: Z
        datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC),  # summer: +01:00
        datetime.datetime(2027, 3, 28, 0, 59, 59, tzinfo=datetime.UTC),  # the second before the clocks go on
        datetime.datetime(2027, 3, 28, 1, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        datetime.datetime(2026, 10, 25, 1, 30),  # naive: read as the service's time
    ],
)
def test_the_read_shapes_timestamps_are_what_drf_writes(moment):
    """Model date-times in the read shapes are ``ServiceTimeField``s (#14): the zone looked up once, not per
    value, and the same text as DRF's own ``DateTimeField``."""
    from asye.api.fields import ServiceTimeField

    assert isinstance(RegistrationSerializer().fields["created_at"], ServiceTimeField)
    assert ServiceTimeField().to_representation(moment) == serializers.DateTimeField().to_representation(
        moment
    )
