"""The legacy portal export's rows: the columns and values it uses, the results and refusals of an import,
reading the files and checking the employer rows, and the framework version a registration row gets.

No equality data here: the equality answers (and the import's result, which counts them) are read and
written only by ``programmes.legacy_import``.
"""

from __future__ import annotations

import bisect
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from asye.tenancy.models import Employer, EmployerType, Region
from programmes.csv_rows import CsvFileError, CsvRow, csv_text_lines, iter_rows
from programmes.eligibility import framework_version_for
from programmes.models import FrameworkAvailability, FrameworkVersion, FundingStatus, ProgrammeFramework

EMPLOYER_COLUMNS = ("employer_ref", "name", "employer_type", "region")
REGISTRATION_COLUMNS = (
    "registration_ref",
    "employer_ref",
    "service_area",
    "cohort",
    "first_name",
    "last_name",
    "swe_number",
    "date_of_birth",
    "qualification_date",
    "start_date",
    "gender",
    "ethnicity",
    "deferrals",
    "outcome",
)
# Optional: the legacy portal records funding only for rows that were not funded.
OPTIONAL_REGISTRATION_COLUMNS = ("funding_status",)

COHORT = re.compile(r"^([0-9]{4})-([0-9]{2})$")
MAX_LEGACY_DEFERRALS = 2
OUTCOMES = ("in_progress", "passed", "unsuccessful", "withdrawn")
LEGACY_FUNDING = {
    "": FundingStatus.APPROVED,
    "approved": FundingStatus.APPROVED,
    "rejected": FundingStatus.REJECTED,
    "unfunded": FundingStatus.UNFUNDED,
}
FUNDING_NOTES = {
    FundingStatus.APPROVED: "",
    FundingStatus.REJECTED: "Not approved for funding (recorded in the legacy portal).",
    FundingStatus.UNFUNDED: "Not eligible for funding (recorded in the legacy portal).",
}
WITHDRAWN_REASON = "Withdrawn (recorded in the legacy portal)."

# The fields the import owns on a registration: compared on every run, updated when the file changes.
# Contracted hours and email are not in the export: set once when the row is created, never compared.
MANAGED_FIELDS = (
    "framework_version_id",
    "first_name",
    "last_name",
    "swe_number",
    "qualification_date",
    "start_date",
    "funding_year",
    "funding_status",
    "funding_note",
    "status",
    "outcome",
    "end_reason",
    "legacy_deferrals",
)


# --- Spelling: values as the national report and the legacy portal write them ---------------------------


def spelling_key(value: str) -> str:
    """Lower case, punctuation as spaces, spaces collapsed: 'White - British' → 'white british'."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", value.lower()).split())


def choice_spellings(choices, extra: dict[str, str]) -> dict[str, str]:
    """A choice's value by each way of writing it: its label, its value and the extra spellings."""
    spellings = {}
    for value, label in choices:
        spellings[spelling_key(label)] = value
        spellings[spelling_key(value)] = value
    spellings.update({spelling_key(k): v for k, v in extra.items()})
    return spellings


EMPLOYER_TYPES = choice_spellings(
    EmployerType.choices,
    {"PVI": EmployerType.PVI, "Private, voluntary and independent": EmployerType.PVI},
)
REGIONS = choice_spellings(Region.choices, {"Yorkshire and the Humber": Region.YORKSHIRE_AND_HUMBER})

# --- Results and refusals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int  # 0 for the file as a whole
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        return f"{where}: {'; '.join(self.reasons)}"


class ImportRefused(Exception):
    """At least one row is bad: nothing was saved. ``bad_rows`` lists every one."""

    def __init__(self, bad_rows: list[BadRow]):
        super().__init__(f"{len(bad_rows)} bad row(s): nothing was imported")
        self.bad_rows = bad_rows


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


# --- Checking rows ---------------------------------------------------------------------------------------


@dataclass
class EmployerRow:
    line: int
    ref: str
    name: str
    employer_type: str
    region: str
    existing: Employer | None = None


def export_file(data: bytes | BinaryIO) -> BinaryIO:
    """An export as an open binary file: the command passes the file itself, so that it is read as the
    import goes rather than held; tests and callers with the bytes in hand pass them."""
    return io.BytesIO(data) if isinstance(data, bytes | bytearray) else data


def iter_export_rows(stream: BinaryIO, name: str, columns, optional=()) -> Iterator[CsvRow]:
    """The rows of an export file (already checked with ``check_csv_file``), one at a time as they are
    read: a refusal of the file as a whole (a missing column, broken quoting) is ImportRefused."""
    try:
        with csv_text_lines(stream) as lines:
            yield from iter_rows(lines, columns=columns, optional_columns=optional, what=name)
    except CsvFileError as exc:
        raise ImportRefused([BadRow(name, 0, (exc.message,))]) from exc


def check_employers(
    rows: list[CsvRow], name: str, existing: list[Employer], bad: list[BadRow]
) -> dict[str, EmployerRow]:
    by_ref = {e.legacy_ref: e for e in existing if e.legacy_ref}
    by_name = {e.name: e for e in existing}
    checked: dict[str, EmployerRow] = {}
    lines_by_name: dict[str, int] = {}
    for row in rows:
        v, reasons = row.values, list(row.errors)
        ref, employer_name = v.get("employer_ref", ""), v.get("name", "")
        if not ref:
            reasons.append("Enter the employer_ref")
        elif len(ref) > 64:
            reasons.append("employer_ref must be at most 64 characters")
        elif ref in checked:
            reasons.append(f"employer_ref {ref} is also on line {checked[ref].line}")
        if not employer_name:
            reasons.append("Enter the employer's name")
        elif len(employer_name) > 200:
            reasons.append("The name must be at most 200 characters")
        elif employer_name in lines_by_name:
            reasons.append(f"The name {employer_name} is also on line {lines_by_name[employer_name]}")
        employer_type = EMPLOYER_TYPES.get(spelling_key(v.get("employer_type", "")))
        if employer_type is None:
            reasons.append(
                f"Unknown employer_type '{v.get('employer_type', '')}': use one of "
                + "; ".join(label for _, label in EmployerType.choices)
            )
        region = REGIONS.get(spelling_key(v.get("region", "")))
        if region is None:
            reasons.append(
                f"Unknown region '{v.get('region', '')}': use one of "
                + "; ".join(label for _, label in Region.choices)
            )
        current = by_ref.get(ref)
        if current is None and employer_name in by_name:
            # An employer already on the platform, not yet linked to the portal: link it by its name.
            same_name = by_name[employer_name]
            if same_name.legacy_ref and same_name.legacy_ref != ref:
                reasons.append(
                    f"An employer called {employer_name} is already on the platform with the legacy "
                    f"reference {same_name.legacy_ref}"
                )
            current = same_name
        elif current is not None and employer_name != current.name and employer_name in by_name:
            reasons.append(f"Another employer on the platform is already called {employer_name}")
        if reasons:
            bad.append(BadRow(name, row.line, tuple(reasons)))
            if ref and ref not in checked:
                checked[ref] = EmployerRow(row.line, ref, employer_name, "", "")
            continue
        lines_by_name[employer_name] = row.line
        checked[ref] = EmployerRow(row.line, ref, employer_name, employer_type, region, existing=current)
    return checked


class FrameworkVersions:
    """``framework_version_for``, asked once per employer type, service area and stretch of dates over
    which its answer cannot change.

    Its answer depends on the date only through the frameworks' overall bounds and their availability
    rows (``available_from``, ``available_until``), so between two consecutive such boundaries every date
    gets the same version: thousands of start dates need only a handful of look-ups, and the rule stays in
    one place."""

    def __init__(self):
        bounds = set()
        periods = [
            *ProgrammeFramework.objects.values_list("available_from", "available_until"),
            *FrameworkAvailability.objects.values_list("available_from", "available_until"),
        ]
        for available_from, available_until in periods:
            bounds.add(available_from)
            if available_until is not None:
                bounds.add(available_until + datetime.timedelta(days=1))
        self._bounds = sorted(bounds)
        self._found: dict[tuple[str, str, int], FrameworkVersion | None] = {}

    def __call__(
        self, employer_type: str, service_area: str, start_date: datetime.date
    ) -> FrameworkVersion | None:
        key = (employer_type, service_area, bisect.bisect_right(self._bounds, start_date))
        if key not in self._found:
            self._found[key] = framework_version_for(
                employer_type=employer_type, service_area=service_area, start_date=start_date
            )
        return self._found[key]
