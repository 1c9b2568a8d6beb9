"""reporting: national staff's pages, at /national/reports/ (namespace ``reports``)."""

from django.urls import path

from reporting import equity_views, published_views, retention_views, views

urlpatterns = [
    path("", views.index, name="index"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/published/", views.registrations_published, name="registrations_published"),
    path("quality/", views.quality, name="quality"),
    path("report.json", views.report_json, name="json"),
    path("tables/<str:key>.csv", views.table_csv, name="csv"),
    path("disclosure/", views.disclosure, name="disclosure"),
    path("runs/<uuid:pk>/", views.run_download, name="run_download"),
    path("runs/<uuid:pk>/publish/", published_views.publish, name="publish"),
    path("published/<uuid:pk>/withdraw/", published_views.withdraw, name="withdraw"),
    path("equity/", equity_views.equity, name="equity"),
    path("retention/", retention_views.retention, name="retention"),
]
