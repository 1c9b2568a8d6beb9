"""The 360 evaluation's routes that capture an object, for tests/test_isolation.py (see
tests/isolation_support.py). Each ``make`` returns employer B's cycle, made through the services as B's
co-ordinator would: open (so that a leak would let A self-assess, invite or close it) or closed (so
that a leak would show its report)."""

from __future__ import annotations

from tests.isolation_support import ObjectRoute


def _open_cycle(employer_b, unscoped):
    from tests.evaluations.helpers import open_cycle

    return open_cycle(employer_b)


def _closed_cycle(employer_b, unscoped):
    from tests.evaluations.helpers import answers, close, self_assess

    cycle = _open_cycle(employer_b, unscoped)
    self_assess(employer_b, cycle, answers("4"))
    return close(employer_b, cycle)


OBJECT_ROUTES: dict[str, ObjectRoute] = {
    "evaluations:cycle": ObjectRoute(_open_cycle),
    "evaluations:invite": ObjectRoute(_open_cycle),
    "evaluations:close": ObjectRoute(_open_cycle),
    "evaluations:self_assessment": ObjectRoute(
        _open_cycle,
        kwargs=lambda obj: {"pk": obj.pk, "theme": 1},
        missing=lambda: {"pk": 10**9, "theme": 1},
    ),
    "evaluations:report": ObjectRoute(_closed_cycle),
    "evaluations:report_pdf": ObjectRoute(_closed_cycle),
    "api:evaluation-cycle-detail": ObjectRoute(_closed_cycle),
    "api:evaluation-cycle-report": ObjectRoute(_closed_cycle),
}

EXEMPT: dict[str, str] = {
    # Addressed by a secret, not an id: an unknown secret is a 404, a used link or a closed evaluation a
    # 410, and nothing changes (tests/evaluations/test_public_links.py).
    "evaluation_response:answer": "secret-addressed",
    # National staff only, by year (not an object); anyone else gets 403 (tests/evaluations/test_pages.py).
    "national_evaluations:composite_export": "national",
}
