"""The registrations report: NQSWs registered and employers registering in a funding year, by employer
type, by region (with the North, Midlands and South groups), by service area, and the trend over years.

Counted in SQL (one ``GROUP BY`` query, by funding year, employer and service area, whose few hundred
rows are added up here) inside a national scope (a national view's, or the system
national context of a job or command); the results are plain dicts and lists, so the HTML pages, the
JSON, the PDF and the workbook all read the same figures.

What is counted:

- **NQSWs registered**: registrations whose funding year (``Registration.funding_year``, the cohort) is
  the year, whatever their status or funding decision since, for the chosen service area (the
  framework's). A transfer continues a registration at another employer (``transferred_from``) and is
  not a new registration, so it is not counted again.
- **Employers registering**: employers with at least one of those registrations (not every employer on
  the platform: one that registered nobody that year is not counted).
- **Rows**: the employer types and regions in the national annual report's order; ``Other`` (an employer
  type the report has no row for) appears only when it has registrations.
"""

from __future__ import annotations

from django.db.models import Count, F, QuerySet

from asye.tenancy.models import EmployerType, Region, ServiceArea
from programmes.models import Registration
from reporting.disclosure import share

BOTH = "both"
SERVICE_AREA_CHOICES = [
    (BOTH, "Child and family and adults"),
    (ServiceArea.CHILD_AND_FAMILY, "Child and family"),
    (ServiceArea.ADULTS, "Adults"),
]
# England's nine regions in three groups, as the annual report counts its shares (East of England with
# the Midlands: the report's 32%, 24% and 44% of 2023-24 are these groups' shares of employers).
REGION_GROUPS = [
    ("North", (Region.NORTH_EAST, Region.NORTH_WEST, Region.YORKSHIRE_AND_HUMBER)),
    ("Midlands", (Region.EAST_OF_ENGLAND, Region.EAST_MIDLANDS, Region.WEST_MIDLANDS)),
    ("South", (Region.SOUTH_EAST, Region.SOUTH_WEST, Region.LONDON)),
]
# Shown even when empty (the report's rows); any other type only when it has registrations.
REPORTED_EMPLOYER_TYPES = (
    EmployerType.LOCAL_AUTHORITY,
    EmployerType.PVI,
    EmployerType.FOSTERING,
    EmployerType.NHS,
    EmployerType.SCHOOL,
)


def service_area_label(service_area: str) -> str:
    return dict(SERVICE_AREA_CHOICES).get(service_area, "")


def _registrations(service_area: str) -> QuerySet[Registration]:
    rows = Registration.objects.filter(transferred_from__isnull=True)
    if service_area != BOTH:
        rows = rows.filter(framework_version__framework__service_area=service_area)
    return rows.order_by()


def registration_years(*, service_area: str = BOTH) -> list[str]:
    """The funding years anyone is registered in, oldest first (one query)."""
    years = _registrations(service_area).values_list("funding_year", flat=True).distinct()
    return sorted(years)


def _counts_by_employer() -> list[dict]:
    """Registrations counted in SQL by funding year, employer (with its type and region) and service area:
    one pass over the registrations, giving at most years x employers x 2 rows, from which every table
    below is added up (distinct employers need the employer, so no coarser grouping would do)."""
    return list(
        _registrations(BOTH)
        .values(
            "funding_year",
            "employer_id",
            employer_type=F("employer__employer_type"),
            region=F("employer__region"),
            service_area=F("framework_version__framework__service_area"),
        )
        .annotate(nqsws=Count("id"))
    )


def _tally(rows: list[dict], key: str | None = None) -> dict:
    """NQSWs and distinct employers of ``rows``, in all (``key`` None) or by the value of ``key``."""
    groups: dict = {}
    for row in rows:
        group = groups.setdefault(None if key is None else row[key], {"employers": set(), "nqsws": 0})
        group["employers"].add(row["employer_id"])
        group["nqsws"] += row["nqsws"]
    return {
        value: {"employers": len(group["employers"]), "nqsws": group["nqsws"]}
        for value, group in groups.items()
    }


def _in_area(rows: list[dict], service_area: str) -> list[dict]:
    return rows if service_area == BOTH else [row for row in rows if row["service_area"] == service_area]


def _trend(rows: list[dict], until: str | None) -> list[dict]:
    counts = _tally(rows, "funding_year")
    trend = []
    previous = None
    for year in sorted(counts):
        if until and year > until:
            break
        nqsws = counts[year]["nqsws"]
        change = None if previous is None else nqsws - previous
        trend.append(
            {
                "year": year,
                "employers": counts[year]["employers"],
                "nqsws": nqsws,
                "change": change,
                "change_percent": None if not previous else round(100 * change / previous, 1),
            }
        )
        previous = nqsws
    return trend


def registrations_trend(*, service_area: str = BOTH, until: str | None = None) -> list[dict]:
    """Each funding year's NQSWs registered and employers registering, oldest first (up to ``until``), with
    the change in NQSWs on the year before (``None`` for the first year or after a year with none)."""
    return _trend(_in_area(_counts_by_employer(), service_area), until)


def registrations_report(*, year: str, service_area: str = BOTH) -> dict:
    """The registrations report for ``year`` and ``service_area`` (``both``, ``child_and_family`` or
    ``adults``): exact counts, as national staff see them. One query; evaluate inside a national scope."""
    every = _counts_by_employer()
    in_year = [row for row in every if row["funding_year"] == year]
    chosen = _in_area(in_year, service_area)
    empty = {"employers": 0, "nqsws": 0}
    totals = _tally(chosen).get(None, empty)
    by_type = _tally(chosen, "employer_type")
    by_region = _tally(chosen, "region")
    types = [
        {"code": code, "label": label, **by_type.get(code, empty)}
        for code, label in EmployerType.choices
        if code in REPORTED_EMPLOYER_TYPES or code in by_type
    ]
    regions = [{"code": code, "label": label, **by_region.get(code, empty)} for code, label in Region.choices]
    groups = []
    for name, members in REGION_GROUPS:
        employers = sum(by_region.get(code, empty)["employers"] for code in members)
        nqsws = sum(by_region.get(code, empty)["nqsws"] for code in members)
        groups.append(
            {
                "label": name,
                "regions": [Region(code).label for code in members],
                "employers": employers,
                "nqsws": nqsws,
                "employers_share": share(employers, totals["employers"]),
                "nqsws_share": share(nqsws, totals["nqsws"]),
            }
        )
    by_area = _tally(in_year, "service_area")
    areas = [
        {"code": code, "label": label, **by_area.get(code, empty)} for code, label in ServiceArea.choices
    ]
    return {
        "year": year,
        "service_area": service_area,
        "service_area_label": service_area_label(service_area),
        "total": totals["nqsws"],
        "employers": totals["employers"],
        "by_employer_type": types,
        "by_region": regions,
        "region_groups": groups,
        "by_service_area": areas,
        "all_service_areas": _tally(in_year).get(None, empty),
        "trend": _trend(_in_area(every, service_area), until=year),
    }
