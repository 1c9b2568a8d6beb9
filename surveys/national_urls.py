"""surveys: national staff's pages (included at /national/surveys/, namespace national_surveys)."""

from django.urls import path

from asye.web.routes import spreadsheet_downloads
from surveys import national_views

urlpatterns = [
    path("", national_views.rounds, name="rounds"),
    path("new/", national_views.round_create, name="round_create"),
    path("<int:pk>/", national_views.round_detail, name="round"),
    path("<int:pk>/dates/", national_views.round_dates, name="round_dates"),
    path("<int:pk>/send-due/", national_views.send_due, name="send_due"),
    path("<int:pk>/results/<str:group>/", national_views.group_results, name="results"),
    *spreadsheet_downloads("<int:pk>/results", national_views.results_download, "results"),
    path("questionnaires/<int:pk>/", national_views.questionnaire, name="questionnaire"),
]
