"""National moderation (included at /national/moderation/, namespace ``moderation``): national staff's
rounds, cases, exemplars and good-practice register, and the moderators' own cases."""

from django.urls import path

from reviews import moderation_views as views

urlpatterns = [
    # National staff.
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("good-practice/", views.good_practice_register, name="good_practice_register"),
    path("good-practice/<int:pk>/", views.good_practice_decide, name="good_practice_decide"),
    path("exemplars/new/", views.exemplar_create, name="exemplar_create"),
    path("exemplars/<int:pk>/change/", views.exemplar_edit, name="exemplar_edit"),
    # National staff and moderators.
    path("exemplars/", views.exemplar_list, name="exemplars"),
    path("exemplars/<int:pk>/", views.exemplar_detail, name="exemplar"),
    # Moderators: only the cases assigned to them.
    path("my-cases/", views.my_cases, name="my_cases"),
    path("my-cases/<int:pk>/", views.my_case, name="my_case"),
    path("my-cases/<int:pk>/findings/", views.my_case_findings, name="my_case_findings"),
    path("my-cases/<int:pk>/portfolio-pack.pdf", views.my_case_pack, name="my_case_pack"),
    path("my-cases/<int:case_pk>/files/<int:pk>/", views.my_case_file, name="my_case_file"),
]
