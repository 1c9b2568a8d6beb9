"""Another employer's registration is as missing as one that does not exist: 404 on every page that
addresses a registration, for GET and POST, and nothing changes.

The POSTs carry data that would be valid for the employer's own registration, so a missing scope would
show up as a change, not hide behind a form error.
"""

from __future__ import annotations

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from asye.tenancy.db import tenant_context
from programmes.models import Deferral, Registration
from programmes.services import registration_create
from tests.programmes.conftest import STARTED, actor_for, facts, registration_day

pytestmark = pytest.mark.django_db


def make_registration(employer_b, unscoped):
    """Employer B's registration (the make function for tests/test_isolation.py's OBJECT_ROUTES)."""
    actor = actor_for(employer_b.coordinator, employer_b.employer)
    with tenant_context(employer_b.employer.pk):
        given = facts(swe_number="SW700001")
        return registration_create(actor=actor, facts=given, today=registration_day(given))


def dates_of(day: datetime.date) -> dict[str, str]:
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def valid_post(name: str, registration, tenant) -> dict:
    # After the start and before today (1 October 2026 when written).
    on = STARTED + datetime.timedelta(days=24)
    day = {"day": str(on.day), "month": str(on.month), "year": str(on.year)}
    dates = lambda prefix: {f"{prefix}_{part}": value for part, value in day.items()}  # noqa: E731
    return {
        "change": {"email": "changed@example.org", "contracted_hours": "20"},
        "correct": {
            "first_name": "Changed",
            "last_name": "Name",
            "swe_number": registration.swe_number,
            **{f"qualification_date_{k}": v for k, v in dates_of(registration.qualification_date).items()},
            **{f"start_date_{k}": v for k, v in dates_of(registration.start_date).items()},
            "reason": "Spelling",
        },
        "correct_check": {},
        "defer": {**dates("started_on"), "reason": "Illness"},
        "resume": dates("ended_on"),
        "extend": {"days": "30", "reason": "Sick leave"},
        "withdraw": {**dates("on"), "reason": "Left", "confirm": "yes"},
        "transfer": {"to_employer": tenant.employer.pk, **dates("on"), "confirm": "yes"},
        "assessor": {"person": tenant.assessor.pk},
        "line_manager": {"person": tenant.line_manager.pk},
        "detail": {"confirm": "yes"},
    }[name] | {"version": registration.version}


ROUTES = [
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
]


def snapshot(registration, unscoped):
    with unscoped():
        rows = list(Registration.objects.filter(swe_number=registration.swe_number).order_by("pk"))
        deferrals = Deferral.objects.filter(registration__swe_number=registration.swe_number).count()
        return [model_to_dict(row) for row in rows], deferrals


@pytest.mark.parametrize("name", ROUTES)
def test_another_employers_registration_is_404_and_unchanged(
    name, client, login, employer_a, employer_b, unscoped
):
    registration = make_registration(employer_b, unscoped)
    before = snapshot(registration, unscoped)
    login(employer_a.coordinator)
    url = reverse(f"programmes:{name}", args=[registration.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    assert client.post(url, valid_post(name, registration, employer_a)).status_code == 404
    assert snapshot(registration, unscoped) == before
    # The same answer for an id that does not exist at all.
    missing = reverse(f"programmes:{name}", args=[10**9])
    assert client.get(missing).status_code == 404
    assert client.post(missing, {"confirm": "yes"}).status_code == 404


def test_the_same_posts_do_change_the_employers_own_registration(client, login, employer_b, unscoped):
    """The control for the test above: the data it posts is enough to make each change."""
    registration = make_registration(employer_b, unscoped)
    login(employer_b.coordinator)
    for name in ("change", "correct", "correct_check", "extend", "assessor", "line_manager", "defer"):
        current = Registration.objects
        with unscoped():
            registration = current.get(pk=registration.pk)
        response = client.post(
            reverse(f"programmes:{name}", args=[registration.pk]), valid_post(name, registration, employer_b)
        )
        assert response.status_code == 302, (name, response.content.decode()[:2000])
    with unscoped():
        after = Registration.objects.get(pk=registration.pk)
    assert after.first_name == "Changed" and after.email == "changed@example.org"
    assert after.extension_days == 30 and after.status == "deferred"
    assert after.assessor_id == employer_b.assessor.pk and after.line_manager_id == employer_b.line_manager.pk


@pytest.mark.parametrize("role", ["assessor", "line_manager"])
def test_another_employers_registration_is_404_for_every_reader(
    role, client, login, employer_a, employer_b, unscoped
):
    registration = make_registration(employer_b, unscoped)
    login(getattr(employer_a, role))
    assert client.get(reverse("programmes:detail", args=[registration.pk])).status_code == 404


def test_lists_never_show_another_employers_registrations(client, login, employer_a, employer_b, unscoped):
    make_registration(employer_b, unscoped)
    for user in (employer_a.coordinator, employer_a.assessor, employer_a.line_manager):
        login(user)
        html = client.get(reverse("programmes:list")).content.decode()
        assert "SW700001" not in html and employer_b.employer.name not in html


def test_posting_to_the_own_registration_page_is_not_allowed(client, login, employer_b, unscoped):
    registration = make_registration(employer_b, unscoped)
    login(employer_b.coordinator)
    assert client.post(reverse("programmes:detail", args=[registration.pk])).status_code == 405


def test_another_employers_confirmation_is_never_shown(client, login, employer_a, employer_b, unscoped):
    """A created id in the session from another employer (a co-ordinator of both) is still scoped."""
    registration = make_registration(employer_b, unscoped)
    login(employer_a.coordinator)
    session = client.session
    session[f"programmes.register_nqsw.created.{employer_a.employer.pk}"] = registration.pk
    session.save()
    assert client.get(reverse("programmes:register_confirmation")).status_code == 404
