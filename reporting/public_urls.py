"""reporting: the published annual reports, for anyone, at /reports/ (namespace ``published_reports``)."""

from django.urls import path

from reporting import published_views

urlpatterns = [
    path("", published_views.published_list, name="list"),
    path("<uuid:pk>/", published_views.published_report, name="detail"),
]
