"""Money and dates in GOV.UK style (asye.web.formats) and GOV.UK pagination (asye.web.pagination and
templates/govuk/pagination.html)."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

from asye.web.formats import govuk_date, money
from asye.web.pagination import pagination_links


@pytest.mark.parametrize(
    "value, shown",
    [
        (1000, "£1,000"),
        (Decimal("1000.00"), "£1,000"),
        (Decimal("1000.50"), "£1,000.50"),
        ("1000.5", "£1,000.50"),
        (Decimal("0.05"), "£0.05"),
        (0, "£0"),
        (Decimal("2000000"), "£2,000,000"),
        (Decimal("-50.00"), "-£50"),
        (Decimal("-1234.56"), "-£1,234.56"),
        (None, ""),
        ("", ""),
        ("not a number", "not a number"),
    ],
)
def test_money_shows_pence_only_when_there_are_pence(value, shown):
    assert money(value) == shown


def test_dates_are_day_month_year_in_words():
    assert govuk_date(datetime.date(2026, 12, 3)) == "3 December 2026"
    assert govuk_date("2027-03-31") == "31 March 2027"
    assert govuk_date(None) == "" and govuk_date("") == ""


def test_a_moment_is_dated_in_the_services_time_zone():
    # 23:30 UTC on 31 May is already 1 June in London (summer time).
    moment = datetime.datetime(2026, 5, 31, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert govuk_date(moment) == "1 June 2026"


def test_every_template_has_the_filters_without_loading_them():
    html = Template("{{ amount|money }} on {{ day|govuk_date }}").render(
        Context({"amount": Decimal("2000.00"), "day": datetime.date(2027, 2, 1)})
    )
    assert html == "£2,000 on 1 February 2027"


# --- Pagination ---------------------------------------------------------------------------------------


def page_of(number: int, pages: int = 10):
    return Paginator(range(pages * 10), 10).get_page(number)


def query(string: str = ""):
    return RequestFactory().get("/list/?" + string).GET


def numbers(links: dict) -> list:
    return ["…" if item.get("ellipsis") else item["number"] for item in links["items"]]


def test_the_first_page_has_next_and_no_previous():
    links = pagination_links(page_of(1), query())
    assert links["previous"] == "" and links["next"] == "?page=2"
    assert numbers(links) == [1, 2, "…", 10]
    assert [item["number"] for item in links["items"] if item.get("current")] == [1]


def test_a_middle_page_has_both_ends_and_its_neighbours():
    links = pagination_links(page_of(5), query())
    assert links["previous"] == "?page=4" and links["next"] == "?page=6"
    assert numbers(links) == [1, "…", 4, 5, 6, "…", 10]


def test_the_last_page_has_previous_and_no_next():
    links = pagination_links(page_of(10), query())
    assert links["previous"] == "?page=9" and links["next"] == ""
    assert numbers(links) == [1, "…", 9, 10]


def test_one_page_has_no_pagination():
    assert pagination_links(page_of(1, pages=1), query()) is None


def test_the_filters_and_search_are_kept_and_the_old_page_replaced():
    links = pagination_links(page_of(2), query("status=open&q=Sam+Smith&page=2"))
    assert links["next"] == "?status=open&q=Sam+Smith&page=3"
    assert links["items"][0]["href"] == "?status=open&q=Sam+Smith&page=1"


def render_pagination(number: int, pages: int, query_string: str = "") -> str:
    request = RequestFactory().get("/list/?" + query_string)
    return Template('{% include "govuk/pagination.html" %}').render(
        Context({"page": page_of(number, pages), "request": request})
    )


def test_the_partial_is_the_govuk_component():
    html = render_pagination(3, 5, "region=london")
    assert '<nav class="govuk-pagination" aria-label="Pagination">' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert html.count('aria-current="page"') == 1
    assert re.search(r'href="\?region=london&amp;page=3" aria-label="Page 3" aria-current="page">3</a>', html)
    assert 'govuk-pagination__item--ellipsis">&ctdot;' not in html  # 1 2 3 4 5: nothing left out
    assert "Page 3 of 5" not in html  # the page number is a link, not low-contrast text


def test_the_partial_shows_ellipses_and_nothing_for_one_page():
    assert html_count(render_pagination(6, 12), "govuk-pagination__item--ellipsis") == 2
    assert render_pagination(1, 1).strip() == ""


def html_count(html: str, needle: str) -> int:
    return html.count(needle)
