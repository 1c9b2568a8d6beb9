"""The review pages (included at /reviews/, namespace ``reviews``): what to act on, every review (searched,
paged and downloaded), a registration's reviews, one review and its signatures and amendments, support
plans, the final recommendation, the internal moderation panel and the completion certificate."""

from django.urls import path

from reviews.views import lists, panels, recommendations, reviews, signatures, support_plans

urlpatterns = [
    path("", reviews.review_home, name="list"),
    path("all/", lists.review_list_page, name="all"),
    path("all.csv", lists.review_list_download, {"kind": "csv"}, name="all_csv"),
    path("all.xlsx", lists.review_list_download, {"kind": "xlsx"}, name="all_xlsx"),
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
    path("support-plans/<int:pk>/", support_plans.support_plan_detail, name="support_plan"),
    path("support-plans/<int:pk>/change/", support_plans.support_plan_change, name="support_plan_change"),
    path("support-plans/<int:pk>/actions/new/", support_plans.support_action_add, name="support_action_add"),
    path(
        "support-plans/actions/<int:pk>/done/", support_plans.support_action_done, name="support_action_done"
    ),
    path("support-plans/<int:pk>/close/", support_plans.support_plan_close, name="support_plan_close"),
    path("recommendations/<int:pk>/", recommendations.recommendation_detail, name="recommendation"),
    path(
        "recommendations/<int:pk>/change/",
        recommendations.recommendation_change,
        name="recommendation_change",
    ),
    path(
        "recommendations/<int:pk>/submit/",
        recommendations.recommendation_submit,
        name="recommendation_submit",
    ),
    path("panels/", panels.panel_list, name="panels"),
    path("panels/new/", panels.panel_new, name="panel_new"),
    path("panels/<int:pk>/", panels.panel_detail, name="panel"),
    path("panels/<int:pk>/change/", panels.panel_change, name="panel_change"),
    path("panels/<int:pk>/members/new/", panels.panel_member_add, name="panel_member_add"),
    path("panels/members/<int:pk>/remove/", panels.panel_member_remove, name="panel_member_remove"),
    path("panels/<int:pk>/decision/", panels.panel_decide, name="panel_decide"),
    path("panels/<int:pk>/close/", panels.panel_close, name="panel_close"),
]
