"""National staff's API token pages in a real browser at 1280 and 375 pixels wide, with axe-core (WCAG 2.2
AA) on each: the list with its error summary, a token created (its secret shown once), then revoked."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_programme_pages import Pages, submit

pytestmark = [pytest.mark.browser]

WIDTHS = (1280, 375)


@pytest.mark.parametrize("width", WIDTHS)
def test_national_token_pages(transactional_db, live_server, new_context, sign_in, national_staff, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, national_staff)
    pages = Pages()
    page.goto("/national/api-tokens/")
    pages.check(page, heading="National API tokens")
    submit(page, "Create national token")
    pages.check(page, heading="National API tokens", error=True)
    page.get_by_label("Name the token").fill("Reporting dashboards")
    page.get_by_label("30 days").check()
    submit(page, "Create national token")
    pages.check(page, heading="National token created")
    assert page.locator("#national-token-secret").input_value().startswith("asyenat_")
    page.get_by_role("link", name="Back to national API tokens").click()
    pages.check(page, heading="National API tokens")
    page.get_by_role("link", name="Revoke Reporting dashboards").click()
    pages.check(page, heading=re.compile("^Revoke your national token .Reporting dashboards.\\?$"))
    submit(page, "Revoke national token")
    pages.check(page, heading="National API tokens")
    assert "Revoked" in page.locator("table").inner_text()
    pages.done()
