"""forums: the organisers' pages (national staff, /national/forums/)."""

from django.urls import path

from asye.web.routes import record_routes
from forums import cohort_views
from forums import national_views as views

urlpatterns = [
    path("", views.forum_list, name="list"),
    path("new/", views.forum_add, name="forum_add"),
    *record_routes("sessions", "session", views.session_detail, cancel=views.session_cancel),
    path("sessions/<int:pk>/poll/new/", views.poll_add, name="poll_add"),
    path("sessions/<int:pk>/poll/", views.poll_results, name="poll_results"),
    path("sessions/<int:pk>/poll.<str:fmt>", views.poll_export, name="poll_export"),
    path("<slug:slug>/", views.forum_detail, name="forum"),
    path("<slug:slug>/change/", views.forum_change, name="forum_change"),
    path("<slug:slug>/cohort/", cohort_views.cohort, name="cohort"),
    path("<slug:slug>/cohort/<int:pk>/withdraw/", cohort_views.cohort_withdraw, name="cohort_withdraw"),
    path("<slug:slug>/sessions/new/", views.session_add, name="session_add"),
    path("<slug:slug>/materials/new/", views.material_add, name="material_add"),
    path("<slug:slug>/poll-results/", views.forum_results, name="forum_results"),
    path("<slug:slug>/attendance.<str:fmt>", views.attendance_export, name="attendance_export"),
]
