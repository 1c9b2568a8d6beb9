"""National staff's funding pages (included at /national/funding/, namespace national_funding)."""

from django.urls import path

from funding import national_statement_views, national_views

urlpatterns = [
    path("", national_views.overview, name="overview"),
    path("claims/", national_views.claims, name="claims"),
    path("claims/<int:pk>/", national_views.claim_detail, name="claim"),
    path("statements/", national_statement_views.statements, name="statements"),
    path("statements/<int:pk>/", national_statement_views.statement_detail, name="statement"),
    path(
        "statements/<int:pk>/statement.xlsx",
        national_statement_views.statement_download,
        {"kind": "xlsx"},
        name="statement_xlsx",
    ),
    path(
        "statements/<int:pk>/statement.csv",
        national_statement_views.statement_download,
        {"kind": "csv"},
        name="statement_csv",
    ),
    path("grant-applications/", national_views.applications, name="applications"),
    path("grant-applications/<int:pk>/", national_views.application_detail, name="application"),
    path("budget/", national_views.budget, name="budget"),
]
