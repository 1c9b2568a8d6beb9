import pytest
from django.urls import reverse

from asye.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_coordinator_changes_the_primary_contact_and_it_is_audited(client, login, employer_a, unscoped):
    login(employer_a.coordinator)
    response = client.post(
        reverse("web:employer_edit"),
        {
            "serves_child_and_family": "on",
            "primary_contact_name": "Sam Lead",
            "primary_contact_email": "sam.lead@a.example",
            "primary_contact_phone": "0161 496 0000",
        },
    )
    assert response.status_code == 302
    with unscoped():
        employer_a.employer.refresh_from_db()
        event = AuditEvent.objects.get(action="employer.updated")
    assert employer_a.employer.primary_contact_name == "Sam Lead"
    assert employer_a.employer.serves_adults is False
    assert event.changes["primary_contact_name"][1] == "Sam Lead"
    assert event.actor_user == employer_a.coordinator
    # The co-ordinator sees it in their audit trail, in words (#18 item 7).
    trail = client.get(reverse("audit:list")).content.decode()
    assert "changed the employer&#x27;s details" in trail and "Sam Lead" in trail


def test_bad_input_shows_errors_and_changes_nothing(client, login, employer_a, unscoped):
    login(employer_a.coordinator)
    response = client.post(reverse("web:employer_edit"), {"primary_contact_email": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Select at least one service area" in html
    assert html.count("govuk-error-message") >= 3
    with unscoped():
        employer_a.employer.refresh_from_db()
    assert employer_a.employer.primary_contact_name == "Pat Contact"


def test_only_coordinators_change_employer_details(client, login, employer_a):
    login(employer_a.line_manager)
    assert client.get(reverse("web:employer")).status_code == 200
    assert client.get(reverse("web:employer_edit")).status_code == 403


def test_error_pages_are_govuk_pages(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "govuk-template" in response.content.decode()
