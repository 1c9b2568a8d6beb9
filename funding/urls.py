"""The co-ordinator's funding pages (included at /funding/, namespace funding)."""

from django.urls import path

from funding import application_views, download_views, views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("claims/", views.claims, name="claims"),
    path("claims/claims.csv", download_views.claims_download, {"kind": "csv"}, name="claims_csv"),
    path("claims/claims.xlsx", download_views.claims_download, {"kind": "xlsx"}, name="claims_xlsx"),
    path("claims/submit/", views.claims_submit, name="claims_submit"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("grant-applications/", application_views.applications, name="applications"),
    path("grant-applications/start/", application_views.application_start, name="application_start"),
    path("grant-applications/<int:pk>/", application_views.application_detail, name="application"),
    path(
        "grant-applications/<int:pk>/contact/",
        application_views.application_contact,
        name="application_contact",
    ),
    path(
        "grant-applications/<int:pk>/director/",
        application_views.application_director,
        name="application_director",
    ),
    path(
        "grant-applications/<int:pk>/declarations/",
        application_views.application_declarations,
        name="application_declarations",
    ),
    path(
        "grant-applications/<int:pk>/actions/",
        application_views.application_actions,
        name="application_actions",
    ),
    path("grant-applications/<int:pk>/actions/add/", application_views.action_add, name="action_add"),
    path(
        "grant-applications/<int:pk>/submit/", application_views.application_submit, name="application_submit"
    ),
    path("actions/<int:pk>/change/", application_views.action_change, name="action_change"),
    path("actions/<int:pk>/remove/", application_views.action_remove, name="action_remove"),
    path("statements/", views.statements, name="statements"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path(
        "statements/<int:pk>/statement.xlsx",
        views.statement_download,
        {"kind": "xlsx"},
        name="statement_xlsx",
    ),
    path(
        "statements/<int:pk>/statement.csv", views.statement_download, {"kind": "csv"}, name="statement_csv"
    ),
]
