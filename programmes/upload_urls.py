"""Registering NQSWs from a CSV file (included at /registrations/upload/, namespace registration_upload)."""

from django.urls import path

from programmes import upload_views

urlpatterns = [
    path("", upload_views.upload, name="upload"),
    path("template.csv", upload_views.template, name="template"),
    path("check/", upload_views.check, name="check"),
    path("checked/", upload_views.checked, name="checked"),
    path("done/", upload_views.done, name="done"),
]
