"""National staff read across employers only through the audited national scope."""

import pytest
from django.http import HttpResponse, HttpResponseServerError
from django.test import RequestFactory

from asye.audit.models import AuditEvent
from asye.tenancy.middleware import TenantMiddleware
from asye.tenancy.models import Employer

pytestmark = pytest.mark.django_db


def test_national_reads_are_recorded(client, login, national_staff, employer_a, employer_b, unscoped):
    login(national_staff)
    response = client.get("/national/employers/")
    assert employer_a.employer.name in response.content.decode()
    with unscoped():
        reads = AuditEvent.objects.filter(action="national.read", actor_user=national_staff)
        assert reads.count() == 1
        assert reads.get().changes["purpose"] == "GET /national/employers/"


def test_national_scope_ends_with_the_view(client, login, national_staff, employer_a):
    """After a national page, the connection is back to no employer: nothing is visible."""
    login(national_staff)
    client.get("/national/employers/")
    from asye.accounts.models import Membership

    assert Membership.objects.exclude(user=national_staff).count() == 0


def test_national_staff_see_the_overview_tables(client, login, national_staff, employer_a, employer_b):
    login(national_staff)
    html = client.get("/national/").content.decode()
    assert "Local authority" in html and "Fostering" in html and "London" in html


def test_admin_is_for_national_staff_only(client, login, national_staff, employer_a, unscoped):
    login(national_staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/tenancy/employer/").status_code == 200
    client.logout()
    employer_a.coordinator.is_staff = True
    employer_a.coordinator.save()
    login(employer_a.coordinator)
    assert client.get("/admin/").status_code == 302  # to the admin's sign-in: no permission


def test_a_failed_request_keeps_nothing_it_wrote(employer_a, unscoped):
    def view_that_fails(request):
        Employer.objects.create(name="Half-made Council", employer_type="other", region="london")
        return HttpResponseServerError("boom")

    request = RequestFactory().get("/")
    request.user = employer_a.assessor
    request.session = {}
    TenantMiddleware(view_that_fails)(request)
    assert not Employer.objects.filter(name="Half-made Council").exists()

    def view_that_succeeds(request):
        Employer.objects.create(name="Whole Council", employer_type="other", region="london")
        return HttpResponse("ok")

    TenantMiddleware(view_that_succeeds)(request)
    assert Employer.objects.filter(name="Whole Council").exists()


def test_employer_changes_in_the_admin_are_in_the_employers_audit_trail(
    client, login, national_staff, employer_a, unscoped
):
    login(national_staff)
    employer = employer_a.employer
    response = client.post(
        f"/admin/tenancy/employer/{employer.pk}/change/",
        {
            "name": employer.name,
            "employer_type": employer.employer_type,
            "region": "london",
            "serves_child_and_family": "on",
            "serves_adults": "on",
            "primary_contact_name": employer.primary_contact_name,
            "primary_contact_email": employer.primary_contact_email,
            "primary_contact_phone": "",
            "legacy_ref": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with unscoped():
        event = AuditEvent.objects.get(action="employer.changed_in_admin")
    assert event.employer_id == employer.pk and event.changes["region"][1] == "london"
