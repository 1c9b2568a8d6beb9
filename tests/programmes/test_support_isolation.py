"""The support routes that capture an object id, checked as tests/test_isolation.py checks every route:
employer A's co-ordinator gets 404 for employer B's object (GET and POST), the same as for an id that
does not exist, and B's object does not change. ``make_registration`` and ``make_support_need`` are the
``make`` functions for the central OBJECT_ROUTES table."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from asye.tenancy.db import tenant_context
from programmes.models import Registration
from programmes.services import registration_create
from programmes.support_need_services import support_need_create
from tests.programmes.conftest import TODAY, actor_for, facts, registration_day

pytestmark = pytest.mark.django_db


def make_registration(employer_b, unscoped):
    """One of employer B's registrations, with B's NQSW, assessor and line manager linked."""
    with tenant_context(employer_b.employer.pk):
        given = facts(swe_number="SW7000001", email=employer_b.nqsw.email)
        registration = registration_create(
            actor=actor_for(employer_b.coordinator, employer_b.employer),
            facts=given,
            today=registration_day(given),
        )
        Registration.objects.filter(pk=registration.pk).update(
            nqsw=employer_b.nqsw, assessor=employer_b.assessor, line_manager=employer_b.line_manager
        )
        registration.refresh_from_db()
    return registration


def make_support_need(employer_b, unscoped):
    """A support need recorded by employer B's NQSW, with an unshared detail."""
    registration = make_registration(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        return support_need_create(
            actor=actor_for(employer_b.nqsw, employer_b.employer),
            registration=registration,
            kind="reasonable_adjustments",
            requested_on=TODAY,
            detail="B's private detail",
            today=TODAY,
        )


ROUTES = {
    "support:registration": make_registration,
    "support:supervision_record": make_registration,
    "support:protected_time_log": make_registration,
    "support:caseload_record": make_registration,
    "support:need": make_support_need,
    "support:need_change": make_support_need,
}


def snapshot(model, pk, unscoped):
    with unscoped():
        obj = model.objects.filter(pk=pk).first()
        return model_to_dict(obj) if obj else None


@pytest.mark.parametrize("url_name", sorted(ROUTES))
def test_support_route_gives_404_for_another_employers_object(
    url_name, client, login, employer_a, employer_b, unscoped
):
    obj = ROUTES[url_name](employer_b, unscoped)
    before = snapshot(type(obj), obj.pk, unscoped)
    login(employer_a.coordinator)
    url = reverse(url_name, kwargs={"pk": obj.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    assert snapshot(type(obj), obj.pk, unscoped) == before
    assert client.get(reverse(url_name, kwargs={"pk": 10**9})).status_code == 404
