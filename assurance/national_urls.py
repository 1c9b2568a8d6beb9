"""assurance: national staff's pages (included at /national/assurance/, namespace national_assurance)."""

from django.urls import path

from assurance import national_views

urlpatterns = [
    path("", national_views.overview, name="overview"),
    path("confidential/<int:pk>/", national_views.concern, name="concern"),
    path("confidential/<int:pk>/raise/", national_views.concern_raise, name="concern_raise"),
    path("meetings/new/", national_views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", national_views.meeting, name="meeting"),
    path("meetings/<int:pk>/files/<str:which>/", national_views.meeting_file, name="meeting_file"),
]
