"""The registration rules that decide whether a registration is valid and whether it is funded."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from programmes.models import FrameworkVersion, FundingStatus, ProgrammeFramework

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


def framework_version_for(*, service_area: str, start_date: datetime.date) -> FrameworkVersion | None:
    """The current version of the framework for a service area that accepts this start date."""
    framework = (
        ProgrammeFramework.objects.filter(service_area=service_area, available_from__lte=start_date)
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=start_date))
        .order_by("-available_from")
        .first()
    )
    return framework.current_version() if framework else None


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
    facts: RegistrationFacts, *, today: datetime.date, allowed_years: list[str] | None = None
) -> tuple[dict[str, list[str]], FrameworkVersion | None]:
    """Every problem with a registration, by field (empty when valid), and the framework version it
    would start under. Funding eligibility is not a problem: an unfunded registration is valid."""
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
    if facts.qualification_date is None:
        add("qualification_date", "Enter the date the NQSW qualified")
    elif facts.qualification_date > today:
        add("qualification_date", "The qualification date must be today or in the past")
    if facts.start_date is None:
        add("start_date", "Enter the date the NQSW starts the programme")
    elif facts.qualification_date and facts.start_date < facts.qualification_date:
        add("start_date", "The start date must be on or after the qualification date")
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
        version = framework_version_for(service_area=facts.service_area, start_date=facts.start_date)
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
