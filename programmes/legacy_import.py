"""Importing past cohorts from the national legacy portal's export: employers and their registrations.

Guarantees (docs/legacy-portal-import.md):
- every row of both files is checked before anything is written, and every bad row is reported with its
  file, line and reasons; one bad row refuses the whole import and nothing is saved;
- the import is an upsert keyed by ``Employer.legacy_ref`` and ``(employer, Registration.legacy_ref)``:
  running it again with the same files changes nothing, and a changed file updates only what changed;
- it reads the database a fixed number of times whatever the size of the files, and writes in bulk;
- it runs in the system's national scope and writes one audit event with the counts, not one per row.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from asye import clock
from asye.accounts.actor import Actor
from asye.audit.services import audit_record
from asye.tenancy.db import system_national_context
from asye.tenancy.models import Employer, EmployerType, Region, ServiceArea
from equality.models import AgeBand, Disability, EqualityMonitoring, EthnicGroup, Gender, Nationality
from equality.services import ETHNICITY_DETAILS, age_band_at, age_on
from programmes.csv_rows import CsvFileError, CsvRow, decode_csv, parse_date, read_rows
from programmes.eligibility import (
    framework_version_for,
    funding_year_bounds,
    normalise_swe_number,
    valid_swe_number,
)
from programmes.models import (
    FrameworkAvailability,
    FrameworkVersion,
    FundingStatus,
    Outcome,
    ProgrammeFramework,
    Registration,
    RegistrationStatus,
)

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
EQUALITY_FIELDS = ("gender", "age_band", "ethnic_group", "ethnicity_detail", "nationality", "disability")


# --- Spelling: values as the national report and the legacy portal write them ---------------------------


def _key(value: str) -> str:
    """Lower case, punctuation as spaces, spaces collapsed: 'White - British' → 'white british'."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", value.lower()).split())


def _choice_spellings(choices, extra: dict[str, str]) -> dict[str, str]:
    spellings = {}
    for value, label in choices:
        spellings[_key(label)] = value
        spellings[_key(value)] = value
    spellings.update({_key(k): v for k, v in extra.items()})
    return spellings


EMPLOYER_TYPES = _choice_spellings(
    EmployerType.choices,
    {"PVI": EmployerType.PVI, "Private, voluntary and independent": EmployerType.PVI},
)
REGIONS = _choice_spellings(Region.choices, {"Yorkshire and the Humber": Region.YORKSHIRE_AND_HUMBER})

GENDERS = {
    **dict.fromkeys(["female", "f", "woman"], Gender.FEMALE),
    **dict.fromkeys(["male", "m", "man"], Gender.MALE),
    **dict.fromkeys(
        ["non binary", "nonbinary", "other", "in another way", "prefer to self describe"], Gender.OTHER
    ),
}

# How exports name the groups: the GOV.UK label, the short word, and the 2011 census wording.
ETHNIC_GROUP_NAMES = {
    EthnicGroup.ASIAN: ["Asian or Asian British", "Asian", "Asian British"],
    EthnicGroup.BLACK: [
        "Black, Black British, Caribbean or African",
        "Black",
        "Black British",
        "Black or Black British",
        "Black African Caribbean or Black British",
    ],
    EthnicGroup.MIXED: ["Mixed or multiple ethnic groups", "Mixed", "Mixed or Multiple"],
    EthnicGroup.WHITE: ["White"],
    EthnicGroup.OTHER: ["Other ethnic group", "Any other ethnic group"],
}
# Common spellings of the detailed categories in older exports (stored as equality's detail codes).
ETHNIC_ALIASES = {
    "White British": (EthnicGroup.WHITE, "english_welsh_scottish_ni_british"),
    "White English": (EthnicGroup.WHITE, "english_welsh_scottish_ni_british"),
    "White Other": (EthnicGroup.WHITE, "other_white"),
    "Asian Other": (EthnicGroup.ASIAN, "other_asian"),
    "Black Other": (EthnicGroup.BLACK, "other_black"),
    "Any other Black, Black British, or Caribbean background": (EthnicGroup.BLACK, "other_black"),
    "Mixed Other": (EthnicGroup.MIXED, "other_mixed"),
}
NOT_ANSWERED = {"", "prefer not to say", "not known", "unknown", "not stated", "not recorded", "refused"}


def _ethnicity_spellings() -> dict[str, tuple[str, str]]:
    spellings: dict[str, tuple[str, str]] = {}
    for group, names in ETHNIC_GROUP_NAMES.items():
        for name in [*names, EthnicGroup(group).label]:
            spellings[_key(name)] = (group, "")
        # The detailed categories are equality's own list, stored by their codes.
        for code, detail in ETHNICITY_DETAILS[group]:
            spellings[_key(detail)] = (group, code)
            for name in [*names, EthnicGroup(group).label]:
                spellings[_key(f"{name} {detail}")] = (group, code)
    spellings.update({_key(k): v for k, v in ETHNIC_ALIASES.items()})
    return spellings


ETHNICITIES = _ethnicity_spellings()


def map_gender(raw: str) -> tuple[str, bool]:
    """The gender choice for a free-text value, and whether the value was recognised."""
    key = _key(raw)
    if key in GENDERS:
        return GENDERS[key], True
    return Gender.PREFER_NOT_TO_SAY, key in NOT_ANSWERED


def map_ethnicity(raw: str) -> tuple[str, str, bool]:
    """``(ethnic_group, ethnicity_detail, recognised)`` for a free-text value. Unknown values are not
    guessed at: they become 'prefer not to say'."""
    key = _key(raw)
    if key in ETHNICITIES:
        group, detail = ETHNICITIES[key]
        return group, detail, True
    return EthnicGroup.PREFER_NOT_TO_SAY, "", key in NOT_ANSWERED


def age_band(date_of_birth: datetime.date | None, on: datetime.date) -> str:
    """The equality monitoring age band on a day (the start date): the date of birth is not kept."""
    if date_of_birth is None:
        return AgeBand.PREFER_NOT_TO_SAY
    return age_band_at(date_of_birth, on)


def status_for(outcome: str) -> tuple[str, str]:
    """The registration's ``(status, outcome)`` for the portal's outcome."""
    if outcome in (Outcome.PASSED, Outcome.UNSUCCESSFUL):
        return RegistrationStatus.COMPLETED, outcome
    if outcome == "withdrawn":
        return RegistrationStatus.WITHDRAWN, ""
    return RegistrationStatus.ACTIVE, ""


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


@dataclass
class ImportResult:
    employers: Tally = field(default_factory=Tally)
    registrations: Tally = field(default_factory=Tally)
    equality: Tally = field(default_factory=Tally)
    # Equality answers the NQSW gave themselves are never overwritten by the import.
    equality_kept_self: int = 0
    # Free-text values the mapping did not recognise (recorded as 'prefer not to say'), by value.
    unrecognised: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "employers": self.employers.as_dict(),
            "registrations": self.registrations.as_dict(),
            "equality": {**self.equality.as_dict(), "kept_self_reported": self.equality_kept_self},
            "unrecognised": self.unrecognised,
        }


# --- Checking rows ---------------------------------------------------------------------------------------


@dataclass
class EmployerRow:
    line: int
    ref: str
    name: str
    employer_type: str
    region: str
    existing: Employer | None = None


@dataclass
class RegistrationRow:
    line: int
    ref: str
    employer_ref: str
    values: dict
    equality: dict
    version: FrameworkVersion


def _rows(text: str, name: str, columns, optional=()) -> list[CsvRow]:
    try:
        return read_rows(text, columns=columns, optional_columns=optional, what=name)
    except CsvFileError as exc:
        raise ImportRefused([BadRow(name, 0, (exc.message,))]) from exc


def _check_employers(
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
        employer_type = EMPLOYER_TYPES.get(_key(v.get("employer_type", "")))
        if employer_type is None:
            reasons.append(
                f"Unknown employer_type '{v.get('employer_type', '')}': use one of "
                + "; ".join(label for _, label in EmployerType.choices)
            )
        region = REGIONS.get(_key(v.get("region", "")))
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


def _check_registration(
    row: CsvRow,
    *,
    versions: FrameworkVersions,
    employer_type: str,
    today: datetime.date,
    result: ImportResult,
) -> tuple[list[str], dict, dict, FrameworkVersion | None]:
    """The row's problems, its values, its equality answers and its framework version (chosen for the
    employer's type: ``""`` when the employer is unknown or unreadable, which is reported elsewhere)."""
    v, reasons = row.values, list(row.errors)
    if reasons:
        return reasons, {}, {}, None

    def date_of(column: str, label: str, *, required: bool) -> datetime.date | None:
        try:
            value = parse_date(v[column], day_first=False)
        except ValueError:
            reasons.append(f"{label} '{v[column]}' is not a date: use YYYY-MM-DD")
            return None
        if value is None and required:
            reasons.append(f"Enter the {label.lower()}: the platform needs it")
        return value

    ref = v["registration_ref"]
    if not ref:
        reasons.append("Enter the registration_ref")
    elif len(ref) > 64:
        reasons.append("registration_ref must be at most 64 characters")
    service_area = v["service_area"]
    if service_area not in ServiceArea.values:
        reasons.append(f"Unknown service_area '{service_area}': use child_and_family or adults")
    for column, label in (("first_name", "first name"), ("last_name", "last name")):
        if not v[column]:
            reasons.append(f"Enter the NQSW's {label}")
        elif len(v[column]) > 100:
            reasons.append(f"The {label} must be at most 100 characters")
    swe = normalise_swe_number(v["swe_number"])
    if not swe:
        reasons.append("Enter the Social Work England number")
    elif not valid_swe_number(swe):
        reasons.append(f"Social Work England number '{v['swe_number']}' is not in the format SW123456")
    date_of_birth = date_of("date_of_birth", "Date of birth", required=False)
    qualified = date_of("qualification_date", "Qualification date", required=True)
    start = date_of("start_date", "Start date", required=True)
    cohort = COHORT.match(v["cohort"])
    if not cohort or (int(cohort.group(1)) + 1) % 100 != int(cohort.group(2)):
        reasons.append(f"Cohort '{v['cohort']}' is not a funding year like 2023-24")
    elif start is not None:
        first, last = funding_year_bounds(v["cohort"])
        if not (first <= start <= last):
            reasons.append(
                f"The start date {start:%Y-%m-%d} is not in the {v['cohort']} cohort "
                f"({first:%Y-%m-%d} to {last:%Y-%m-%d})"
            )
    if qualified is not None:
        if qualified > today:
            reasons.append("The qualification date is in the future")
        if start is not None and start < qualified:
            reasons.append("The start date is before the qualification date")
    if date_of_birth is not None and start is not None and age_on(date_of_birth, start) < 18:
        reasons.append("The date of birth makes the NQSW younger than 18 at the start date")
    deferrals_raw = v["deferrals"] or "0"
    if not deferrals_raw.isdigit() or int(deferrals_raw) > MAX_LEGACY_DEFERRALS:
        reasons.append(f"deferrals '{v['deferrals']}' must be 0, 1 or 2")
    outcome = v["outcome"].lower()
    if outcome and outcome not in OUTCOMES:
        reasons.append(f"Unknown outcome '{v['outcome']}': use {', '.join(OUTCOMES)} or leave it empty")
    funding = LEGACY_FUNDING.get(v.get("funding_status", "").lower())
    if funding is None:
        reasons.append(
            f"Unknown funding_status '{v['funding_status']}': "
            "use approved, rejected, unfunded or leave it empty"
        )
    version = None
    if start is not None and service_area in ServiceArea.values and employer_type:
        version = versions(employer_type, service_area, start)
        if version is None:
            reasons.append("No programme for this service area accepts this start date")
    if reasons or version is None:
        return reasons, {}, {}, None

    status, final_outcome = status_for(outcome)
    values = {
        "framework_version_id": version.pk,
        "first_name": v["first_name"],
        "last_name": v["last_name"],
        "swe_number": swe,
        "qualification_date": qualified,
        "start_date": start,
        "funding_year": v["cohort"],
        "funding_status": funding,
        "funding_note": FUNDING_NOTES[funding],
        "status": status,
        "outcome": final_outcome,
        "end_reason": WITHDRAWN_REASON if status == RegistrationStatus.WITHDRAWN else "",
        "legacy_deferrals": int(deferrals_raw),
    }
    gender, gender_known = map_gender(v["gender"])
    group, detail, ethnicity_known = map_ethnicity(v["ethnicity"])
    for column, known in (("gender", gender_known), ("ethnicity", ethnicity_known)):
        if not known:
            counts = result.unrecognised.setdefault(column, {})
            counts[v[column]] = counts.get(v[column], 0) + 1
    equality = {
        "gender": gender,
        "age_band": age_band(date_of_birth, start),
        "ethnic_group": group,
        "ethnicity_detail": detail,
        "nationality": Nationality.PREFER_NOT_TO_SAY,
        "disability": Disability.PREFER_NOT_TO_SAY,
    }
    return reasons, values, equality, version


# --- The import ------------------------------------------------------------------------------------------


def import_portal_export(
    *,
    employers_csv: bytes,
    registrations_csv: bytes,
    employers_name: str = "employers.csv",
    registrations_name: str = "registrations.csv",
    actor: Actor | None = None,
    today: datetime.date | None = None,
) -> ImportResult:
    """Load the legacy portal's employers and registrations, all or nothing. Raises ImportRefused with
    every bad row (nothing saved); otherwise returns what was created, updated and left unchanged."""
    today = today or clock.today()
    bad: list[BadRow] = []
    texts = {}
    for name, data in ((employers_name, employers_csv), (registrations_name, registrations_csv)):
        try:
            texts[name] = decode_csv(data, what=name)
        except CsvFileError as exc:
            bad.append(BadRow(name, 0, (exc.message,)))
    if bad:
        raise ImportRefused(bad)
    employer_rows = _rows(texts[employers_name], employers_name, EMPLOYER_COLUMNS)
    registration_rows = _rows(
        texts[registrations_name], registrations_name, REGISTRATION_COLUMNS, OPTIONAL_REGISTRATION_COLUMNS
    )
    with transaction.atomic(), system_national_context():
        result = _import(
            employer_rows,
            registration_rows,
            employers_name=employers_name,
            registrations_name=registrations_name,
            today=today,
        )
        audit_record(
            actor=actor,
            action="legacy_import.completed",
            employer_id=None,
            changes={
                **result.as_dict(),
                "files": {
                    employers_name: hashlib.sha256(employers_csv).hexdigest(),
                    registrations_name: hashlib.sha256(registrations_csv).hexdigest(),
                },
            },
        )
    return result


def _import(
    employer_rows: list[CsvRow],
    registration_rows: list[CsvRow],
    *,
    employers_name: str,
    registrations_name: str,
    today: datetime.date,
) -> ImportResult:
    result = ImportResult()
    bad: list[BadRow] = []
    all_employers = list(Employer.objects.all())
    employers = _check_employers(employer_rows, employers_name, all_employers, bad)
    known_refs = {e.legacy_ref: e for e in all_employers if e.legacy_ref}
    involved_ids = {e.pk for e in known_refs.values()} | {
        row.existing.pk for row in employers.values() if row.existing
    }
    # Every registration that could collide: the imported ones and the open ones, in one read.
    existing_regs = list(
        Registration.objects.filter(employer_id__in=involved_ids).filter(
            Q(legacy_ref__isnull=False)
            | Q(status__in=[RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED])
        )
    )
    by_legacy = {(r.employer_id, r.legacy_ref): r for r in existing_regs if r.legacy_ref}
    open_by_swe = {
        (r.employer_id, r.swe_number): r
        for r in existing_regs
        if r.status in (RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED)
    }

    def employer_id_for(ref: str) -> int | None:
        row = employers.get(ref)
        if row is not None:
            return row.existing.pk if row.existing else None
        return known_refs[ref].pk if ref in known_refs else None

    versions = FrameworkVersions()
    checked: list[RegistrationRow] = []
    lines_by_key: dict[tuple[str, str], int] = {}
    open_lines: dict[tuple[str, str], int] = {}
    areas_by_employer: dict[str, set[str]] = {}
    for row in registration_rows:
        ref, employer_ref = row.values.get("registration_ref", ""), row.values.get("employer_ref", "")
        known = employers.get(employer_ref) or known_refs.get(employer_ref)
        reasons, values, equality, version = _check_registration(
            row,
            versions=versions,
            employer_type=known.employer_type if known is not None else "",
            today=today,
            result=result,
        )
        if known is None:
            reasons.append(
                f"Unknown employer_ref '{employer_ref}': "
                f"it is neither in {employers_name} nor on the platform"
            )
        elif version is None and not reasons:
            # Its employer's row was refused and is reported: the import stops with it.
            continue
        key = (employer_ref, ref)
        if ref and key in lines_by_key:
            reasons.append(
                f"registration_ref {ref} of employer {employer_ref} is also on line {lines_by_key[key]}"
            )
        lines_by_key.setdefault(key, row.line)
        if not reasons and values["status"] == RegistrationStatus.ACTIVE:
            # One open registration per NQSW at an employer (a database constraint): in the file...
            swe_key = (employer_ref, values["swe_number"])
            if swe_key in open_lines:
                reasons.append(
                    f"{values['swe_number']} is also in progress with employer {employer_ref} on line "
                    f"{open_lines[swe_key]}"
                )
            open_lines.setdefault(swe_key, row.line)
            # ...and on the platform, unless it is this very registration.
            employer_id = employer_id_for(employer_ref)
            other = open_by_swe.get((employer_id, values["swe_number"])) if employer_id else None
            if other is not None and other.legacy_ref != ref:
                reasons.append(
                    f"{values['swe_number']} already has a registration in progress with employer "
                    f"{employer_ref} on the platform"
                )
        if reasons:
            bad.append(BadRow(registrations_name, row.line, tuple(reasons)))
            continue
        areas_by_employer.setdefault(employer_ref, set()).add(version.framework.service_area)
        checked.append(RegistrationRow(row.line, ref, employer_ref, values, equality, version))
    if bad:
        raise ImportRefused(sorted(bad, key=lambda b: (b.file != employers_name, b.line)))

    now = clock.now()
    employer_ids = _write_employers(employers, areas_by_employer, known_refs, result, now)
    _write_registrations(checked, employer_ids, by_legacy, result, now)
    return result


def _write_employers(
    employers: dict[str, EmployerRow],
    areas_by_employer: dict[str, set[str]],
    known_refs: dict[str, Employer],
    result: ImportResult,
    now: datetime.datetime,
) -> dict[str, int]:
    to_create, to_update, changed_fields = [], [], set()
    for row in employers.values():
        areas = areas_by_employer.get(row.ref, set())
        wanted = {
            "legacy_ref": row.ref,
            "name": row.name,
            "employer_type": row.employer_type,
            "region": row.region,
        }
        if row.existing is None:
            to_create.append(
                Employer(
                    **wanted,
                    serves_child_and_family=ServiceArea.CHILD_AND_FAMILY in areas,
                    serves_adults=ServiceArea.ADULTS in areas,
                )
            )
            continue
        employer = row.existing
        # Service areas are only ever added: the employer may serve an area the portal never saw.
        if ServiceArea.CHILD_AND_FAMILY in areas:
            wanted["serves_child_and_family"] = True
        if ServiceArea.ADULTS in areas:
            wanted["serves_adults"] = True
        changes = [name for name, value in wanted.items() if getattr(employer, name) != value]
        if not changes:
            result.employers.unchanged += 1
            continue
        for name in changes:
            setattr(employer, name, wanted[name])
        employer.updated_at = now
        changed_fields.update(changes)
        to_update.append(employer)
    Employer.objects.bulk_create(to_create)
    if to_update:
        Employer.objects.bulk_update(to_update, [*sorted(changed_fields), "updated_at"])
    result.employers.created = len(to_create)
    result.employers.updated = len(to_update)
    ids = {ref: employer.pk for ref, employer in known_refs.items()}
    ids.update({e.legacy_ref: e.pk for e in to_create})
    ids.update({row.ref: row.existing.pk for row in employers.values() if row.existing})
    return ids


def _write_registrations(
    rows: list[RegistrationRow],
    employer_ids: dict[str, int],
    by_legacy: dict[tuple[int, str], Registration],
    result: ImportResult,
    now: datetime.datetime,
) -> None:
    to_create: list[Registration] = []
    to_update: list[Registration] = []
    changed_fields: set[str] = set()
    equality_for: list[tuple[Registration, dict]] = []
    for row in rows:
        employer_id = employer_ids[row.employer_ref]
        registration = by_legacy.get((employer_id, row.ref))
        if registration is None:
            registration = Registration(
                employer_id=employer_id,
                legacy_ref=row.ref,
                contracted_hours=Decimal(row.version.full_time_hours),
                **row.values,
            )
            to_create.append(registration)
        else:
            changes = [name for name in MANAGED_FIELDS if getattr(registration, name) != row.values[name]]
            if changes:
                for name in changes:
                    setattr(registration, name, row.values[name])
                # Anyone holding the old version gets a conflict rather than overwriting the import.
                registration.version += 1
                registration.updated_at = now
                changed_fields.update(changes)
                to_update.append(registration)
            else:
                result.registrations.unchanged += 1
        equality_for.append((registration, row.equality))
    Registration.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        Registration.objects.bulk_update(
            to_update, [*sorted(changed_fields), "version", "updated_at"], batch_size=1000
        )
    result.registrations.created = len(to_create)
    result.registrations.updated = len(to_update)
    _write_equality(equality_for, result, now)


def _write_equality(
    items: list[tuple[Registration, dict]], result: ImportResult, now: datetime.datetime
) -> None:
    existing = {
        e.registration_id: e
        for e in EqualityMonitoring.objects.filter(
            registration_id__in=[r.pk for r, _ in items if r.pk is not None]
        )
    }
    to_create, to_update = [], []
    for registration, wanted in items:
        current = existing.get(registration.pk)
        if current is None:
            to_create.append(
                EqualityMonitoring(
                    employer_id=registration.employer_id,
                    registration_id=registration.pk,
                    source=EqualityMonitoring.Source.LEGACY_IMPORT,
                    **wanted,
                )
            )
        elif current.source != EqualityMonitoring.Source.LEGACY_IMPORT:
            result.equality_kept_self += 1
        elif any(getattr(current, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(current, name, value)
            current.updated_at = now
            to_update.append(current)
        else:
            result.equality.unchanged += 1
    EqualityMonitoring.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        EqualityMonitoring.objects.bulk_update(to_update, [*EQUALITY_FIELDS, "updated_at"], batch_size=1000)
    result.equality.created = len(to_create)
    result.equality.updated = len(to_update)
