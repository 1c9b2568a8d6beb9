"""Support pages (included at the site root, namespace ``support``): supervision, protected time and
caseload for a registration; support needs; the NQSW's own programme page and calendar feed."""

from django.urls import path

from asye.web.routes import record_routes, spreadsheet_downloads
from programmes import confirm_views, my_programme_views, support_need_list_views, support_views

urlpatterns = [
    path("registrations/<int:pk>/support/", support_views.registration_support_page, name="registration"),
    path("registrations/<int:pk>/supervision/", support_views.supervision_record, name="supervision_record"),
    path(
        "registrations/<int:pk>/protected-time/", support_views.protected_time_log, name="protected_time_log"
    ),
    path("registrations/<int:pk>/caseload/", support_views.caseload_record, name="caseload_record"),
    path("support-needs/", support_need_list_views.support_needs, name="needs"),
    *spreadsheet_downloads("support-needs", support_need_list_views.support_needs_download, "needs"),
    path("support-needs/new/", support_views.support_need_create, name="need_create"),
    *record_routes(
        "support-needs", "need", support_views.support_need_detail, change=support_views.support_need_change
    ),
    path("my-programme/", my_programme_views.my_programme, name="my_programme"),
    path("my-programme/confirm/<int:pk>/", confirm_views.confirm_registration, name="confirm_registration"),
    path("calendar/<str:token>.ics", my_programme_views.calendar_feed, name="calendar"),
]
