"""Another employer's object is indistinguishable from a missing one: 404, and nothing changes.

Every URL pattern that captures an object is listed in OBJECT_ROUTES (or EXEMPT with the reason);
a new route that is in neither fails ``test_every_object_route_is_covered``, so isolation is decided
when the route is added, not remembered later.

The ids in the address are varied here; the ids in a form's or an API call's body (an assessor, a piece of
evidence, a registration, an employer...) are varied by ``tests/security/test_isolation_fields.py``, with
the same rule: every such field is found in the code and must be in its table.
"""

from __future__ import annotations

import importlib

import pytest
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from asye.accounts.models import Invitation, Membership, Role
from asye.accounts.services import invitation_create
from asye.api.models import ApiToken
from asye.api.services import api_token_create
from asye.audit.models import AuditEvent
from asye.audit.services import audit_record
from tests.factories import MembershipFactory
from tests.isolation_support import ObjectRoute
from tests.programmes.test_support_isolation import make_registration as make_support_registration
from tests.programmes.test_support_isolation import make_support_need
from tests.programmes.test_views_isolation import make_registration as make_programmes_registration
from tests.today import TODAY

pytestmark = pytest.mark.django_db


def b_actor(employer_b):
    from asye.accounts.actor import build_actor
    from asye.tenancy.db import tenant_settings

    with tenant_settings(user_id=employer_b.coordinator.pk):
        return build_actor(employer_b.coordinator, employer_id=employer_b.employer.pk)


def make_invitation(employer_b, unscoped):
    with unscoped():
        actor = b_actor(employer_b)
    from asye.tenancy.db import tenant_context

    with tenant_context(employer_b.employer.pk):
        return invitation_create(actor=actor, email="newbie@b.example", role=Role.ASSESSOR).invitation


def make_membership(employer_b, unscoped):
    return MembershipFactory(employer=employer_b.employer, role=Role.LINE_MANAGER)


def make_token(employer_b, unscoped):
    with unscoped():
        actor = b_actor(employer_b)
    from asye.tenancy.db import tenant_context

    with tenant_context(employer_b.employer.pk):
        return api_token_create(actor=actor, name="B's HR system").token


def make_audit_event(employer_b, unscoped):
    from asye.tenancy.db import tenant_context

    with unscoped():
        actor = b_actor(employer_b)
    with tenant_context(employer_b.employer.pk):
        return audit_record(actor=actor, action="test.event", employer_id=employer_b.employer.pk)


def make_registration(employer_b, unscoped):
    from asye.tenancy.db import tenant_context
    from programmes.services import registration_create
    from tests.programmes.conftest import facts, registration_day

    with unscoped():
        actor = b_actor(employer_b)
    given = facts(swe_number="SW424242")
    with tenant_context(employer_b.employer.pk):
        return registration_create(actor=actor, facts=given, today=registration_day(given))


def make_transfer(employer_b, unscoped):
    """A transfer employer B asked a third employer to accept."""
    from tests.conftest import _tenant
    from tests.programmes.test_transfers import request_transfer

    third = _tenant("Thirdshire County Council")
    return request_transfer(employer_b, third, make_registration(employer_b, unscoped))


OBJECT_ROUTES: dict[str, ObjectRoute] = {
    "accounts:revoke_invitation": ObjectRoute(make_invitation),
    "accounts:resend_invitation": ObjectRoute(make_invitation),
    "accounts:end_membership": ObjectRoute(make_membership),
    "api_tokens:revoke": ObjectRoute(make_token),
    "api:membership-detail": ObjectRoute(make_membership),
    "api:audit-event-detail": ObjectRoute(make_audit_event),
    "api:registration-detail": ObjectRoute(make_registration),
    "api:registration-withdraw": ObjectRoute(make_registration),
    "api:registration-correct": ObjectRoute(make_registration),
    **{
        f"programmes:{name}": ObjectRoute(make_programmes_registration)
        for name in (
            "detail",
            "change",
            "correct",
            "correct_check",
            "defer",
            "resume",
            "extend",
            "withdraw",
            "transfer",
            "assessor",
            "line_manager",
        )
    },
    # A transfer B asked a third employer to accept: A is neither side, so every page of it is a 404.
    **{
        f"programmes:{name}": ObjectRoute(make_transfer)
        for name in ("transfer_incoming", "transfer_accept", "transfer_decline", "transfer_cancel")
    },
    "support:registration": ObjectRoute(make_support_registration),
    "support:supervision_record": ObjectRoute(make_support_registration),
    "support:protected_time_log": ObjectRoute(make_support_registration),
    "support:caseload_record": ObjectRoute(make_support_registration),
    "support:need": ObjectRoute(make_support_need),
    "support:need_change": ObjectRoute(make_support_need),
}

EXEMPT = {
    # A navigation section's key, not an object: the landing page lists the person's own pages; a section
    # they do not have is a 404 (tests/web/test_navigation.py).
    "section": "navigation section, not an object",
    # Addressed by a secret, not an id: an unknown secret is a 404 (tests/accounts/test_invitations.py).
    "accounts:accept_invitation": "secret-addressed",
    # National staff only; anyone else gets 403 before any object is read (test_national_pages_refuse_...).
    "national:employer": "national",
    "national_registrations:detail": "national",
    # A national staff member's own API token: another's is a 404 to them (tests/api/test_national_tokens.py).
    "national_api_tokens:revoke": "national",
    # NQSWs only (anyone else gets 403 before any object is read); another employer's registration, one
    # naming someone else and a missing one are all 404 (tests/programmes/test_transfers.py::
    # test_an_nqsw_can_confirm_only_a_registration_here_naming_their_email).
    "support:confirm_registration": "nqsw-only",
    # A signed token, not an id: bad, forged or other-employer tokens are 404 (test_support_calendar.py).
    "support:calendar": "secret-addressed",
    # The schema and its renderers take a format suffix, not an object.
    "api:schema": "no object",
}
# Each domain app lists its own routes in tests/<app>/isolation_routes.py (OBJECT_ROUTES and EXEMPT, the
# same shapes as above), so apps built side by side do not edit one table.
for _app in (
    "portfolios",
    "reviews",
    "funding",
    "jobs",
    "notifications",
    "evaluations",
    "forums",
    "surveys",
    "assurance",
    "reporting",
):
    _module = importlib.import_module(f"tests.{_app}.isolation_routes")
    OBJECT_ROUTES.update(_module.OBJECT_ROUTES)
    EXEMPT.update(_module.EXEMPT)

IGNORED_PREFIXES = ("admin:", "account_", "mfa_", "socialaccount_", "usersessions_")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, prefix + str(entry.pattern), entry


def object_routes() -> list[tuple[str, str]]:
    routes = []
    for name, route, entry in _walk(get_resolver().url_patterns):
        if not name or name.startswith(IGNORED_PREFIXES):
            continue
        if entry.pattern.converters or "(?P<" in route:
            routes.append((name, route))
    return routes


def test_every_object_route_is_covered():
    uncovered = [
        (name, route)
        for name, route in object_routes()
        if name not in OBJECT_ROUTES and name not in EXEMPT and not name.endswith("-format-suffix")
    ]
    assert uncovered == [], "Add these routes to OBJECT_ROUTES (or EXEMPT, with the reason)"


def snapshot(model, pk, unscoped):
    with unscoped():
        obj = model.objects.filter(pk=pk).first()
        return model_to_dict(obj) if obj else None


@pytest.mark.parametrize("url_name", sorted(n for n in OBJECT_ROUTES if not n.startswith("api:")))
def test_html_route_gives_404_for_another_employers_object(
    url_name, client, login, employer_a, employer_b, unscoped
):
    route = OBJECT_ROUTES[url_name]
    obj = route.make(employer_b, unscoped)
    before = snapshot(type(obj), obj.pk, unscoped)
    login(employer_a.coordinator)
    url = reverse(url_name, kwargs=route.kwargs(obj))
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    assert snapshot(type(obj), obj.pk, unscoped) == before
    # ...and the same id that does not exist at all gives the same answer.
    missing = reverse(url_name, kwargs=route.missing())
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize("url_name", sorted(n for n in OBJECT_ROUTES if n.startswith("api:")))
@pytest.mark.parametrize("auth", ["session", "token"])
def test_api_route_gives_404_for_another_employers_object(
    url_name, auth, client, login, employer_a, employer_b, unscoped
):
    route = OBJECT_ROUTES[url_name]
    obj = route.make(employer_b, unscoped)
    before = snapshot(type(obj), obj.pk, unscoped)
    headers = {}
    if auth == "session":
        login(employer_a.coordinator)
    else:
        from asye.tenancy.db import tenant_context

        with unscoped():
            from asye.accounts.actor import build_actor
            from asye.tenancy.db import tenant_settings

            with tenant_settings(user_id=employer_a.coordinator.pk):
                actor_a = build_actor(employer_a.coordinator, employer_id=employer_a.employer.pk)
        with tenant_context(employer_a.employer.pk):
            secret = api_token_create(actor=actor_a, name="A's system").secret
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    url = reverse(url_name, kwargs=route.kwargs(obj))
    answered_404 = []
    for method in ("get", "post", "put", "patch", "delete"):
        body = {
            "version": getattr(obj, "version", 1),
            "date": TODAY.isoformat(),
            "reason": "x",
            "first_name": "X",
        }
        response = getattr(client, method)(url, data=body, content_type="application/json", **headers)
        # A method the route does not accept is refused before any lookup (405); every other is 404.
        assert response.status_code in (404, 405), (method, response.status_code)
        if response.status_code == 404:
            assert response["Content-Type"].startswith("application/problem+json")
            answered_404.append(method)
    assert answered_404, "no method reached the object lookup"
    assert snapshot(type(obj), obj.pk, unscoped) == before


def test_lists_show_nothing_of_another_employer(client, login, employer_a, employer_b, unscoped):
    make_invitation(employer_b, unscoped)
    make_token(employer_b, unscoped)
    make_audit_event(employer_b, unscoped)
    login(employer_a.coordinator)
    for url in ("/team/", "/audit/", "/api-tokens/", "/employer/", "/", "/support-needs/"):
        html = client.get(url).content.decode()
        for leaked in (
            employer_b.employer.name,
            employer_b.coordinator.email,
            "newbie@b.example",
            "B&#x27;s HR",
        ):
            assert leaked not in html, (url, leaked)
    for url in ("/api/v1/memberships/", "/api/v1/audit-events/", "/api/v1/employer/", "/api/v1/me/"):
        body = client.get(url).content.decode()
        assert employer_b.coordinator.email not in body and employer_b.employer.name not in body, url


def test_national_pages_refuse_employer_staff(client, login, employer_a, employer_b):
    login(employer_a.coordinator)
    for url in (
        "/national/",
        "/national/employers/",
        f"/national/employers/{employer_b.employer.pk}/",
        "/national/audit/",
    ):
        assert client.get(url).status_code == 403, url


def test_models_used_in_isolation_routes_are_employer_scoped():
    for model in (Invitation, Membership, ApiToken, AuditEvent):
        assert "employer_id" in {f.attname for f in model._meta.concrete_fields}
