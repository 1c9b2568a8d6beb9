"""The review pages (included at /reviews/, namespace ``reviews``): what to act on, a registration's
reviews, one review and its signatures and amendments, support plans, the final recommendation, the
internal moderation panel and the completion certificate."""

from django.urls import path

from reviews import views

urlpatterns = [
    path("", views.review_home, name="list"),
    path("registrations/<int:pk>/", views.registration_reviews, name="registration"),
    path("registrations/<int:pk>/optional-review/", views.review_add_optional, name="add_optional"),
    path("registrations/<int:pk>/recommendation/", views.recommendation_new, name="recommendation_new"),
    path("registrations/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("<int:pk>/report/", views.review_edit, name="review_edit"),
    path("<int:pk>/practice-examples/new/", views.example_add, name="example_add"),
    path("practice-examples/<int:pk>/remove/", views.example_remove, name="example_remove"),
    path("<int:pk>/sign/", views.review_sign, name="review_sign"),
    path("<int:pk>/comments/", views.review_comment, name="review_comment"),
    path("<int:pk>/amend/", views.review_amend, name="review_amend"),
    path("support-plans/<int:pk>/", views.support_plan_detail, name="support_plan"),
    path("support-plans/<int:pk>/change/", views.support_plan_change, name="support_plan_change"),
    path("support-plans/<int:pk>/actions/new/", views.support_action_add, name="support_action_add"),
    path("support-plans/actions/<int:pk>/done/", views.support_action_done, name="support_action_done"),
    path("support-plans/<int:pk>/close/", views.support_plan_close, name="support_plan_close"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("recommendations/<int:pk>/change/", views.recommendation_change, name="recommendation_change"),
    path("recommendations/<int:pk>/submit/", views.recommendation_submit, name="recommendation_submit"),
    path("panels/", views.panel_list, name="panels"),
    path("panels/new/", views.panel_new, name="panel_new"),
    path("panels/<int:pk>/", views.panel_detail, name="panel"),
    path("panels/<int:pk>/change/", views.panel_change, name="panel_change"),
    path("panels/<int:pk>/members/new/", views.panel_member_add, name="panel_member_add"),
    path("panels/members/<int:pk>/remove/", views.panel_member_remove, name="panel_member_remove"),
    path("panels/<int:pk>/decision/", views.panel_decide, name="panel_decide"),
    path("panels/<int:pk>/close/", views.panel_close, name="panel_close"),
]
