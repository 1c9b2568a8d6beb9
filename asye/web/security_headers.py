"""Headers every response carries: a Content-Security-Policy, a Permissions-Policy, and
``Cache-Control: no-store`` on anything personal (signed-in pages and the API), so a shared computer's
back button or a proxy never shows someone else's support needs or equality totals.

The one inline script, GOV.UK Frontend's ``js-enabled`` line in ``base.html`` and ``500.html``, is allowed
by its hash, so no page needs ``'unsafe-inline'`` for scripts. Third-party API documentation pages
(Swagger UI, Redoc) load their scripts from files; their small inline style blocks are allowed for styles
on those two paths only. A view that sets its own policy (file downloads are sandboxed) keeps it.
"""

from __future__ import annotations

import base64
import hashlib

from django.utils.cache import patch_cache_control

from asye.web.errors import is_api

# The exact text of GOV.UK Frontend's inline script in templates/base.html and templates/500.html.
GOVUK_JS_ENABLED = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? "
    "' govuk-frontend-supported' : '');"
)


def script_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def policy(*, inline_styles: bool = False) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' {script_hash(GOVUK_JS_ENABLED)}",
        "style-src": "'self' 'unsafe-inline'" if inline_styles else "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = policy()
API_DOCS_POLICY = policy(inline_styles=True)
API_DOCS_PATHS = ("/api/v1/docs/", "/api/v1/redoc/")
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), xr-spatial-tracking=()"
)


class SecurityHeadersMiddleware:
    """Sits after WhiteNoise, so static files keep their long-lived caching and skip all of this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        docs = request.path.startswith(API_DOCS_PATHS)
        response.headers.setdefault(
            "Content-Security-Policy", API_DOCS_POLICY if docs else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or is_api(request):
            patch_cache_control(response, no_store=True, private=True)
        return response
