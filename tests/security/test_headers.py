"""Every page carries a Content-Security-Policy with no 'unsafe-inline' scripts and a Permissions-Policy;
every signed-in page and every API response says ``Cache-Control: no-store`` (security finding #12.5).

Pages are found as a person finds them: from each role's home page, following every link, two levels
deep, so a page added later is read without anyone listing it here."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from asye.web.security_headers import GOVUK_JS_ENABLED, script_hash

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"#]*)"')


def assert_policies(response, where: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'unsafe-inline'" not in directives.get("script-src", "'unsafe-inline'"), where
    assert "'unsafe-eval'" not in directives["script-src"], where
    assert directives.get("object-src") == "'none'" and directives.get("frame-ancestors") == "'none'", where
    assert "camera=()" in response.headers.get("Permissions-Policy", ""), where


def assert_not_stored(response, where: str) -> None:
    cache_control = response.headers.get("Cache-Control", "")
    assert "no-store" in cache_control and "private" in cache_control, (where, cache_control)


def crawl(client, start: str = "/", depth: int = 2):
    seen, frontier = set(), [start]
    for _ in range(depth + 1):
        found = []
        for href in frontier:
            if href in seen or href.startswith(("/static/", "/accounts/logout", "/logout")):
                continue
            seen.add(href)
            response = client.get(href)
            yield href, response
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                found.extend(LINK.findall(response.content.decode()))
        frontier = found


def test_the_inline_script_allowed_is_exactly_govuk_frontends_line():
    for template in ("templates/base.html", "templates/500.html"):
        with open(template, encoding="utf-8") as source:
            assert f"<script>{GOVUK_JS_ENABLED}</script>" in source.read(), template
    assert script_hash(GOVUK_JS_ENABLED) == "'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='"


def test_public_pages_have_the_policies(client):
    for name in ("pages:accessibility", "pages:privacy", "pages:cookies", "account_login"):
        response = client.get(reverse(name))
        assert_policies(response, name)
    assert_policies(client.get("/"), "/")


@pytest.mark.parametrize("role", ["coordinator", "assessor", "line_manager", "nqsw", "national"])
def test_every_signed_in_page_has_the_policies_and_is_not_stored(
    client, login, employer_a, employer_b, national_staff, role
):
    login(national_staff if role == "national" else getattr(employer_a, role))
    pages = 0
    for href, response in crawl(client):
        if href.startswith("/api/") or response.status_code >= 400:
            continue
        assert_policies(response, href)
        assert_not_stored(response, href)
        pages += 1
    assert pages >= 5, f"only {pages} pages reached as {role}"


def test_api_responses_are_not_stored_even_for_tokens(client, login, employer_a):
    login(employer_a.coordinator)
    response = client.post(reverse("api_tokens:list"), {"name": "HR system"})
    secret = response.context["secret"]
    client.logout()
    response = client.get("/api/v1/registrations/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert_not_stored(response, "/api/v1/registrations/")
    assert_policies(response, "/api/v1/registrations/")


def test_a_downloaded_file_keeps_its_own_sandbox_policy():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from asye.web.security_headers import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse(b"%PDF-1.7")
        response["Content-Security-Policy"] = "sandbox"
        return response

    request = RequestFactory().get("/evidence/1/file/")
    assert SecurityHeadersMiddleware(view)(request)["Content-Security-Policy"] == "sandbox"
