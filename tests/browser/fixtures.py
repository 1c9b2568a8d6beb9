"""Browser test fixtures, imported by tests/conftest.py so tests anywhere can drive a browser.

Debian's chromium, driven by Playwright's sync API, against pytest-django's live server.

One browser for the whole session; a fresh context (cookies, storage) for every page a test opens.
Tests using them are marked ``browser`` (tests/browser/conftest.py marks that folder's), so
``pytest -m "not browser"`` leaves them out.

Fixtures:
  browser        the session's chromium
  new_context    make another context (a second person, or JavaScript off); closed after the test
  page           a page in a fresh context whose base URL is the live server's
  axe_check      ``axe_check(page)``: run axe-core on the page, fail listing every WCAG 2.2 AA violation
  sign_in        ``sign_in(page, live_server, user)``: the real sign-in form for people without a
                 second factor; for co-ordinators and national staff (who must have one) an authenticator
                 and a session made by Django's test client, so allauth does not ask for a TOTP code

Debugging: ASYE_BROWSER_HEADED=1 shows the browser (needs a display); a failing test leaves a screenshot
of each of its pages in $ASYE_BROWSER_ARTIFACTS (default /tmp/asye-browser-failures).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.support import PROJECT, axe_check, sign_in

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("ASYE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
ARTIFACTS = Path(os.environ.get("ASYE_BROWSER_ARTIFACTS", "/tmp/asye-browser-failures"))

expect.set_options(timeout=10_000)


# --- Marking and failure reports -----------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_browser_report_{report.when}", report)
    return report


def _failed(request) -> bool:
    report = getattr(request.node, "_browser_report_call", None)
    return report is not None and report.failed


# --- Browser, contexts, pages ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        # A missing browser must not pass silently: every page's accessibility check rides on it.
        pytest.fail(
            f"chromium is not installed at {CHROMIUM}: `apt-get install chromium` (as .ci/run does), "
            "or set ASYE_CHROMIUM to another Chromium",
            pytrace=False,
        )
    if not (PROJECT / "static" / "dist" / "app.css").exists():
        pytest.fail("static/dist/app.css is missing: run `npm run build` first", pytrace=False)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=os.environ.get("ASYE_BROWSER_HEADED", "") == "",
        )
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_context(browser, live_server, request):
    """Make a browser context on the live server; each is closed (after any failure screenshots)."""
    contexts: list[BrowserContext] = []
    # Uncaught JavaScript errors are bugs in the page: collect them and fail the test at the end.
    page_errors: list[str] = []

    def watch(page: Page) -> None:
        page.on("pageerror", lambda error: page_errors.append(f"{page.url}: {error}"))
        # Anything the Content-Security-Policy refuses is a page that would break for real users.
        page.on(
            "console",
            lambda message: page_errors.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None,
        )

    def make(**options) -> BrowserContext:
        options.setdefault("viewport", VIEWPORT)
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "en-GB")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make

    for index, context in enumerate(contexts):
        if _failed(request):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            for number, page in enumerate(context.pages):
                name = f"{request.node.name}-{index}-{number}.png".replace("/", "_")
                try:
                    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
                except Exception:  # noqa: S110 - best effort, the test has failed already
                    pass
        context.close()
    if page_errors and not _failed(request):
        pytest.fail(
            "JavaScript errors or Content-Security-Policy refusals on the page:\n" + "\n".join(page_errors),
            pytrace=False,
        )


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


# --- Accessibility and signing in (tests/browser/support.py) ----------------------------------------


@pytest.fixture(name="axe_check")
def axe_check_fixture():
    return axe_check


@pytest.fixture(name="sign_in")
def sign_in_fixture():
    return sign_in
