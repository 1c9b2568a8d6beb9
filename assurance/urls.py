"""assurance: the pages of people at an employer (included at /assurance/, namespace assurance)."""

from django.urls import path

from assurance import views

urlpatterns = [
    path("confidential/", views.concerns, name="concerns"),
    path("confidential/new/", views.concern_new, name="concern_new"),
    path("confidential/<int:pk>/", views.concern, name="concern"),
    path("raised/", views.raised_list, name="raised_list"),
    path("raised/<int:pk>/", views.raised, name="raised"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/submission/", views.submission_edit, name="submission"),
    path("meetings/<int:pk>/send/", views.submission_send, name="submission_send"),
    path("meetings/<int:pk>/files/<str:which>/", views.submission_file, name="submission_file"),
]
