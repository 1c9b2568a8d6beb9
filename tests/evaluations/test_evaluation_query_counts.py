"""The 360 evaluation's list pages send a fixed number of queries, whatever the number of invitations,
responses or employers: each is read with a little data, then with more, and both counts must equal the
pin here. (The figures count the request's own queries, the tenant settings and session included.)"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asye.accounts.models import Role
from tests.evaluations.helpers import answers, close, open_cycle, respondents, self_assess
from tests.factories import EmployerFactory, person

pytestmark = pytest.mark.django_db

# Each 2 fewer since the session is read without a savepoint of its own (#14, asye.accounts.sessions).
PINNED = {"overview": 10, "cycle": 15, "report": 28, "composite": 27}


def _count(client, url: str) -> int:
    client.get(url)  # warm: the first request of a session reads what later ones find cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_employer_pages(login, employer_a):
    cycle = open_cycle(employer_a)
    self_assess(employer_a, cycle, answers("4"))
    respondents(employer_a, cycle, "nqsw", [answers("3")] * 3)
    client = login(employer_a.coordinator, employer_a.employer)
    small = {
        name: _count(client, reverse(f"evaluations:{name}", **kw))
        for name, kw in (("overview", {}), ("cycle", {"args": [cycle.pk]}))
    }
    respondents(employer_a, cycle, "assessor", [answers("4")] * 5, prefix="more")
    respondents(employer_a, cycle, "other", [answers("2")] * 4, prefix="more")
    large = {
        name: _count(client, reverse(f"evaluations:{name}", **kw))
        for name, kw in (("overview", {}), ("cycle", {"args": [cycle.pk]}))
    }
    assert small == large == {name: PINNED[name] for name in small}
    close(employer_a, cycle)
    assert _count(client, reverse("evaluations:report", args=[cycle.pk])) == PINNED["report"]


def _employer_with_data(index: int):
    from tests.conftest import Tenant

    employer = EmployerFactory(name=f"Counted {index} Council")
    tenant = Tenant(
        employer=employer,
        coordinator=person(role=Role.COORDINATOR, employer=employer, email=f"lead{index}@counted.example"),
        assessor=None,
        line_manager=None,
        nqsw=None,
    )
    cycle = open_cycle(tenant)
    self_assess(tenant, cycle, answers("4"))
    respondents(tenant, cycle, "nqsw", [answers("3")] * 3)


def test_the_national_composite(login, national_staff):
    client = login(national_staff)
    url = reverse("national_evaluations:composite")
    _employer_with_data(0)
    small = _count(client, url)
    for index in range(1, 5):
        _employer_with_data(index)
    assert small == _count(client, url) == PINNED["composite"]
