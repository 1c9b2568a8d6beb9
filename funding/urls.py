"""The co-ordinator's funding pages (included at /funding/, namespace funding)."""

from django.urls import path

from asye.web.routes import record_actions, record_routes, spreadsheet_downloads
from funding import application_views, download_views, views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("claims/", views.claims, name="claims"),
    *spreadsheet_downloads("claims/claims", download_views.claims_download, "claims"),
    path("claims/submit/", views.claims_submit, name="claims_submit"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("grant-applications/", application_views.applications, name="applications"),
    path("grant-applications/start/", application_views.application_start, name="application_start"),
    *record_routes(
        "grant-applications",
        "application",
        application_views.application_detail,
        contact=application_views.application_contact,
        director=application_views.application_director,
        declarations=application_views.application_declarations,
        actions=application_views.application_actions,
        submit=application_views.application_submit,
    ),
    path("grant-applications/<int:pk>/actions/add/", application_views.action_add, name="action_add"),
    *record_actions(
        "actions", "action", change=application_views.action_change, remove=application_views.action_remove
    ),
    path("statements/", views.statements, name="statements"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    *spreadsheet_downloads("statements/<int:pk>/statement", views.statement_download, "statement"),
]
