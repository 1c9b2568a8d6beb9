"""Evidence pages: the NQSW adds, changes and shares evidence, the assessor responds, others read;
forms show GOV.UK errors; a stale save keeps the person's text; the overview's task list and the
navigation lead to the portfolio."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asye.tenancy.db import tenant_context
from asye.web.dates import date_data
from portfolios.models import Evidence, EvidenceFile
from tests.portfolios import samples
from tests.portfolios.conftest import add_evidence, statement
from tests.today import days_ago

pytestmark = pytest.mark.django_db

S = Evidence.Status
# The practice happened a fortnight after the start eleven weeks ago (written as 24 September 2026).
OCCURRED_ON = days_ago(60)


def evidence_data(portfolio, **overrides) -> dict:
    pcf = statement(portfolio, "pcf", 7)
    pqs = statement(portfolio, "cf-pqs", 1)
    data = {
        "title": "Home visit after a referral",
        **date_data("occurred_on", OCCURRED_ON),
        "description": "I visited the family with my supervisor.",
        "reflection": "I learned to name the worry plainly.",
        f"statements_{pcf.capability_set_id}": [str(pcf.pk)],
        f"statements_{pqs.capability_set_id}": [str(pqs.pk)],
    }
    data.update(overrides)
    return data


def test_the_nqsw_adds_evidence_with_a_file_and_it_is_a_tagged_draft(
    client, login, employer_a, registration_a, portfolio_a
):
    login(employer_a.nqsw)
    page = client.get(reverse("portfolios:evidence_add", args=[registration_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Which PCF domains does it support?" in html and "Which PQS statements does it support?" in html
    assert 'accept=".pdf,.docx,.doc,.png,.jpg,.jpeg,.gif,.txt"' in html
    response = client.post(
        reverse("portfolios:evidence_add", args=[registration_a.pk]),
        {**evidence_data(portfolio_a), "file": samples.upload("visit-notes.txt", b"Notes\n")},
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        evidence = Evidence.objects.get(portfolio=portfolio_a)
        assert evidence.status == S.DRAFT and evidence.occurred_on == OCCURRED_ON
        assert sorted(t.statement.label for t in evidence.tags.all()) == ["PCF 7", "PQS 1"]
        assert EvidenceFile.objects.get(evidence=evidence).original_name == "visit-notes.txt"
    assert response["Location"] == reverse("portfolios:evidence", args=[evidence.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Evidence saved as a draft" in detail and "visit-notes.txt" in detail
    assert "Share with your assessor" in detail


def test_the_add_form_shows_gov_uk_errors(client, login, employer_a, registration_a, portfolio_a):
    login(employer_a.nqsw)
    response = client.post(
        reverse("portfolios:evidence_add", args=[registration_a.pk]),
        {"title": "", "occurred_on_day": "31", "occurred_on_month": "2", "occurred_on_year": "2026"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Add evidence" in html
    assert 'href="#id_title">Enter a title for the evidence' in html
    assert "The date of the practice must be a real date" in html


def test_sharing_with_something_missing_says_what_and_links_to_the_change_page(
    client, login, employer_a, portfolio_a
):
    with tenant_context(employer_a.employer.pk):
        from portfolios.services import evidence_create
        from tests.programmes.conftest import actor_for

        evidence = evidence_create(
            actor=actor_for(employer_a.nqsw, employer_a.employer), portfolio=portfolio_a, title="Bare"
        )
    login(employer_a.nqsw)
    url = reverse("portfolios:evidence_share", args=[evidence.pk])
    html = client.post(url, {"version": evidence.version}).content.decode()
    change = reverse("portfolios:evidence_change", args=[evidence.pk])
    assert f'<a href="{change}">Select at least one capability this evidence supports' in html
    assert "Add your critical reflection before you share this evidence" in html
    with tenant_context(employer_a.employer.pk):
        assert Evidence.objects.get(pk=evidence.pk).status == S.DRAFT


def test_the_nqsw_shares_and_the_assessor_asks_for_more_then_accepts(client, login, employer_a, portfolio_a):
    evidence = add_evidence(employer_a, portfolio_a)
    login(employer_a.nqsw)
    response = client.post(
        reverse("portfolios:evidence_share", args=[evidence.pk]), {"version": evidence.version}
    )
    assert response.status_code == 302
    login(employer_a.assessor)
    detail = client.get(reverse("portfolios:evidence", args=[evidence.pk])).content.decode()
    assert "Respond to this evidence" in detail and "Share with your assessor" not in detail
    respond = reverse("portfolios:evidence_respond", args=[evidence.pk])
    missing_comment = client.post(respond, {"version": 2, "decision": S.MORE_NEEDED, "comment": ""})
    assert 'href="#id_comment">Enter what more the NQSW needs to show' in missing_comment.content.decode()
    assert (
        client.post(respond, {"version": 2, "decision": S.MORE_NEEDED, "comment": "Add the law"}).status_code
        == 302
    )
    login(employer_a.nqsw)
    detail = client.get(reverse("portfolios:evidence", args=[evidence.pk])).content.decode()
    assert "Your assessor has asked for more" in detail and "Add the law" in detail
    change = reverse("portfolios:evidence_change", args=[evidence.pk])
    data = evidence_data(portfolio_a, version=3, description="With the Children Act 1989 duties")
    assert client.post(change, data).status_code == 302
    assert (
        client.post(reverse("portfolios:evidence_share", args=[evidence.pk]), {"version": 4}).status_code
        == 302
    )
    login(employer_a.assessor)
    assert client.post(respond, {"version": 5, "decision": S.ACCEPTED, "comment": ""}).status_code == 302
    with tenant_context(employer_a.employer.pk):
        assert Evidence.objects.get(pk=evidence.pk).status == S.ACCEPTED


def test_a_stale_save_shows_the_conflict_and_keeps_the_persons_text(client, login, employer_a, portfolio_a):
    evidence = add_evidence(employer_a, portfolio_a)
    login(employer_a.nqsw)
    change = reverse("portfolios:evidence_change", args=[evidence.pk])
    assert (
        client.post(change, evidence_data(portfolio_a, version=1, title="Saved in tab one")).status_code
        == 302
    )
    response = client.post(change, evidence_data(portfolio_a, version=1, reflection="Typed in tab two"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "This evidence was changed by someone else, or in another tab" in html
    assert "Typed in tab two" in html
    assert 'name="version" value="2"' in html
    with tenant_context(employer_a.employer.pk):
        assert Evidence.objects.get(pk=evidence.pk).reflection != "Typed in tab two"


@pytest.mark.parametrize("who", ["assessor", "line_manager", "coordinator"])
def test_only_the_nqsw_adds_or_changes_evidence(client, login, employer_a, registration_a, portfolio_a, who):
    evidence = add_evidence(employer_a, portfolio_a, status=S.MORE_NEEDED)
    login(getattr(employer_a, who))
    assert client.get(reverse("portfolios:evidence_add", args=[registration_a.pk])).status_code == 403
    assert client.get(reverse("portfolios:evidence_change", args=[evidence.pk])).status_code == 403
    assert (
        client.post(reverse("portfolios:evidence_share", args=[evidence.pk]), {"version": 1}).status_code
        == 403
    )
    assert client.get(reverse("portfolios:evidence", args=[evidence.pk])).status_code == 200


@pytest.mark.parametrize("who", ["nqsw", "line_manager", "coordinator"])
def test_only_the_assessor_responds(client, login, employer_a, portfolio_a, who):
    evidence = add_evidence(employer_a, portfolio_a, status=S.SHARED)
    login(getattr(employer_a, who))
    url = reverse("portfolios:evidence_respond", args=[evidence.pk])
    assert client.post(url, {"version": evidence.version, "decision": S.ACCEPTED}).status_code == 403


def test_others_read_shared_evidence_but_not_drafts(client, login, employer_a, registration_a, portfolio_a):
    draft = add_evidence(employer_a, portfolio_a, title="My private draft")
    add_evidence(employer_a, portfolio_a, title="Shared visit", status=S.SHARED)
    for user in (employer_a.assessor, employer_a.line_manager, employer_a.coordinator):
        login(user)
        html = client.get(reverse("portfolios:evidence_list", args=[registration_a.pk])).content.decode()
        assert "Shared visit" in html and "My private draft" not in html
        assert client.get(reverse("portfolios:evidence", args=[draft.pk])).status_code == 404
    login(employer_a.nqsw)
    html = client.get(reverse("portfolios:evidence_list", args=[registration_a.pk])).content.decode()
    assert "Shared visit" in html and "My private draft" in html


def test_the_evidence_list_filters_by_status(client, login, employer_a, registration_a, portfolio_a):
    add_evidence(employer_a, portfolio_a, title="Accepted one", status=S.ACCEPTED)
    add_evidence(employer_a, portfolio_a, title="Waiting one", status=S.SHARED)
    login(employer_a.assessor)
    html = client.get(
        reverse("portfolios:evidence_list", args=[registration_a.pk]) + "?status=accepted"
    ).content.decode()
    assert "Accepted one" in html and "Waiting one" not in html


def test_the_overview_is_a_task_list_linking_every_section(
    client, login, employer_a, registration_a, portfolio_a
):
    add_evidence(employer_a, portfolio_a, status=S.SHARED)
    login(employer_a.nqsw)
    html = client.get(reverse("portfolios:overview", args=[registration_a.pk])).content.decode()
    assert 'class="govuk-task-list"' in html
    for name in (
        "agreement",
        "pdp",
        "self_assessments",
        "evidence_list",
        "observations",
        "feedback_requests",
        "coverage",
        "pack",
        "submit",
    ):
        assert f'href="{reverse(f"portfolios:{name}", args=[registration_a.pk])}"' in html, name
    assert "1 waiting for assessor" in html
    assert "0 of 3 completed" in html or "Not yet started" in html
    assert "0 of 19 capabilities are evidenced" in html


def test_the_overview_leaves_out_self_assessments_for_adults(client, login, employer_a):
    from tests.portfolios.conftest import linked_registration

    registration = linked_registration(employer_a, service_area="adults")
    login(employer_a.nqsw)
    html = client.get(reverse("portfolios:overview", args=[registration.pk])).content.decode()
    assert reverse("portfolios:self_assessments", args=[registration.pk]) not in html
    assert "of 20 capabilities are evidenced" in html


def test_only_the_nqsw_and_coordinator_get_the_submit_link(
    client, login, employer_a, registration_a, portfolio_a
):
    add_evidence(employer_a, portfolio_a, status=S.SHARED)
    submit = reverse("portfolios:submit", args=[registration_a.pk])
    for user, linked in (
        (employer_a.nqsw, True),
        (employer_a.coordinator, True),
        (employer_a.assessor, False),
    ):
        login(user)
        html = client.get(reverse("portfolios:overview", args=[registration_a.pk])).content.decode()
        assert (f'href="{submit}"' in html) is linked
    login(employer_a.assessor)
    assert client.get(submit).status_code == 403


def test_submitting_asks_for_confirmation_then_makes_the_portfolio_read_only(
    client, login, employer_a, registration_a, portfolio_a
):
    add_evidence(employer_a, portfolio_a, title="Draft left behind")
    evidence = add_evidence(employer_a, portfolio_a, status=S.MORE_NEEDED)
    login(employer_a.nqsw)
    submit = reverse("portfolios:submit", args=[registration_a.pk])
    page = client.get(submit).content.decode()
    assert "1 draft will not be included" in page
    unconfirmed = client.post(submit, {})
    assert 'href="#id_confirm">Confirm the portfolio is ready for moderation' in unconfirmed.content.decode()
    assert client.post(submit, {"confirm": "on"}).status_code == 302
    overview = client.get(reverse("portfolios:overview", args=[registration_a.pk])).content.decode()
    assert "submitted for moderation on" in overview
    detail = client.get(reverse("portfolios:evidence", args=[evidence.pk])).content.decode()
    assert reverse("portfolios:evidence_change", args=[evidence.pk]) not in detail
    assert "Your assessor has asked for more" not in detail
    response = client.post(
        reverse("portfolios:evidence_change", args=[evidence.pk]),
        evidence_data(portfolio_a, version=evidence.version),
    )
    assert "submitted for moderation: it can no longer be changed" in response.content.decode()


def test_the_nqsw_has_a_portfolio_navigation_entry(client, login, employer_a, registration_a):
    login(employer_a.nqsw)
    # The portfolio is a page of the NQSW's "My programme" section (asye.web.navigation).
    html = client.get(reverse("support:my_programme")).content.decode()
    overview = reverse("portfolios:overview", args=[registration_a.pk])
    assert f'app-sub-navigation__link" href="{overview}"' in html
    login(employer_a.assessor)
    html = client.get(reverse("programmes:list")).content.decode()
    assert 'href="/portfolio/' not in html


def test_shared_evidence_cannot_be_opened_for_change(client, login, employer_a, portfolio_a):
    evidence = add_evidence(employer_a, portfolio_a, status=S.SHARED)
    login(employer_a.nqsw)
    response = client.get(reverse("portfolios:evidence_change", args=[evidence.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolios:evidence", args=[evidence.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "can be changed only while it is a draft" in detail
    response = client.post(
        reverse("portfolios:evidence_change", args=[evidence.pk]),
        evidence_data(portfolio_a, version=evidence.version),
    )
    assert "it can only be changed while it is a draft" in response.content.decode()
