"""National staff's funding pages (included at /national/funding/, namespace national_funding)."""

from django.urls import path

from asye.web.routes import spreadsheet_downloads
from funding import (
    bulk_views,
    download_views,
    national_statement_views,
    national_views,
    statement_build_views,
)

urlpatterns = [
    path("", national_views.overview, name="overview"),
    path("claims/", national_views.claims, name="claims"),
    *spreadsheet_downloads("claims/claims", download_views.national_claims_download, "claims"),
    # Deciding many submitted claims at once: the check page, then the decision (no object in the path).
    path("claims/decide/check/", bulk_views.claims_decide_check, name="claims_decide_check"),
    path("claims/decide/", bulk_views.claims_decide, name="claims_decide"),
    path("claims/<int:pk>/", national_views.claim_detail, name="claim"),
    path("statements/", national_statement_views.statements, name="statements"),
    # Building many statements: how many and for how much, confirmed, then a background job.
    path(
        "statements/build/confirm/",
        statement_build_views.statements_build_confirm,
        name="statements_build_confirm",
    ),
    path("statements/<int:pk>/", national_statement_views.statement_detail, name="statement"),
    *spreadsheet_downloads(
        "statements/<int:pk>/statement", national_statement_views.statement_download, "statement"
    ),
    path("grant-applications/", national_views.applications, name="applications"),
    path("grant-applications/<int:pk>/", national_views.application_detail, name="application"),
    path("budget/", national_views.budget, name="budget"),
]
