"""Support pages (included at the site root, namespace ``support``): supervision, protected time and
caseload for a registration; support needs; the NQSW's own programme page and calendar feed."""

from django.urls import path

from programmes import confirm_views, my_programme_views, support_need_list_views, support_views

urlpatterns = [
    path("registrations/<int:pk>/support/", support_views.registration_support_page, name="registration"),
    path("registrations/<int:pk>/supervision/", support_views.supervision_record, name="supervision_record"),
    path(
        "registrations/<int:pk>/protected-time/", support_views.protected_time_log, name="protected_time_log"
    ),
    path("registrations/<int:pk>/caseload/", support_views.caseload_record, name="caseload_record"),
    path("support-needs/", support_need_list_views.support_needs, name="needs"),
    *[
        path(
            f"support-needs.{kind}",
            support_need_list_views.support_needs_download,
            {"kind": kind},
            name=f"needs_{kind}",
        )
        for kind in ("csv", "xlsx")
    ],
    path("support-needs/new/", support_views.support_need_create, name="need_create"),
    path("support-needs/<int:pk>/", support_views.support_need_detail, name="need"),
    path("support-needs/<int:pk>/change/", support_views.support_need_change, name="need_change"),
    path("my-programme/", my_programme_views.my_programme, name="my_programme"),
    path("my-programme/confirm/<int:pk>/", confirm_views.confirm_registration, name="confirm_registration"),
    path("calendar/<str:token>.ics", my_programme_views.calendar_feed, name="calendar"),
]
