"""The review pages (included at /reviews/, namespace ``reviews``): what to act on, every review (searched,
paged and downloaded), a registration's reviews, one review and its signatures and amendments, support
plans, the final recommendation, the internal moderation panel and the completion certificate."""

from django.urls import path

from asye.web.routes import record_actions, record_routes, spreadsheet_downloads
from reviews.views import lists, panels, recommendations, reviews, signatures, support_plans

urlpatterns = [
    path("", reviews.review_home, name="list"),
    path("all/", lists.review_list_page, name="all"),
    *spreadsheet_downloads("all", lists.review_list_download, "all"),
    path("registrations/<int:pk>/", reviews.registration_reviews, name="registration"),
    path("registrations/<int:pk>/optional-review/", reviews.review_add_optional, name="add_optional"),
    path(
        "registrations/<int:pk>/recommendation/",
        recommendations.recommendation_new,
        name="recommendation_new",
    ),
    path("registrations/<int:pk>/certificate.pdf", recommendations.certificate, name="certificate"),
    path("<int:pk>/", reviews.review_detail, name="review"),
    path("<int:pk>/report/", reviews.review_edit, name="review_edit"),
    path("<int:pk>/practice-examples/new/", reviews.example_add, name="example_add"),
    path("practice-examples/<int:pk>/remove/", reviews.example_remove, name="example_remove"),
    path("<int:pk>/sign/", signatures.review_sign, name="review_sign"),
    path("<int:pk>/comments/", signatures.review_comment, name="review_comment"),
    path("<int:pk>/amend/", signatures.review_amend, name="review_amend"),
    *record_routes(
        "support-plans",
        "support_plan",
        support_plans.support_plan_detail,
        change=support_plans.support_plan_change,
        close=support_plans.support_plan_close,
    ),
    path("support-plans/<int:pk>/actions/new/", support_plans.support_action_add, name="support_action_add"),
    *record_actions("support-plans/actions", "support_action", done=support_plans.support_action_done),
    *record_routes(
        "recommendations",
        "recommendation",
        recommendations.recommendation_detail,
        change=recommendations.recommendation_change,
        submit=recommendations.recommendation_submit,
    ),
    path("panels/", panels.panel_list, name="panels"),
    path("panels/new/", panels.panel_new, name="panel_new"),
    *record_routes(
        "panels", "panel", panels.panel_detail, change=panels.panel_change, close=panels.panel_close
    ),
    path("panels/<int:pk>/members/new/", panels.panel_member_add, name="panel_member_add"),
    *record_actions("panels/members", "panel_member", remove=panels.panel_member_remove),
    path("panels/<int:pk>/decision/", panels.panel_decide, name="panel_decide"),
]
