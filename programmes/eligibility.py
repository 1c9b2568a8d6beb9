"""The registration rules that decide whether a registration is valid and whether it is funded."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from programmes.models import FrameworkAvailability, FrameworkVersion, FundingStatus

SWE_PATTERN = re.compile(r"^SW[0-9]{1,10}$")


def normalise_swe_number(value: str) -> str:
    """Social Work England numbers are stored upper case without spaces: ``sw 123456`` → ``SW123456``."""
    return re.sub(r"\s+", "", value or "").upper()


def valid_swe_number(value: str) -> bool:
    return bool(SWE_PATTERN.match(value))


def funding_year_of(day: datetime.date) -> str:
    """The funding year (1 April to 31 March) a date falls in, like ``2026-27``."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{str(first + 1)[-2:]}"


def funding_year_bounds(label: str) -> tuple[datetime.date, datetime.date]:
    first = int(label[:4])
    return datetime.date(first, 4, 1), datetime.date(first + 1, 3, 31)


def open_funding_years(today: datetime.date) -> list[str]:
    """Employers register starts in the current funding year and, from January, the next one."""
    current = funding_year_of(today)
    years = [current]
    if today.month in (1, 2, 3):
        years.append(funding_year_of(datetime.date(today.year, 4, 1)))
    return years


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# Dates that make sense (issue #12, finding 10): nobody registers for a programme they qualified for
# more than this many years ago, or that starts more than this many years ahead (the registration window
# reaches at most 15 months ahead: the next funding year, from January).
EARLIEST_QUALIFICATION_YEARS = 50
LATEST_START_YEARS_AHEAD = 2


def date_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The earliest qualification (or start) date and the latest start date the rules accept."""
    return add_years(today, -EARLIEST_QUALIFICATION_YEARS), add_years(today, LATEST_START_YEARS_AHEAD)


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def framework_version_for(
    *, employer_type: str, service_area: str, start_date: datetime.date
) -> FrameworkVersion | None:
    """The current version of the framework an employer of this type runs in a service area for a
    programme starting on this date, or None if none may.

    Which frameworks an employer may use is data (``FrameworkAvailability``, kept by national staff): a
    row for the employer type must hold the start date, and so must the framework's own overall bounds.
    Where two frameworks are open to the same employer type on the same day, the one whose availability
    began latest wins (a newer programme replacing an older one); a framework with no published version
    is passed over."""
    rows = (
        FrameworkAvailability.objects.filter(
            employer_type=employer_type,
            framework__service_area=service_area,
            available_from__lte=start_date,
            framework__available_from__lte=start_date,
        )
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=start_date))
        .filter(Q(framework__available_until__isnull=True) | Q(framework__available_until__gte=start_date))
        .select_related("framework")
        .order_by("-available_from", "framework__code")
    )
    for row in rows:
        version = row.framework.current_version()
        if version is not None:
            return version
    return None


@dataclass
class RegistrationFacts:
    """What a co-ordinator (form, API or CSV row) says about a new registration, checked field by field."""

    first_name: str
    last_name: str
    email: str
    swe_number: str
    qualification_date: datetime.date | None
    start_date: datetime.date | None
    contracted_hours: Decimal | None
    service_area: str


def parse_hours(raw) -> Decimal | None:
    try:
        return Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None


def check_registration(
    facts: RegistrationFacts,
    *,
    today: datetime.date,
    employer_type: str,
    allowed_years: list[str] | None = None,
) -> tuple[dict[str, list[str]], FrameworkVersion | None]:
    """Every problem with a registration, by field (empty when valid), and the framework version it
    would start under at an employer of ``employer_type``. Funding eligibility is not a problem: an
    unfunded registration is valid."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not facts.first_name.strip():
        add("first_name", "Enter the NQSW's first name")
    if not facts.last_name.strip():
        add("last_name", "Enter the NQSW's last name")
    if not facts.swe_number:
        add("swe_number", "Enter the NQSW's Social Work England number")
    elif not valid_swe_number(facts.swe_number):
        add("swe_number", "Enter a Social Work England number in the correct format, like SW123456")
    earliest, latest_start = date_bounds(today)
    if facts.qualification_date is None:
        add("qualification_date", "Enter the date the NQSW qualified")
    elif facts.qualification_date > today:
        add("qualification_date", "The qualification date must be today or in the past")
    elif facts.qualification_date < earliest:
        add("qualification_date", f"The qualification date must be on or after {long_date(earliest)}")
    if facts.start_date is None:
        add("start_date", "Enter the date the NQSW starts the programme")
    elif facts.qualification_date and facts.start_date < facts.qualification_date:
        add("start_date", "The start date must be on or after the qualification date")
    elif facts.start_date < earliest:
        add("start_date", f"The start date must be on or after {long_date(earliest)}")
    elif facts.start_date > latest_start:
        add("start_date", f"The start date must be on or before {long_date(latest_start)}")
    if facts.start_date is not None and allowed_years is not None:
        year = funding_year_of(facts.start_date)
        if year not in allowed_years:
            first, last = funding_year_bounds(allowed_years[0])
            last = funding_year_bounds(allowed_years[-1])[1]
            add(
                "start_date",
                f"The start date must be in the funding year open for registration: between "
                f"{first:%-d %B %Y} and {last:%-d %B %Y}",
            )
    if facts.contracted_hours is None:
        add("contracted_hours", "Enter contracted hours a week as a number, like 37 or 22.5")
    elif not (Decimal("1") <= facts.contracted_hours <= Decimal("48")):
        add("contracted_hours", "Contracted hours must be between 1 and 48 a week")
    if facts.service_area not in ("child_and_family", "adults"):
        add("service_area", "Select child and family or adults")
    version = None
    if facts.start_date is not None and "service_area" not in errors:
        version = framework_version_for(
            employer_type=employer_type, service_area=facts.service_area, start_date=facts.start_date
        )
        if version is None:
            add("start_date", "No programme for this service area accepts this start date")
    return errors, version


def funding_decision(
    *, qualification_date: datetime.date, start_date: datetime.date, version: FrameworkVersion
) -> tuple[str, str]:
    """Before duplicate checks: awaiting approval, or unfunded with the reason."""
    limit = add_years(qualification_date, version.funding_qualification_years)
    if start_date > limit:
        return (
            FundingStatus.UNFUNDED,
            f"Qualified more than {version.funding_qualification_years} years before the start date. "
            "You may still run the programme, without funding.",
        )
    return FundingStatus.AWAITING_APPROVAL, ""
