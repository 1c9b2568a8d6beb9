"""Helpers of the browser tests: axe-core checks and signing in. The fixtures are in conftest.py."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from asye.accounts.models import MFA_REQUIRED_ROLES, Membership, User
from asye.tenancy.db import system_national_context

PROJECT = Path(__file__).resolve().parent.parent.parent
AXE_PATH = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_TIMEOUT_MS = 30_000
PASSWORD = "correct-horse-battery"  # every factory user's (tests/factories.py)


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.2 AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"\n* {violation['id']} ({violation.get('impact') or 'unknown impact'}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(
                ">>".join(part) if isinstance(part, list) else str(part) for part in node["target"]
            )
            html = " ".join(node.get("html", "").split())
            if len(html) > 300:
                html = html[:300] + "…"
            lines.append(f"  - target: {target}\n    html:   {html}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n            ")
            if summary:
                lines.append(f"    why:    {summary}")
    return "\n".join(lines)


def _axe_loaded(page: Page) -> bool:
    return page.evaluate("() => typeof window.axe !== 'undefined'")


def _scripts_run(page: Page) -> bool:
    """Whether the page runs its scripts (False in a context made with java_script_enabled=False): GOV.UK
    Frontend's first script marks the body ``js-enabled`` (a probe of our own would be an inline script,
    which the Content-Security-Policy rightly refuses)."""
    return page.evaluate("() => document.body.classList.contains('js-enabled')")


def run_axe(page: Page) -> list[dict]:
    """Inject axe-core (once per document) and return its WCAG 2.x A/AA violations."""
    # A click that submits a form returns once the next document is committed, perhaps before its first
    # script has run (seen on a loaded CI machine): wait for the document to load before probing it.
    page.wait_for_load_state("load")
    if not _axe_loaded(page):
        # With JavaScript off, add_script_tag would wait for ever for a script that never runs, and
        # axe's own timers would never fire: say so at once instead.
        assert _scripts_run(page), "axe-core needs JavaScript: check pages in a context with it on"
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
        # govern (an inline <script> tag would be refused, as it should be).
        page.evaluate(AXE_PATH.read_text())
    assert _axe_loaded(page), "axe-core could not be loaded into the page"
    results = page.evaluate(
        """async ([tags, timeout]) => {
            const run = axe.run(document, {runOnly: {type: 'tag', values: tags}});
            const late = new Promise((_, reject) =>
                setTimeout(() => reject(new Error(`axe-core took over ${timeout} ms`)), timeout));
            return (await Promise.race([run, late])).violations;
        }""",
        [WCAG_TAGS, AXE_TIMEOUT_MS],
    )
    return results


def submit(page: Page, name: str) -> None:
    """Press the form's button in the page's main content and wait for the page it leads to to load.

    A click returns once the browser has started the request, perhaps before the next document has even
    committed; a test that read the page at once (its title, its URL, or a new GET of its own that cuts
    the POST short) raced the server. Every form here answers a post with a new page (a redirect, or
    the form again with its errors), so waiting for that navigation is always right."""
    with page.expect_navigation(wait_until="load"):
        page.locator("main").get_by_role("button", name=name, exact=True).click()


def axe_check(page: Page) -> None:
    """Fail with every WCAG 2.0/2.1/2.2 A and AA violation axe-core finds on the page as it is now."""
    violations = run_axe(page)
    assert not violations, format_violations(page.url, violations)


def needs_second_factor(user: User) -> bool:
    with system_national_context():
        return Membership.objects.filter(
            user=user, role__in=MFA_REQUIRED_ROLES, ended_at__isnull=True
        ).exists()


def give_authenticator(user: User) -> None:
    """What the ``mfa`` fixture of tests/conftest.py does: a TOTP authenticator, so no set-up redirect."""
    from allauth.mfa.models import Authenticator

    from asye.tenancy.db import tenant_settings

    # Authenticators have row-level security keyed on their person: written as that person.
    with tenant_settings(user_id=user.pk):
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
        )


def sign_in_with_session(page: Page, live_server, user: User) -> None:
    """Sign in without the form: a session made by Django's test client, its cookie given to the browser."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_server.url}])


def sign_in_with_form(page: Page, live_server, user: User, password: str = PASSWORD) -> None:
    """Sign in through the real sign-in form, as a person does."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_in(page: Page, live_server, user: User) -> None:
    """Sign ``user`` in on ``page``'s context.

    Co-ordinators and national staff must have a second factor (ASYE_MFA_REQUIRED): they get an
    authenticator and a session made by the test client, because with one allauth would ask for a code
    at the form. Everyone else signs in through the form.
    """
    if needs_second_factor(user):
        give_authenticator(user)
        sign_in_with_session(page, live_server, user)
    else:
        sign_in_with_form(page, live_server, user)
