"""What a filtered, searched list tells its template (``programmes.search.list_search_context``): whether
any filter is chosen, the query its page links keep, its download's query, the search as matched and what
it found; and ``of_employers_chosen``, a national list narrowed by employer type and region."""

from __future__ import annotations

from types import SimpleNamespace

from programmes.search import chosen_filters, list_search_context
from programmes.selectors import of_employers_chosen


def page_of(count):
    return SimpleNamespace(paginator=SimpleNamespace(count=count))


def test_nothing_chosen_keeps_no_query():
    context = list_search_context({"q": "", "status": ""}, page_of(12), ("NQSW", "NQSWs"))
    assert context == {
        "filtered": False,
        "query": "",
        "search": "",
        "search_result": "12 NQSWs match \u2018\u2019",
        "download_query": "",
    }


def test_chosen_filters_and_search_are_kept_and_counted():
    filters = {"q": "  Smith  Jones ", "status": "active", "assessor": ""}
    assert chosen_filters(filters) == {"q": "  Smith  Jones ", "status": "active"}
    context = list_search_context(filters, page_of(1), ("claim", "claims"))
    assert context["filtered"] is True
    assert context["query"] == "q=++Smith++Jones+&status=active&"
    assert context["download_query"] == "q=++Smith++Jones+&status=active"
    assert context["search"] == "smith jones"
    assert context["search_result"] == "1 claim matches \u2018smith jones\u2019"


class Rows:
    """Records the filters applied, as a queryset would narrow."""

    def __init__(self, applied=()):
        self.applied = list(applied)

    def filter(self, **condition):
        return Rows([*self.applied, condition])


def test_of_employers_chosen_narrows_only_by_what_was_chosen():
    assert of_employers_chosen(Rows(), {"employer_type": "", "region": ""}).applied == []
    narrowed = of_employers_chosen(Rows(), {"employer_type": "local_authority", "region": "london", "q": "x"})
    assert narrowed.applied == [
        {"employer__employer_type": "local_authority"},
        {"employer__region": "london"},
    ]
