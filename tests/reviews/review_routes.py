"""The review routes that capture an object, for tests/test_isolation.py (through isolation_routes.py):
``make(employer_b, unscoped)`` returns employer B's object, made through the services."""

from __future__ import annotations

from asye.tenancy.db import tenant_context
from reviews.models import ModerationPanel, SupportPlan
from reviews.services.panels import panel_create, panel_member_add
from reviews.services.recommendations import final_recommendation_create, final_recommendation_submit
from reviews.services.support_plans import support_plan_action_add
from tests.isolation_support import ObjectRoute
from tests.programmes.conftest import TODAY
from tests.reviews.review_fixtures import (
    as_,
    make_registration,
    make_year_done,
    scheduled,
    sign_as_assessor,
    write,
)


def registration(employer_b, unscoped):
    """B's registration with B's NQSW, assessor and line manager linked."""
    return make_registration(employer_b, swe_number="SW7100001")


def review(employer_b, unscoped):
    """B's 3-month review (open: it is due in about two weeks), written (with a practice example), not
    signed."""
    return write(employer_b, scheduled(employer_b, registration(employer_b, unscoped), 3))


def practice_example(employer_b, unscoped):
    made = review(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        return made.practice_examples.get()


def support_plan(employer_b, unscoped):
    made = write(
        employer_b, scheduled(employer_b, registration(employer_b, unscoped), 3), outcome="not_on_track"
    )
    sign_as_assessor(employer_b, made)
    with tenant_context(employer_b.employer.pk):
        return SupportPlan.objects.get(review=made)


def support_action(employer_b, unscoped):
    plan = support_plan(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        return support_plan_action_add(
            actor=as_(employer_b, employer_b.coordinator),
            plan=plan,
            action="Reduce caseload",
            owner_id=employer_b.line_manager.pk,
            due_on=TODAY,
            today=TODAY,
        )


def recommendation(employer_b, unscoped):
    """B's submitted recommendation, on a registration whose year is done (the minimum record there)."""
    made = make_year_done(employer_b, swe_number="SW7100002")
    with tenant_context(employer_b.employer.pk):
        assessor = as_(employer_b, employer_b.assessor)
        item = final_recommendation_create(
            actor=assessor, registration=made, recommendation="pass", evidence_summary="B's evidence."
        )
        return final_recommendation_submit(actor=assessor, item=item, version=item.version)


def panel(employer_b, unscoped):
    with tenant_context(employer_b.employer.pk):
        actor = as_(employer_b, employer_b.coordinator)
        made = panel_create(actor=actor, held_on=TODAY, chair="B's chair")
        panel_member_add(actor=actor, panel=made, name="B's member", role="Practice educator")
        return ModerationPanel.objects.get(pk=made.pk)


def panel_member(employer_b, unscoped):
    made = panel(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        return made.members.get()


ROUTES = {
    "reviews:registration": registration,
    "reviews:add_optional": registration,
    "reviews:recommendation_new": registration,
    "reviews:certificate": registration,
    "reviews:review": review,
    "reviews:review_edit": review,
    "reviews:example_add": review,
    "reviews:review_sign": review,
    "reviews:review_comment": review,
    "reviews:review_amend": review,
    "reviews:example_remove": practice_example,
    "reviews:support_plan": support_plan,
    "reviews:support_plan_change": support_plan,
    "reviews:support_action_add": support_plan,
    "reviews:support_plan_close": support_plan,
    "reviews:support_action_done": support_action,
    "reviews:recommendation": recommendation,
    "reviews:recommendation_change": recommendation,
    "reviews:recommendation_submit": recommendation,
    "reviews:panel": panel,
    "reviews:panel_change": panel,
    "reviews:panel_member_add": panel,
    "reviews:panel_decide": panel,
    "reviews:panel_close": panel,
    "reviews:panel_member_remove": panel_member,
    "api:review-detail": review,
    "api:final-outcome-detail": recommendation,
}
REVIEW_OBJECT_ROUTES: dict[str, ObjectRoute] = {name: ObjectRoute(make) for name, make in ROUTES.items()}
REVIEW_EXEMPT: dict[str, str] = {}
