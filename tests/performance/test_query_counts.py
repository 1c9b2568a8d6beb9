"""Every list, dashboard and API endpoint sends a fixed number of queries, whatever the number of rows
(#14 item 8): each page is read with two registrations (approved for funding, so with claims), then with
six, and both counts must equal the one pinned here. A change of a pin is a change to look at: say why
beside it. (The figures count the request's own queries, the tenant settings and session included, and
the savepoints of the test's transaction.)
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asye.api.services import api_token_create
from asye.tenancy.db import tenant_context
from programmes.models import Registration
from reviews.services.reviews import reviews_schedule
from tests.funding.conftest import START
from tests.funding.helpers import approve, national_actor, paid_statement, register
from tests.programmes.conftest import actor_for
from tests.today import TODAY

pytestmark = pytest.mark.django_db

# The pages of an employer's co-ordinator: lists and dashboards.
COORDINATOR_PAGES = {
    "home": "/",
    "registrations": "/registrations/",
    "registrations_overdue": "/registrations/?status=overdue",
    "transfers_incoming": "/registrations/transfers/",
    "support_needs": "/support-needs/",
    "reviews": "/reviews/",
    "panels": "/reviews/panels/",
    "moderation": "/reviews/moderation/",
    "good_practice": "/reviews/good-practice/",
    "exemplars": "/reviews/exemplars/",
    "funding": "/funding/",
    "claims": "/funding/claims/",
    "statements": "/funding/statements/",
    "statement": "/funding/statements/{statement}/",
    "grant_applications": "/funding/grant-applications/",
    "team": "/team/",
    "audit": "/audit/",
    "api_tokens": "/api-tokens/",
}
# National staff's pages: across every employer, in the audited national scope.
NATIONAL_PAGES = {
    "home": "/",
    "overview": "/national/",
    "employers": "/national/employers/",
    "audit": "/national/audit/",
    "registrations_to_review": "/national/registrations/",
    "outcomes": "/national/outcomes/",
    "funding": "/national/funding/",
    "claims": "/national/funding/claims/",
    "statements": "/national/funding/statements/",
    "statement": "/national/funding/statements/{statement}/",
    "grant_applications": "/national/funding/grant-applications/",
    "budget": "/national/funding/budget/",
    "moderation": "/national/moderation/",
    "good_practice_register": "/national/moderation/good-practice/",
    "exemplars": "/national/moderation/exemplars/",
}
# The home pages (and their own lists) of the employer's other roles.
OTHER_ROLE_PAGES = {
    "assessor_home": ("assessor", "/"),
    "assessor_registrations": ("assessor", "/registrations/"),
    "assessor_reviews": ("assessor", "/reviews/"),
    "line_manager_home": ("line_manager", "/"),
    "line_manager_registrations": ("line_manager", "/registrations/"),
    "nqsw_home": ("nqsw", "/"),
}
# Every API endpoint, list and detail, called with the co-ordinator's API token.
API_ENDPOINTS = {
    "me": "/api/v1/me/",
    "employer": "/api/v1/employer/",
    "memberships": "/api/v1/memberships/",
    "audit_events": "/api/v1/audit-events/",
    "registrations": "/api/v1/registrations/",
    "registrations_sync": "/api/v1/registrations/?updated_since=2000-01-01T00:00:00Z",
    "registration": "/api/v1/registrations/{registration}/",
    "reviews": "/api/v1/reviews/",
    "final_outcomes": "/api/v1/final-outcomes/",
    "claims": "/api/v1/claims/",
    "claims_sync": "/api/v1/claims/?updated_since=2000-01-01T00:00:00Z",
    "claim": "/api/v1/claims/{claim}/",
    "statements": "/api/v1/statements/",
    "statement": "/api/v1/statements/{statement}/",
}

# The pins. Each count is the same with two rows and with six. Every page's count includes the test's
# savepoint and its release (2), the tenant settings, the session (read with its key set and put back in
# place, no savepoint of its own: 3; it was 5 before #14) and the person's memberships; an API
# call's, one tenant-settings round trip (the middleware's: the token's look-up switches to its employer as
# it reads the row, asye.api.authentication), the token and the creator's memberships (5 for /me/, which
# reads nothing else; #14 item 4 took one round trip off every API call).
PINNED = {
    "coordinator": {
        "home": 25,  # #15 item 3 (flags, transfers, reviews this month, claims: 5), forums, assurance
        "registrations": 18,
        "registrations_overdue": 18,
        "transfers_incoming": 11,
        "support_needs": 11,
        "reviews": 18,
        "panels": 12,
        "moderation": 13,
        "good_practice": 11,
        "exemplars": 15,
        "funding": 15,
        "claims": 14,
        "statements": 12,
        "statement": 12,
        "grant_applications": 12,
        "team": 12,
        "audit": 13,  # the kinds of record to filter by (#18 item 7)
        "api_tokens": 11,
    },
    "national": {
        "home": 10,
        "overview": 16,  # reporting's registrations of the year: its years, the threshold, one GROUP BY
        "employers": 14,
        "audit": 15,  # the kinds of record to filter by (#18 item 7)
        "registrations_to_review": 14,
        "outcomes": 16,  # the funding years offered, and one look-up for the newest with registrations
        "funding": 17,
        "claims": 15,
        "statements": 20,
        "statement": 14,
        "grant_applications": 14,
        "budget": 18,
        "moderation": 15,
        "good_practice_register": 13,
        "exemplars": 13,
    },
    "other_roles": {
        "assessor_home": 20,  # #15 item 3 (to-do list: 8) and the forums' section (2)
        "assessor_registrations": 16,
        "assessor_reviews": 17,
        "line_manager_home": 14,  # supervision, protected time, reviews to sign, observations
        "line_manager_registrations": 16,
        "nqsw_home": 17,  # #15 item 3 (due next, reviews to sign, evidence returned: 4), forums (2)
    },
    "api": {
        # Every call: the tenant settings, and the token read with its creator's roles (one statement).
        "me": 4,
        "employer": 4,
        "memberships": 6,  # and the count and the page
        "audit_events": 6,
        "registrations": 6,  # the count and the page (the framework joined)
        "registrations_sync": 5,  # a keyset page: no count
        "registration": 5,  # the registration, which says it has no corrections or deferrals to read
        "reviews": 8,  # the count, the page, its practice examples and amendments (prefetched)
        "final_outcomes": 5,  # none yet: the count only
        "claims": 6,
        "claims_sync": 5,
        "claim": 5,
        "statements": 6,
        "statement": 6,
    },
}

PAGES = {"coordinator": COORDINATOR_PAGES, "national": NATIONAL_PAGES, "api": API_ENDPOINTS}
# Counted once more through pytest-django's own counter.
MAIN = {"coordinator": "registrations", "national": "registrations_to_review", "api": "registrations"}

_swe = itertools.count(8_100_000)


def token_for(tenant) -> str:
    with tenant_context(tenant.employer.pk):
        return api_token_create(actor=actor_for(tenant.coordinator, tenant.employer), name="HR system").secret


def _registrations(tenant, national, count: int) -> list[Registration]:
    """``count`` more NQSWs at the tenant, approved for funding (so each has a claimable instalment), with
    the tenant's assessor and line manager and their reviews scheduled."""
    made = []
    for _ in range(count):
        registration = approve(national, register(tenant, swe_number=f"SW{next(_swe)}", start_date=START))
        with tenant_context(tenant.employer.pk):
            Registration.objects.filter(pk=registration.pk).update(
                assessor=tenant.assessor, line_manager=tenant.line_manager
            )
            reviews_schedule(
                actor=actor_for(tenant.coordinator, tenant.employer),
                registrations=[registration],
                today=TODAY,
            )
        made.append(registration)
    return made


@pytest.fixture
def picture(employer_a, employer_b, national_staff):
    """Two of A's registrations, approved, their claims on a paid statement; one of B's (never shown to A).
    ``grow()`` adds four more of A's."""
    national = national_actor(national_staff)
    first = _registrations(employer_a, national, 2)
    _registrations(employer_b, national, 1)
    statement = paid_statement(employer_a, national, first)
    with tenant_context(employer_a.employer.pk):
        claim = statement.claims.order_by("pk").first()

    def grow():
        _registrations(employer_a, national, 4)

    return {
        "ids": {"registration": first[0].pk, "claim": claim.pk, "statement": statement.pk},
        "grow": grow,
    }


def _counts(client, urls: dict[str, str], ids: dict[str, int]) -> dict[str, int]:
    counts = {}
    for name, url in urls.items():
        url = url.format(**ids)
        assert client.get(url).status_code == 200, url  # warm up: content types, progress worked out today
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(queries.captured_queries)
    return counts


def _client_for(kind, client, login, employer_a, national_staff):
    if kind == "coordinator":
        login(employer_a.coordinator)
    elif kind == "national":
        login(national_staff)
    elif kind == "api" and "HTTP_AUTHORIZATION" not in client.defaults:
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(employer_a)}"
    return client


def _measure(kind, client, login, employer_a, national_staff, ids) -> dict[str, int]:
    if kind == "other_roles":
        counts = {}
        for name, (role, url) in OTHER_ROLE_PAGES.items():
            login(getattr(employer_a, role))
            counts |= _counts(client, {name: url}, ids)
        return counts
    return _counts(_client_for(kind, client, login, employer_a, national_staff), PAGES[kind], ids)


@pytest.mark.parametrize("kind", ["coordinator", "national", "other_roles", "api"])
def test_the_number_of_queries_is_pinned_and_does_not_grow_with_rows(
    kind, client, login, employer_a, national_staff, picture, django_assert_num_queries
):
    with_two = _measure(kind, client, login, employer_a, national_staff, picture["ids"])
    picture["grow"]()
    with_six = _measure(kind, client, login, employer_a, national_staff, picture["ids"])
    assert with_six == with_two, "a page's queries grow with its rows"
    assert with_six == PINNED[kind], f"measured: {with_six}"
    if kind in MAIN:
        with django_assert_num_queries(PINNED[kind][MAIN[kind]]):
            assert client.get(PAGES[kind][MAIN[kind]]).status_code == 200
