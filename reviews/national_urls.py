"""National moderation (included at /national/moderation/, namespace ``moderation``): national staff's
rounds, cases, exemplars and good-practice register, and the moderators' own cases."""

from django.urls import path

from asye.web.routes import record_routes
from reviews.moderation_views import cases, exemplars, good_practice, rounds

urlpatterns = [
    # National staff.
    path("", rounds.index, name="index"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    path("good-practice/", good_practice.good_practice_register, name="good_practice_register"),
    path("good-practice/<int:pk>/", good_practice.good_practice_decide, name="good_practice_decide"),
    path("exemplars/new/", exemplars.exemplar_create, name="exemplar_create"),
    path("exemplars/<int:pk>/change/", exemplars.exemplar_edit, name="exemplar_edit"),
    # National staff and moderators.
    path("exemplars/", exemplars.exemplar_list, name="exemplars"),
    path("exemplars/<int:pk>/", exemplars.exemplar_detail, name="exemplar"),
    # Moderators: only the cases assigned to them.
    path("my-cases/", cases.my_cases, name="my_cases"),
    *record_routes("my-cases", "my_case", cases.my_case, findings=cases.my_case_findings),
    path("my-cases/<int:pk>/portfolio-pack.pdf", cases.my_case_pack, name="my_case_pack"),
    path("my-cases/<int:case_pk>/files/<int:pk>/", cases.my_case_file, name="my_case_file"),
]
