"""The links of GOV.UK pagination for a Django ``Page``: numbered pages with ellipses, previous and next,
each keeping the list's other query parameters (filters, search). ``templates/govuk/pagination.html``
renders them; every paged list includes that partial with its page as ``page``."""

from __future__ import annotations

from django.core.paginator import Page
from django.http import QueryDict

PAGE_PARAMETER = "page"


def _href(query: QueryDict, number: int) -> str:
    params = query.copy()
    params[PAGE_PARAMETER] = str(number)
    return "?" + params.urlencode()


def pagination_links(page: Page, query: QueryDict) -> dict | None:
    """``{"previous", "next", "items"}`` for ``page`` (None when the list fits on one page). ``items`` holds
    ``{"number", "href", "current"}`` or ``{"ellipsis": True}``: the first and last pages, the current one
    and one either side."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return None
    others = query.copy()
    others.pop(PAGE_PARAMETER, None)
    items = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": _href(others, number), "current": number == page.number})
    return {
        "previous": _href(others, page.previous_page_number()) if page.has_previous() else "",
        "next": _href(others, page.next_page_number()) if page.has_next() else "",
        "items": items,
    }
