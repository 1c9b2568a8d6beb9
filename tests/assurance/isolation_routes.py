"""Assurance's routes that capture an object, for tests/test_isolation.py (see tests/isolation_support.py)."""

from __future__ import annotations

from tests.isolation_support import ObjectRoute


def make_raised(employer_b, unscoped):
    """A matter national staff raised with B."""
    from tests.assurance.helpers import raised_with

    return raised_with(employer_b)


def make_meeting(employer_b, unscoped):
    """A QA review meeting national staff scheduled with B."""
    from tests.assurance.helpers import meeting_with

    return meeting_with(employer_b)


OBJECT_ROUTES: dict[str, ObjectRoute] = {
    "assurance:raised": ObjectRoute(make_raised),
    "assurance:meeting": ObjectRoute(make_meeting),
    "assurance:submission": ObjectRoute(make_meeting),
    "assurance:submission_send": ObjectRoute(make_meeting),
    "assurance:submission_file": ObjectRoute(
        make_meeting,
        kwargs=lambda obj: {"pk": obj.pk, "which": "report"},
        missing=lambda: {"pk": 10**9, "which": "report"},
    ),
}

EXEMPT: dict[str, str] = {
    # NQSWs only (anyone else gets 403 before any object is read); another NQSW's concern and a missing one
    # are both 404 (tests/assurance/test_confidential_route.py::test_another_nqsw_cannot_open_a_concern).
    "assurance:concern": "nqsw-only",
    # National staff only; anyone else gets 403 before any object is read
    # (tests/assurance/test_confidential_route.py, test_review_meetings.py).
    "national_assurance:concern": "national",
    "national_assurance:concern_raise": "national",
    "national_assurance:meeting": "national",
    "national_assurance:meeting_file": "national",
}
