"""Finding registrations by name, email or Social Work England number: the one matcher every list of
NQSWs and registrations uses (the dashboard, national staff's registrations, claims, reviews, support).

A search is a prefix of the first name, the last name, "first last", "last first", the email address, or
the exact Social Work England number (``sw 123456`` and ``SW123456`` alike). Each is a range on a column the
database keeps lower-case (``Registration.search_name``, ``search_name_reversed``, ``search_email``) or an
equality on ``swe_number``, with a btree index each: comparisons that PostgreSQL may use an index for under
row-level security (``text_ge``/``text_lt``/``texteq`` are leakproof; ``lower()`` and ``LIKE`` are not).
The range is checked again with ``startswith`` so a collation that orders punctuation loosely cannot let a
row in that does not start with the words searched for.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.db.models import Q

from asye.audit.services import audit_record
from programmes.eligibility import normalise_swe_number, valid_swe_number

MAX_LENGTH = 100


SEARCH_LABEL = "Search by name, email or SWE number"


def search_field() -> forms.CharField:
    """The search box of a list's filters (a GET form: text over the limit is cut, not refused)."""
    return forms.CharField(
        label=SEARCH_LABEL,
        help_text="The start of a first or last name or email address, or the whole SWE number",
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


def search_text(value: str | None) -> str:
    """The search as it is matched: trimmed, spaces collapsed, lower-case, at most ``MAX_LENGTH``."""
    return re.sub(r"\s+", " ", (value or "")).strip().lower()[:MAX_LENGTH]


def _prefix(field: str, text: str) -> Q:
    # Text ending in punctuation ranges badly in some collations; the startswith check keeps it exact.
    stem = text.rstrip(" .'-,@")
    if not stem:
        return Q(pk__in=[])
    upper = stem[:-1] + chr(ord(stem[-1]) + 1)
    return Q(**{f"{field}__gte": stem, f"{field}__lt": upper, f"{field}__startswith": text})


def registration_search_q(value: str | None, *, prefix: str = "") -> Q:
    """The condition a registration (or, with ``prefix="registration__"``, a row that names one) must
    meet to match the search ``value``; an empty search matches everything."""
    text = search_text(value)
    if not text:
        return Q()
    swe = normalise_swe_number(text)
    if valid_swe_number(swe):
        return Q(**{f"{prefix}swe_number": swe})
    if "@" in text:
        return _prefix(f"{prefix}search_email", text)
    return (
        _prefix(f"{prefix}search_name", text)
        | _prefix(f"{prefix}search_name_reversed", text)
        | _prefix(f"{prefix}search_email", text)
    )


def result_count_text(count: int, noun: tuple[str, str], value: str | None) -> str:
    """What a search found, in words: "12 NQSWs match 'smith'" (with curly quotes)."""
    word = noun[0] if count == 1 else noun[1]
    verb = "matches" if count == 1 else "match"
    return f"{count:,} {word} {verb} \u2018{search_text(value)}\u2019"


def chosen_filters(filters: dict[str, str]) -> dict[str, str]:
    """The filters a person chose (those with a value), by name."""
    return {name: value for name, value in filters.items() if value}


def list_search_context(filters: dict[str, str], page, noun: tuple[str, str]) -> dict:
    """What a filtered and searched list's template shows about its filters (``filters`` has the search
    as ``q``): whether any is chosen, the query string its links keep (``query``, ending in ``&``) and its
    download's, the search as matched and what it found ("12 NQSWs match 'smith'")."""
    chosen = chosen_filters(filters)
    return {
        "filtered": bool(chosen),
        "query": urlencode(chosen) + "&" if chosen else "",
        "search": search_text(filters["q"]),
        "search_result": result_count_text(page.paginator.count, noun, filters["q"]),
        "download_query": urlencode(chosen),
    }


def national_search_record(*, actor, where: str, value: str | None) -> None:
    """Audit what national staff searched for across employers, and on which list: the national scope's
    own event names only the page, and a search for a person is a read of that person."""
    text = search_text(value)
    if text:
        audit_record(
            actor=actor, action="national.searched", employer_id=None, changes={"list": where, "search": text}
        )
