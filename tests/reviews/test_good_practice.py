"""The good-practice register: co-ordinators apply for the NQAP's endorsement; national staff endorse or
not, with a note; the register lists every application and decision for national staff; an employer sees
its own applications and decisions, never another's."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import system_national_context, tenant_context
from reviews.models import GoodPracticeApplication
from reviews.moderation_services.good_practice import good_practice_apply, good_practice_decide
from tests.reviews.test_moderation_support import actor_for, make_moderator

pytestmark = pytest.mark.django_db


def apply(tenant, title="Peer reflection circles", description="Monthly circles led by experienced staff."):
    with tenant_context(tenant.employer.pk):
        return good_practice_apply(
            actor=actor_for(tenant.coordinator, tenant.employer), title=title, description=description
        )


def fresh(application) -> GoodPracticeApplication:
    with system_national_context():
        return GoodPracticeApplication.objects.get(pk=application.pk)


def test_a_coordinator_applies_through_the_page(client, login, employer_a):
    login(employer_a.coordinator)
    url = reverse("reviews:good_practice_apply")
    response = client.post(url, {"title": "", "description": ""})
    assert response.status_code == 400
    assert "Enter a title for the practice" in response.content.decode()
    response = client.post(url, {"title": "Buddy scheme", "description": "Each NQSW has a buddy."})
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        application = GoodPracticeApplication.objects.get()
    assert application.status == GoodPracticeApplication.Status.SUBMITTED
    assert (
        application.employer_id == employer_a.employer.pk
        and application.submitted_by == employer_a.coordinator
    )
    with tenant_context(employer_a.employer.pk):
        assert AuditEvent.objects.filter(action="good_practice.applied").count() == 1


@pytest.mark.parametrize("role", ["assessor", "line_manager", "nqsw"])
def test_only_coordinators_apply(client, login, employer_a, role):
    login(getattr(employer_a, role))
    assert client.get(reverse("reviews:good_practice_apply")).status_code == 403
    assert client.get(reverse("reviews:good_practice_list")).status_code == 403
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        good_practice_apply(
            actor=actor_for(getattr(employer_a, role), employer_a.employer), title="T", description="D"
        )


def test_an_employer_sees_its_own_applications_only(client, login, employer_a, employer_b):
    mine = apply(employer_a, title="Alpha practice")
    theirs = apply(employer_b, title="Beta practice")
    login(employer_a.coordinator)
    html = client.get(reverse("reviews:good_practice_list")).content.decode()
    assert "Alpha practice" in html and "Beta practice" not in html
    assert client.get(reverse("reviews:good_practice", args=[mine.pk])).status_code == 200
    assert client.get(reverse("reviews:good_practice", args=[theirs.pk])).status_code == 404


def test_national_staff_endorse_and_the_employer_sees_it(client, login, employer_a, national_staff):
    application = apply(employer_a)
    login(national_staff)
    url = reverse("moderation:good_practice_decide", args=[application.pk])
    response = client.post(url, {"decision": "endorse", "note": "An example to others.", "version": 1})
    assert response.status_code == 302
    decided = fresh(application)
    assert decided.status == GoodPracticeApplication.Status.ENDORSED and decided.decided_by == national_staff
    client.logout()
    login(employer_a.coordinator)
    html = client.get(reverse("reviews:good_practice", args=[application.pk])).content.decode()
    assert "Endorsed" in html and "An example to others." in html


def test_not_endorsing_needs_a_note(employer_a, national_staff):
    application = apply(employer_a)
    with pytest.raises(ValidationError) as error:
        good_practice_decide(
            actor=actor_for(national_staff), application=application, endorse=False, note=" ", version=1
        )
    assert "note" in error.value.message_dict
    decided = good_practice_decide(
        actor=actor_for(national_staff),
        application=application,
        endorse=False,
        note="Not yet evaluated.",
        version=1,
    )
    assert decided.status == GoodPracticeApplication.Status.NOT_ENDORSED
    with system_national_context():
        event = AuditEvent.objects.get(action="good_practice.not_endorsed")
    assert event.employer_id == employer_a.employer.pk


def test_a_decision_is_final_and_a_stale_one_refused(employer_a, national_staff):
    application = apply(employer_a)
    actor = actor_for(national_staff)
    with pytest.raises(Conflict):
        good_practice_decide(actor=actor, application=application, endorse=True, note="", version=7)
    good_practice_decide(actor=actor, application=application, endorse=True, note="", version=1)
    with pytest.raises(ValidationError):
        good_practice_decide(actor=actor, application=application, endorse=False, note="No", version=2)
    assert fresh(application).status == GoodPracticeApplication.Status.ENDORSED


def test_only_national_staff_decide(employer_a, employer_b):
    application = apply(employer_a)
    for actor in (actor_for(make_moderator()), actor_for(employer_b.coordinator, employer_b.employer)):
        with pytest.raises(PermissionDenied):
            good_practice_decide(actor=actor, application=application, endorse=True, note="", version=1)


def test_the_register_lists_every_employers_applications(
    client, login, employer_a, employer_b, national_staff
):
    first = apply(employer_a, title="Alpha practice")
    apply(employer_b, title="Beta practice")
    good_practice_decide(actor=actor_for(national_staff), application=first, endorse=True, note="", version=1)
    login(national_staff)
    html = client.get(reverse("moderation:good_practice_register")).content.decode()
    assert "Alpha practice" in html and "Beta practice" in html
    assert employer_a.employer.name in html and employer_b.employer.name in html
    html = client.get(reverse("moderation:good_practice_register"), {"status": "endorsed"}).content.decode()
    assert "Alpha practice" in html and "Beta practice" not in html
    # A decided application shows its decision, with no form.
    html = client.get(reverse("moderation:good_practice_decide", args=[first.pk])).content.decode()
    assert "Record the decision" not in html


def test_employers_cannot_open_the_register(client, login, employer_a):
    application = apply(employer_a)
    login(employer_a.coordinator)
    assert client.get(reverse("moderation:good_practice_register")).status_code == 403
    assert client.get(reverse("moderation:good_practice_decide", args=[application.pk])).status_code == 403
