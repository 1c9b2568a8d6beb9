"""The site's routes: each area's URL module under its address and namespace, and the error pages."""

from django.contrib import admin
from django.urls import include, path

from asye.accounts import sign_in
from asye.api import views as api_token_views
from asye.audit import views as audit_views
from asye.web import errors, health, national_views, views
from asye.web.errors import bad_request, page_not_found, permission_denied, server_error
from asye.web.routes import spreadsheet_downloads


def token_patterns(token_list, token_revoke, namespace: str) -> tuple[list, str]:
    """The API tokens' pages, an employer's or national staff's own: the list, and revoking one."""
    routes = [path("", token_list, name="list"), path("<int:pk>/revoke/", token_revoke, name="revoke")]
    return routes, namespace


national_patterns = (
    [
        path("", national_views.overview, name="overview"),
        path("employers/", national_views.employers, name="employers"),
        *spreadsheet_downloads("employers", national_views.employers_download, "employers"),
        path("employers/<int:pk>/", national_views.employer_detail, name="employer"),
        path("audit/", national_views.audit, name="audit"),
    ],
    "national",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("sections/<slug:key>/", views.section_page, name="section"),
    path("healthz", health.healthz, name="healthz"),
    # Early: every API call resolves past the routes above it (no route above matches "api/v1/...").
    path("api/v1/", include(("asye.api.urls", "api"))),
    path("", include(("asye.accounts.urls", "accounts"))),
    path(
        "employer/",
        include(
            (
                [
                    path("", views.employer_detail, name="employer"),
                    path("change/", views.employer_edit, name="employer_edit"),
                ],
                "web",
            )
        ),
    ),
    path("audit/", include(([path("", audit_views.audit_list, name="list")], "audit"))),
    path("jobs/", include(("asye.jobs.urls", "jobs"))),
    path("notifications/", include(("asye.notifications.urls", "notifications"))),
    path(
        "api-tokens/",
        include(token_patterns(api_token_views.token_list, api_token_views.token_revoke, "api_tokens")),
    ),
    path(
        "national/api-tokens/",
        include(
            token_patterns(
                api_token_views.national_token_list,
                api_token_views.national_token_revoke,
                "national_api_tokens",
            )
        ),
    ),
    path("registrations/upload/", include(("programmes.upload_urls", "registration_upload"))),
    path("registrations/", include(("programmes.urls", "programmes"))),
    path("", include(("programmes.support_urls", "support"))),
    path("national/registrations/", include(("programmes.national_urls", "national_registrations"))),
    path("portfolio/", include(("portfolios.urls", "portfolios"))),
    # Feedback links sent by NQSWs: answered by people without an account, addressed by a secret.
    path("feedback/", include(("portfolios.public_urls", "feedback"))),
    path("reviews/", include(("reviews.urls", "reviews"))),
    path("national/moderation/", include(("reviews.national_urls", "moderation"))),
    path("national/outcomes/", include(("reviews.outcome_urls", "national_outcomes"))),
    path("funding/", include(("funding.urls", "funding"))),
    path("national/funding/", include(("funding.national_urls", "national_funding"))),
    path("forums/", include(("forums.urls", "forums"))),
    path("national/forums/", include(("forums.national_urls", "national_forums"))),
    path("evaluation/", include(("evaluations.urls", "evaluations"))),
    path("national/evaluation/", include(("evaluations.national_urls", "national_evaluations"))),
    # 360 evaluation links: answered by people without an account, addressed by a secret.
    path("360/", include(("evaluations.public_urls", "evaluation_response"))),
    # Annual reports national staff have published: suppressed tables, for anyone.
    path("reports/", include(("reporting.public_urls", "published_reports"))),
    path("surveys/", include(("surveys.urls", "surveys"))),
    path("national/surveys/", include(("surveys.national_urls", "national_surveys"))),
    path("assurance/", include(("assurance.urls", "assurance"))),
    path("national/assurance/", include(("assurance.national_urls", "national_assurance"))),
    path("national/reports/", include(("reporting.national_urls", "reports"))),
    path("national/schedules/", include(("asye.notifications.national_urls", "schedules"))),
    path("national/", include(national_patterns)),
    path("equality/", include(("equality.urls", "equality"))),
    path(
        "",
        include(
            (
                [
                    path(
                        "accessibility/", views.static_page("pages/accessibility.html"), name="accessibility"
                    ),
                    path("privacy/", views.static_page("pages/privacy.html"), name="privacy"),
                    path("cookies/", views.static_page("pages/cookies.html"), name="cookies"),
                ],
                "pages",
            )
        ),
    ),
    # Sign-in email addresses come from invitations; people do not manage them themselves.
    path("accounts/email/", errors.not_offered),
    path("accounts/login/", sign_in.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = bad_request
handler403 = permission_denied
handler404 = page_not_found
handler500 = server_error
