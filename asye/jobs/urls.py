"""A job's progress page and its result, a person's own jobs, and national staff's job history, under
/jobs/."""

from django.urls import path

from asye.jobs import views

urlpatterns = [
    path("", views.history, name="history"),
    path("mine/", views.mine, name="mine"),
    path("<uuid:pk>/", views.progress, name="progress"),
    path("<uuid:pk>/download/", views.download, name="download"),
]
