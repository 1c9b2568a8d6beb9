"""The co-ordinator's 360 evaluation pages, under /evaluation/ (namespace ``evaluations``)."""

from django.urls import path

from evaluations import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("open/", views.cycle_open, name="open"),
    path("<int:pk>/", views.cycle, name="cycle"),
    path("<int:pk>/self-assessment/<int:theme>/", views.self_assessment, name="self_assessment"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.pdf", views.report_download, name="report_pdf"),
]
