"""The co-ordinator's funding pages: what is claimable, claimed, approved and paid (and why a claim was
rejected), submitting one claim or several, the grant application with its action plan, statements and
their downloads. Only co-ordinators see them."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from asye.web.dates import date_data
from funding.models import ActionPlanItem, Claim, ClaimStatus, GrantApplication
from funding.services import claim_reject
from tests.funding.conftest import register
from tests.funding.helpers import approve, claim_of, paid_statement, submitted
from tests.programmes.conftest import TODAY
from tests.today import days_ahead

pytestmark = pytest.mark.django_db

# An action due in ten weeks (written as 31 January 2027).
DUE = days_ahead(69)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def coordinator(login, employer_a):
    return login(employer_a.coordinator)


@pytest.fixture
def three(employer_a, national):
    """Three of A's registrations approved for funding: three claimable registration instalments."""
    return [
        approve(national, register(employer_a, first_name=name, swe_number=f"SW55500{i}"))
        for i, name in enumerate(("Ada", "Ben", "Cara"), start=1)
    ]


def test_overview_shows_claims_by_state_with_amounts(coordinator, three):
    html = text(coordinator.get(reverse("funding:overview")))
    assert "Claimable" in html and "£3,000" in html
    assert "Claim funding" in html


def test_claim_list_filters_by_state_and_shows_the_reason_a_claim_was_rejected(
    coordinator, employer_a, national, three
):
    claim = submitted(employer_a, claim_of(three[0]))
    claim_reject(actor=national, claim_id=claim.pk, reason="Funded twice: see the 2025-26 grant.")
    html = text(coordinator.get(reverse("funding:claims") + "?status=rejected"))
    assert "Ada Okafor" in html and "Funded twice: see the 2025-26 grant." in html
    assert "Ben Okafor" not in html
    detail = text(coordinator.get(reverse("funding:claim", args=[claim.pk])))
    assert "Why it was rejected" in detail and "Funded twice" in detail


def test_submitting_one_claim_needs_the_declaration_and_then_submits_it_once(coordinator, three):
    claim = claim_of(three[0])
    url = reverse("funding:claim", args=[claim.pk])
    response = coordinator.post(url, {"version": claim.version})
    assert response.status_code == 200 and "Confirm that the instalment is due" in text(response)
    response = coordinator.post(url, {"version": claim.version, "confirm": "on"})
    assert response.status_code == 302
    assert claim_of(three[0]).status == ClaimStatus.SUBMITTED
    # Pressing submit again (the same page, posted twice) changes nothing and makes no second claim.
    again = coordinator.post(url, {"version": claim.version, "confirm": "on"})
    assert again.status_code == 405
    with tenant_context(claim.employer_id):
        assert Claim.objects.filter(registration=three[0]).count() == 1
        assert AuditEvent.objects.filter(action="claim.submitted", object_id=str(claim.pk)).count() == 1


def test_a_stale_version_is_refused_with_409_and_a_message(coordinator, employer_a, three):
    claim = claim_of(three[0])
    with tenant_context(employer_a.employer.pk):
        Claim.objects.filter(pk=claim.pk).update(version=claim.version + 1)
    response = coordinator.post(
        reverse("funding:claim", args=[claim.pk]), {"version": claim.version, "confirm": "on"}
    )
    assert response.status_code == 409
    assert "changed by someone else" in text(response)
    assert claim_of(three[0]).status == ClaimStatus.DRAFT


def test_submitting_several_claims_chooses_confirms_and_submits_them(coordinator, three):
    ids = [str(claim_of(r).pk) for r in three[:2]]
    response = coordinator.post(reverse("funding:claims_submit"), {"claims": ids})
    html = text(response)
    assert "Check the claims before you submit them" in html and "£2,000" in html
    response = coordinator.post(reverse("funding:claims_submit"), {"claims": ids, "step": "confirm"})
    assert "Confirm that the instalments are due" in text(response)
    response = coordinator.post(
        reverse("funding:claims_submit"), {"claims": ids, "step": "confirm", "confirm": "on"}, follow=True
    )
    assert "2 claims submitted for £2,000" in text(response)
    assert [claim_of(r).status for r in three] == [
        ClaimStatus.SUBMITTED,
        ClaimStatus.SUBMITTED,
        ClaimStatus.DRAFT,
    ]


def test_submitting_none_shows_an_error_on_the_list(coordinator, three):
    response = coordinator.post(reverse("funding:claims_submit"), {})
    html = text(response)
    assert "<title>Error: Claims" in html and "Select the claims to submit" in html
    assert 'id="id_claims"' in html


def test_another_employers_claim_cannot_be_slipped_into_a_submission(
    coordinator, employer_b, national, three
):
    registration = approve(national, register(employer_b))
    theirs = claim_of(registration)
    response = coordinator.post(
        reverse("funding:claims_submit"), {"claims": [str(theirs.pk)], "step": "confirm", "confirm": "on"}
    )
    assert "Select the claims to submit from the list" in text(response)
    assert claim_of(registration).status == ClaimStatus.DRAFT


@pytest.mark.parametrize("who", ["assessor", "line_manager", "nqsw"])
def test_only_coordinators_see_funding(login, employer_a, who, three):
    client = login(getattr(employer_a, who))
    assert client.get(reverse("funding:overview")).status_code == 403
    assert client.get(reverse("funding:claims")).status_code == 403
    assert client.get(reverse("funding:claim", args=[claim_of(three[0]).pk])).status_code == 403


def test_navigation_has_funding_for_coordinators_only(login, employer_a):
    assert 'href="/funding/"' in text(login(employer_a.coordinator).get("/"))
    assert 'href="/funding/"' not in text(login(employer_a.assessor).get("/"))


# --- The grant application through the pages -------------------------------------------------------


def test_grant_application_journey_task_list_action_plan_and_submit(coordinator, employer_a):
    response = coordinator.get(reverse("funding:application_start"))
    assert "Which funding year is the application for?" in text(response)
    year = re.search(r'name="funding_year" type="radio" value="(\d+)"', response.content.decode()).group(1)
    response = coordinator.post(reverse("funding:application_start"), {"funding_year": year})
    with tenant_context(employer_a.employer.pk):
        application = GrantApplication.objects.get()
    assert response.url == reverse("funding:application", args=[application.pk])
    task_list = text(coordinator.get(response.url))
    assert "Application incomplete" in task_list and "Action plan for continuous improvement" in task_list

    # Submitting too early lists what is missing, each linked to its page, and offers no button.
    check = text(coordinator.get(reverse("funding:application_submit", args=[application.pk])))
    assert "You cannot submit the application yet" in check
    assert "Add at least one action to the action plan" in check
    assert "Submit the application" not in check

    def version():
        with tenant_context(employer_a.employer.pk):
            return GrantApplication.objects.get().version

    coordinator.post(
        reverse("funding:application_director", args=[application.pk]),
        {
            "director_name": "Alex Morgan",
            "director_job_title": "Director of Children's Services",
            "director_email": "alex@example.org",
            "version": version(),
        },
    )
    coordinator.post(
        reverse("funding:application_declarations", args=[application.pk]),
        {
            "declarations": [
                "declares_programme_standards",
                "declares_funding_use",
                "declares_information_accurate",
                "declares_director_approval",
            ],
            "version": version(),
        },
    )
    # An action with no answers shows the GOV.UK errors; then a complete one is added.
    response = coordinator.post(reverse("funding:action_add", args=[application.pk]), {"version": version()})
    html = text(response)
    assert "Enter the action" in html and "Enter the date the action is due" in html
    response = coordinator.post(
        reverse("funding:action_add", args=[application.pk]),
        {
            "action": "Invite NQSWs to the forums from day one",
            "owner": "ASYE co-ordinator",
            # In three and a half weeks (written as 18 December 2026).
            **date_data("due_on", days_ahead(25)),
            "progress": "not_started",
            "version": version(),
        },
    )
    assert response.status_code == 302
    actions = text(coordinator.get(reverse("funding:application_actions", args=[application.pk])))
    assert "Invite NQSWs to the forums from day one" in actions and "Add another action" in actions

    check = text(coordinator.get(reverse("funding:application_submit", args=[application.pk])))
    assert "Check your answers before you submit your application" in check and "Alex Morgan" in check
    response = coordinator.post(
        reverse("funding:application_submit", args=[application.pk]), {"version": version()}, follow=True
    )
    assert "has been submitted" in text(response)
    with tenant_context(employer_a.employer.pk):
        assert GrantApplication.objects.get().status == GrantApplication.Status.SUBMITTED
    # Submitted: the pages show it but no longer change it.
    page = text(coordinator.get(reverse("funding:application_director", args=[application.pk])))
    assert "Save and continue" not in page and "It cannot be changed meanwhile" in page


def test_action_change_and_remove_pages(coordinator, employer_a):
    from funding.application_services import action_add, application_years, grant_application_start
    from tests.programmes.conftest import actor_for

    actor = actor_for(employer_a.coordinator, employer_a.employer)
    with tenant_context(employer_a.employer.pk):
        application = grant_application_start(actor=actor, funding_year_id=application_years()[0].pk)
        item = action_add(
            actor=actor,
            application=application,
            action="Train assessors",
            owner="PSW",
            due_on=DUE,
        )
    page = text(coordinator.get(reverse("funding:action_change", args=[item.pk])))
    assert "Change the action" in page and "Train assessors" in page
    response = coordinator.post(
        reverse("funding:action_change", args=[item.pk]),
        {
            "action": "Train four assessors",
            "owner": "PSW",
            **date_data("due_on", DUE),
            "progress": "in_progress",
            "progress_note": "Two booked",
            "version": item.version,
        },
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        item.refresh_from_db()
    assert (item.action, item.progress) == ("Train four assessors", "in_progress")
    assert "Are you sure you want to remove this action?" in text(
        coordinator.get(reverse("funding:action_remove", args=[item.pk]))
    )
    coordinator.post(reverse("funding:action_remove", args=[item.pk]), {"version": item.version})
    with tenant_context(employer_a.employer.pk):
        assert not ActionPlanItem.objects.exists()


# --- Statements ------------------------------------------------------------------------------------


def test_statement_pages_and_downloads(coordinator, employer_a, national, three):
    statement = paid_statement(employer_a, national, three[:2])
    listing = text(coordinator.get(reverse("funding:statements")))
    assert f"{TODAY:%B %Y}" in listing and "£2,000" in listing  # this month's statement
    detail = text(coordinator.get(reverse("funding:statement", args=[statement.pk])))
    assert "Ada Okafor" in detail and "Ben Okafor" in detail and "Cara Okafor" not in detail
    xlsx = coordinator.get(reverse("funding:statement_xlsx", args=[statement.pk]))
    assert xlsx["Content-Disposition"] == f'attachment; filename="{statement.reference}.xlsx"'
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [row[7].value for row in sheet.iter_rows() if row[0].value == "Total to pay"] == [2000]
    csv = coordinator.get(reverse("funding:statement_csv", args=[statement.pk]))
    assert csv.streaming and csv["Content-Type"].startswith("text/csv")
    assert "Total to pay,,,,,,,2000.00," in b"".join(csv.streaming_content).decode()


def test_draft_statements_are_not_shown_to_the_employer(coordinator, employer_a, national, three):
    statement = paid_statement(employer_a, national, three[:1], paid=False)
    from funding.statement_services import statement_build

    submitted(employer_a, claim_of(three[1]))
    from funding.services import claim_approve

    claim_approve(actor=national, claim_id=claim_of(three[1]).pk)
    next_month = (TODAY.replace(day=1) + datetime.timedelta(days=31)).replace(day=1)
    draft = statement_build(actor=national, employer_id=employer_a.employer.pk, month=next_month)
    assert coordinator.get(reverse("funding:statement", args=[statement.pk])).status_code == 200
    assert coordinator.get(reverse("funding:statement", args=[draft.pk])).status_code == 404
    assert coordinator.get(reverse("funding:statement_xlsx", args=[draft.pk])).status_code == 404
    # Its claim says it is on a statement being prepared, without a link to the draft.
    page = text(coordinator.get(reverse("funding:claim", args=[claim_of(three[1]).pk])))
    assert "On a payment statement" in page and reverse("funding:statement", args=[draft.pk]) not in page


def test_lists_show_nothing_of_another_employer(coordinator, employer_a, employer_b, national, three):
    from funding.application_services import application_years, grant_application_start
    from tests.programmes.conftest import actor_for

    theirs = approve(
        national, register(employer_b, first_name="Zed", last_name="Secret", swe_number="SW999111")
    )
    paid_statement(employer_b, national, [theirs])
    with tenant_context(employer_b.employer.pk):
        grant_application_start(
            actor=actor_for(employer_b.coordinator, employer_b.employer),
            funding_year_id=application_years()[0].pk,
        )
    for url in ("/funding/", "/funding/claims/", "/funding/statements/", "/funding/grant-applications/",
                "/api/v1/claims/", "/api/v1/statements/"):  # fmt: skip
        body = coordinator.get(url).content.decode()
        for leaked in ("Zed", "SW999111", employer_b.employer.name):
            assert leaked not in body, (url, leaked)


def test_a_claim_id_that_is_no_number_is_refused_not_a_500(coordinator, three):
    """Before: "²" passed ``str.isdigit`` and then failed ``int()``: a 500 on the confirmation step."""
    ids = [str(claim_of(three[0]).pk), "²"]
    response = coordinator.post(reverse("funding:claims_submit"), {"claims": ids, "step": "confirm"})
    assert response.status_code in (200, 400)
    assert claim_of(three[0]).status == ClaimStatus.DRAFT
