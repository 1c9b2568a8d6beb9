"""National staff's 360 evaluation pages, under /national/evaluation/ (namespace ``national_evaluations``):
the national composite of a year and its exports."""

from django.urls import path

from evaluations import national_views

urlpatterns = [
    path("", national_views.composite, name="composite"),
    path("<int:year>/composite.<str:extension>", national_views.composite_export, name="composite_export"),
]
