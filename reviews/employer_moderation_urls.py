"""The employer's side of national moderation (included at /reviews/, namespace ``reviews``): the
employer's portfolios in national moderation and their findings, voluntary submissions, good-practice
applications, and the published exemplars."""

from django.urls import path

from reviews import employer_moderation_views as views

urlpatterns = [
    path("moderation/", views.moderation_list, name="moderation_list"),
    path("moderation/submit/", views.moderation_submit, name="moderation_submit"),
    path("moderation/<int:pk>/", views.moderation_case, name="moderation_case"),
    path("moderation/<int:pk>/withdraw/", views.moderation_withdraw, name="moderation_withdraw"),
    path("good-practice/", views.good_practice_list_page, name="good_practice_list"),
    path("good-practice/apply/", views.good_practice_apply, name="good_practice_apply"),
    path("good-practice/<int:pk>/", views.good_practice_detail, name="good_practice"),
    path("exemplars/", views.exemplar_list, name="exemplar_list"),
    path("exemplars/<int:pk>/", views.exemplar_detail, name="exemplar"),
]
