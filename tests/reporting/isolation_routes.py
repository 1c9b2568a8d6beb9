"""Reporting's routes that capture an object, for tests/test_isolation.py (see tests/isolation_support.py).

Every reporting page is national staff's only: anyone else gets 403 before any object is read
(tests/reporting/test_outputs.py::test_employer_staff_reach_no_report)."""

from __future__ import annotations

OBJECT_ROUTES: dict = {}

EXEMPT: dict[str, str] = {
    # A table of national figures by its name, not an employer's object.
    "reports:csv": "national",
    # A past run of the annual report (a national job): any national staff member may download it.
    "reports:run_download": "national",
    # Publishing a past run, and withdrawing a publication: national staff only (an employer's job or
    # any other kind gives 404, tests/reporting/test_published_report.py).
    "reports:publish": "national",
    "reports:withdraw": "national",
    # A published report: public by design, and it holds only published (suppressed) figures.
    "published_reports:detail": "public: a report national staff published, suppressed figures only",
}
