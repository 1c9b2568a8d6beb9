"""The review pages: who sees what (404 for an NQSW the person does not work with, 403 for a role that may
not), the assessor's report, practice examples, signatures and comments, amendments, a stale save that
keeps the person's words, support plans, the final recommendation, the panel and the certificate."""

# ruff: noqa: F811  (fixtures imported from review_fixtures are redefined as test arguments)

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from programmes.models import Registration
from reviews.models import (
    FinalRecommendation,
    ModerationPanel,
    Review,
    ReviewAmendment,
    SupportPlan,
    SupportPlanAction,
)
from reviews.services.panels import panel_create, panel_member_add, panel_update
from reviews.services.recommendations import final_recommendation_create, final_recommendation_submit
from reviews.services.reviews import review_update
from tests.programmes.conftest import TODAY
from tests.reviews.review_fixtures import (  # noqa: F401  (fixtures)
    HELD,
    as_,
    comment,
    fresh,
    lock,
    make_registration,
    other_line_manager,
    registration,
    review,
    scheduled,
    sign_as_assessor,
    write,
    year_done,
)

pytestmark = pytest.mark.django_db

HELD_FIELDS = {"held_on_day": str(HELD.day), "held_on_month": str(HELD.month), "held_on_year": str(HELD.year)}


def report(version, **overrides) -> dict:
    data = {
        **HELD_FIELDS,
        "progress_pcf": "Values and ethics are clear in how she explains her role.",
        "progress_standards": "PQS 1 well evidenced.",
        "outcome": "on_track",
        "version": str(version),
    }
    data.update(overrides)
    return data


def text(response) -> str:
    return response.content.decode()


# --- Who sees what ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "assessor", "line_manager", "nqsw"])
def test_everyone_named_on_the_registration_and_the_coordinator_read_the_review(
    client, login, employer_a, review, who
):
    login(getattr(employer_a, who))
    response = client.get(reverse("reviews:review", args=[review.pk]))
    assert response.status_code == 200
    assert "3-month review" in text(response)


def test_the_line_manager_of_another_nqsw_gets_404(client, login, employer_a, review, other_line_manager):
    login(other_line_manager)
    for name in ("review", "review_comment", "review_amend", "review_edit"):
        assert client.get(reverse(f"reviews:{name}", args=[review.pk])).status_code == 404, name
    assert client.get(reverse("reviews:registration", args=[review.registration_id])).status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "line_manager", "nqsw"])
def test_only_the_assessor_opens_the_report_form(client, login, employer_a, review, who):
    login(getattr(employer_a, who))
    assert client.get(reverse("reviews:review_edit", args=[review.pk])).status_code == 403
    assert client.post(reverse("reviews:review_edit", args=[review.pk]), report(1)).status_code == 403
    assert fresh(employer_a, review).progress_pcf == ""


def test_the_registrations_page_schedules_and_lists_its_review_points(
    client, login, employer_a, registration
):
    login(employer_a.assessor)
    response = client.get(reverse("reviews:registration", args=[registration.pk]))
    assert response.status_code == 200
    body = text(response)
    for label in ("3-month review", "6-month review", "12-month review", "Add the 9-month review"):
        assert label in body
    with tenant_context(employer_a.employer.pk):
        assert Review.objects.filter(registration=registration).count() == 3


def test_each_person_sees_what_they_have_to_do(client, login, employer_a, review):
    write(employer_a, review)
    login(employer_a.assessor)
    # The 3-month review is due within four weeks of today (two weeks or so: the NQSW started 11 weeks ago).
    home = text(client.get(reverse("reviews:list")))
    assert "Reviews to write and sign" in home
    sign_as_assessor(employer_a, review)
    login(employer_a.nqsw)
    assert "Your reviews to comment on and sign" in text(client.get(reverse("reviews:list")))
    login(employer_a.line_manager)
    assert "Reviews to comment on and sign as line manager" in text(client.get(reverse("reviews:list")))


def test_navigation_shows_reviews_panel_and_outcomes_by_role(client, login, employer_a, national_staff):
    # The panel is a page of the Reviews section, shown in its sub-navigation (asye.web.navigation).
    login(employer_a.coordinator)
    body = text(client.get("/reviews/"))
    assert 'href="/reviews/"' in body and 'href="/reviews/panels/"' in body
    login(employer_a.nqsw)
    body = text(client.get("/reviews/"))
    assert 'href="/reviews/"' in body and 'href="/reviews/panels/"' not in body
    login(national_staff)  # Outcomes is a page of the Reports section
    assert 'aria-current="page">Outcomes</a>' in text(client.get("/national/outcomes/"))


# --- The report, examples and signatures --------------------------------------------------------------


def test_the_assessor_writes_adds_an_example_and_signs(client, login, employer_a, review):
    login(employer_a.assessor)
    response = client.post(reverse("reviews:review_edit", args=[review.pk]), report(1))
    assert response.status_code == 302
    review = fresh(employer_a, review)
    assert review.held_on == HELD and review.outcome == "on_track"
    response = client.post(
        reverse("reviews:example_add", args=[review.pk]), {"text": "She listened to the mother first."}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("reviews:review_sign", args=[review.pk]), {"version": fresh(employer_a, review).version}
    )
    assert response.status_code == 302
    assert fresh(employer_a, review).status == Review.Status.AWAITING_COMMENTS
    page = text(client.get(reverse("reviews:review", args=[review.pk])))
    assert "She listened to the mother first." in page and "Amend your part of the review" in page


def test_signing_an_incomplete_review_shows_what_is_missing(client, login, employer_a, review):
    login(employer_a.assessor)
    response = client.post(reverse("reviews:review_sign", args=[review.pk]), {"version": review.version})
    assert response.status_code == 200
    body = text(response)
    assert "There is a problem" in body and "Enter the date the review was held" in body
    assert "Add at least one practice example before you sign" in body


def test_a_practice_example_is_removed_from_a_draft(client, login, employer_a, review):
    write(employer_a, review)
    with tenant_context(employer_a.employer.pk):
        example = review.practice_examples.get()
    login(employer_a.assessor)
    assert client.post(reverse("reviews:example_remove", args=[example.pk])).status_code == 302
    with tenant_context(employer_a.employer.pk):
        assert not review.practice_examples.exists()


def test_the_nqsw_and_line_manager_comment_and_sign_and_the_review_locks(client, login, employer_a, review):
    write(employer_a, review)
    sign_as_assessor(employer_a, review)
    login(employer_a.nqsw)
    url = reverse("reviews:review_comment", args=[review.pk])
    assert "Add your comments and sign" in text(client.get(url))
    client.post(url, {"comments": "I agree.", "version": fresh(employer_a, review).version, "action": "sign"})
    login(employer_a.line_manager)
    response = client.post(
        url,
        {"comments": "A fair picture.", "version": fresh(employer_a, review).version, "action": "sign"},
        follow=True,
    )
    assert "Everyone has signed: it is now locked." in text(response)
    review = fresh(employer_a, review)
    assert review.status == Review.Status.LOCKED
    assert (review.nqsw_comments, review.line_manager_comments) == ("I agree.", "A fair picture.")


def test_the_nqsw_cannot_comment_before_the_assessor_signs(client, login, employer_a, review):
    write(employer_a, review)
    login(employer_a.nqsw)
    response = client.post(
        reverse("reviews:review_comment", args=[review.pk]),
        {"comments": "Early", "version": 3, "action": "sign"},
    )
    assert response.status_code == 302
    assert fresh(employer_a, review).nqsw_signed_at is None


def test_an_amendment_needs_a_reason_and_shows_in_the_history(client, login, employer_a, review):
    review = lock(employer_a, review)
    login(employer_a.nqsw)
    url = reverse("reviews:review_amend", args=[review.pk])
    response = client.post(
        url, {"nqsw_comments": "I agree, and ...", "reason": "", "version": review.version}
    )
    assert response.status_code == 200 and "Enter the reason for the amendment" in text(response)
    response = client.post(
        url,
        {
            "nqsw_comments": "I agree, and want more shadowing.",
            "reason": "Forgot to add",
            "version": review.version,
        },
    )
    assert response.status_code == 302
    page = text(client.get(reverse("reviews:review", args=[review.pk])))
    assert "Forgot to add" in page and "I agree, and want more shadowing." in page and "Agreed." in page
    with tenant_context(employer_a.employer.pk):
        assert ReviewAmendment.objects.filter(review=review, field="nqsw_comments").count() == 1


def test_the_assessors_amendment_form_is_refused_to_the_line_manager_before_they_sign(
    client, login, employer_a, review
):
    write(employer_a, review)
    sign_as_assessor(employer_a, review)
    login(employer_a.line_manager)
    assert client.get(reverse("reviews:review_amend", args=[review.pk])).status_code == 403


# --- Two people saving the same review at once --------------------------------------------------------


def test_a_stale_save_keeps_the_persons_words_and_says_what_happened(client, login, employer_a, review):
    login(employer_a.assessor)
    page = text(client.get(reverse("reviews:review_edit", args=[review.pk])))
    assert 'name="version" value="1"' in page
    # Meanwhile the same review is saved elsewhere (another tab, or the employer's system).
    with tenant_context(employer_a.employer.pk):
        review_update(
            actor=as_(employer_a, employer_a.assessor),
            review=review,
            version=1,
            progress_pcf="Saved elsewhere.",
        )
    mine = "My careful words about her analysis."
    response = client.post(reverse("reviews:review_edit", args=[review.pk]), report(1, progress_pcf=mine))
    assert response.status_code == 409
    body = text(response)
    assert "Someone else saved this review while you were editing it" in body
    assert mine in body and "Saved elsewhere." in body
    assert 'name="version" value="2"' in body
    assert fresh(employer_a, review).progress_pcf == "Saved elsewhere."
    # Saving again, having seen the other version, wins.
    response = client.post(reverse("reviews:review_edit", args=[review.pk]), report(2, progress_pcf=mine))
    assert response.status_code == 302 and fresh(employer_a, review).progress_pcf == mine


def test_a_stale_comment_keeps_the_comment(client, login, employer_a, review):
    write(employer_a, review)
    review = sign_as_assessor(employer_a, review)
    stale = review.version
    comment(employer_a, employer_a.line_manager, review, "Manager first.", sign=False)
    login(employer_a.nqsw)
    response = client.post(
        reverse("reviews:review_comment", args=[review.pk]),
        {"comments": "My own view.", "version": stale, "action": "sign"},
    )
    assert response.status_code == 409
    assert "My own view." in text(response) and "Someone else saved this review" in text(response)
    assert fresh(employer_a, review).nqsw_signed_at is None


# --- Support plans ----------------------------------------------------------------------------------


def test_a_not_on_track_review_shows_its_support_plan_to_the_coordinator(
    client, login, employer_a, review, django_capture_on_commit_callbacks
):
    write(employer_a, review, outcome="not_on_track")
    login(employer_a.assessor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:review_sign", args=[review.pk]), {"version": fresh(employer_a, review).version}
        )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        plan = SupportPlan.objects.get(review=review)
    login(employer_a.coordinator)
    home = text(client.get(reverse("reviews:list")))
    assert "Support plan</strong>" in home and reverse("reviews:support_plan", args=[plan.pk]) in home
    assert "Support plan" in text(client.get(reverse("reviews:support_plan", args=[plan.pk])))


def test_support_plan_pages_change_add_mark_done_and_close(client, login, employer_a, review):
    write(employer_a, review, outcome="not_on_track")
    sign_as_assessor(employer_a, review)
    with tenant_context(employer_a.employer.pk):
        plan = SupportPlan.objects.get(review=review)
    login(employer_a.coordinator)
    due = TODAY + datetime.timedelta(days=30)
    date_fields = {
        "extra_review_due_on_day": due.day,
        "extra_review_due_on_month": due.month,
        "extra_review_due_on_year": due.year,
    }
    response = client.post(
        reverse("reviews:support_plan_change", args=[plan.pk]),
        {"concerns": "PCF 6: analysis.", "version": plan.version, **date_fields},
    )
    assert response.status_code == 302
    action_due = TODAY + datetime.timedelta(days=7)
    response = client.post(
        reverse("reviews:support_action_add", args=[plan.pk]),
        {
            "action": "Reduce caseload",
            "owner": str(employer_a.line_manager.pk),
            "owner_name": "",
            "due_on_day": action_due.day,
            "due_on_month": action_due.month,
            "due_on_year": action_due.year,
        },
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        item = SupportPlanAction.objects.get(plan=plan)
    today = TODAY
    response = client.post(
        reverse("reviews:support_action_done", args=[item.pk]),
        {"done_on_day": today.day, "done_on_month": today.month, "done_on_year": today.year},
    )
    assert response.status_code == 302
    plan = SupportPlan.objects.model.objects.filter(pk=plan.pk)
    with tenant_context(employer_a.employer.pk):
        plan = SupportPlan.objects.get(pk=plan[0].pk)
        assert SupportPlanAction.objects.get(pk=item.pk).done_on == today
    response = client.post(
        reverse("reviews:support_plan_close", args=[plan.pk]),
        {"note": "Back on track.", "version": plan.version},
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        assert SupportPlan.objects.get(pk=plan.pk).status == SupportPlan.Status.CLOSED
    login(employer_a.nqsw)
    assert client.get(reverse("reviews:support_plan", args=[plan.pk])).status_code == 200
    assert client.get(reverse("reviews:support_plan_close", args=[plan.pk])).status_code == 403


# --- The recommendation, the panel and the certificate ------------------------------------------------


def test_the_year_ends_with_the_panel_endorsing_a_pass_and_the_certificate(
    client, login, employer_a, year_done
):
    registration = year_done
    login(employer_a.assessor)
    response = client.post(
        reverse("reviews:recommendation_new", args=[registration.pk]),
        {"recommendation": "pass", "evidence_summary": "The portfolio shows the PCF at ASYE level."},
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        item = FinalRecommendation.objects.get(registration=registration)
    response = client.post(
        reverse("reviews:recommendation_submit", args=[item.pk]), {"version": item.version}
    )
    assert response.status_code == 302

    login(employer_a.coordinator)
    assert "Recommendations waiting for a decision" in text(client.get(reverse("reviews:panels")))
    response = client.post(
        reverse("reviews:panel_new"),
        {
            "held_on_day": str(TODAY.day),
            "held_on_month": str(TODAY.month),
            "held_on_year": str(TODAY.year),
            "chair": "Dr Helen Adeyemi",
            "notes": "",
        },
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        panel = ModerationPanel.objects.get()
    client.post(
        reverse("reviews:panel_member_add", args=[panel.pk]),
        {"name": "Mark Little", "role": "Practice educator"},
    )
    page = text(client.get(reverse("reviews:panel", args=[panel.pk])))
    decide_url = f"{reverse('reviews:panel_decide', args=[panel.pk])}?recommendation={item.pk}"
    assert decide_url.replace("&", "&amp;") in page or decide_url in page
    with tenant_context(employer_a.employer.pk):
        item = FinalRecommendation.objects.get(pk=item.pk)
        panel = ModerationPanel.objects.get(pk=panel.pk)
    response = client.post(
        reverse("reviews:panel_decide", args=[panel.pk]),
        {
            "recommendation": item.pk,
            "panel_version": panel.version,
            "recommendation_version": item.version,
            "decision": "endorse",
            "reasons": "",
        },
        follow=True,
    )
    assert "outcome is recorded as passed" in text(response)
    with tenant_context(employer_a.employer.pk):
        registration = Registration.objects.get(pk=registration.pk)
    assert registration.outcome == "passed" and registration.outcome_date == TODAY
    page = text(client.get(reverse("reviews:registration", args=[registration.pk])))
    assert "Passed" in page and "Download the completion certificate" in page

    certificate_url = reverse("reviews:certificate", args=[registration.pk])
    for user in (employer_a.coordinator, employer_a.assessor, employer_a.nqsw):
        login(user)
        response = client.get(certificate_url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content.startswith(b"%PDF-")
    login(employer_a.line_manager)
    assert client.get(certificate_url).status_code == 403
    with tenant_context(employer_a.employer.pk):
        downloads = AuditEvent.objects.filter(action="certificate.downloaded", object_id=str(registration.pk))
        assert sorted(downloads.values_list("actor_user_id", flat=True)) == sorted(
            [employer_a.coordinator.pk, employer_a.assessor.pk, employer_a.nqsw.pk]
        )


def test_no_certificate_before_an_endorsed_pass(client, login, employer_a, registration):
    login(employer_a.nqsw)
    assert client.get(reverse("reviews:certificate", args=[registration.pk])).status_code == 404


def test_a_stale_panel_decision_is_refused_with_a_message(client, login, employer_a, year_done):
    registration = year_done
    with tenant_context(employer_a.employer.pk):
        assessor = as_(employer_a, employer_a.assessor)
        item = final_recommendation_create(
            actor=assessor, registration=registration, recommendation="pass", evidence_summary="Evidence."
        )
        item = final_recommendation_submit(actor=assessor, item=item, version=item.version)
        coordinator = as_(employer_a, employer_a.coordinator)
        panel = panel_create(actor=coordinator, held_on=TODAY, chair="Chair")
        panel_member_add(actor=coordinator, panel=panel, name="Member", role="Practice educator")
        panel = ModerationPanel.objects.get(pk=panel.pk)
        panel_update(
            actor=coordinator, panel=panel, version=panel.version, held_on=TODAY, chair="New chair", notes=""
        )
    login(employer_a.coordinator)
    response = client.post(
        reverse("reviews:panel_decide", args=[panel.pk]),
        {
            "recommendation": item.pk,
            "panel_version": 1,
            "recommendation_version": item.version,
            "decision": "refer_back",
            "reasons": "My reasons.",
        },
    )
    assert response.status_code == 409
    assert "Someone else changed this panel" in text(response) and "My reasons." in text(response)
    with tenant_context(employer_a.employer.pk):
        assert FinalRecommendation.objects.get(pk=item.pk).status == "submitted"


@pytest.mark.parametrize("who", ["assessor", "line_manager", "nqsw"])
def test_the_panel_pages_are_for_coordinators(client, login, employer_a, who):
    login(getattr(employer_a, who))
    assert client.get(reverse("reviews:panels")).status_code == 403
    assert client.get(reverse("reviews:panel_new")).status_code == 403
