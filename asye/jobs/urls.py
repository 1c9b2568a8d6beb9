"""A job's progress page and its result, under /jobs/."""

from django.urls import path

from asye.jobs import views

urlpatterns = [
    path("<uuid:pk>/", views.progress, name="progress"),
    path("<uuid:pk>/download/", views.download, name="download"),
]
