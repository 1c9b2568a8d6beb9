"""Importing past cohorts from the national legacy portal's export: employers and their registrations.

Guarantees (docs/legacy-portal-import.md):
- every row of both files is checked before anything is written, and every bad row is reported with its
  file, line and reasons; one bad row refuses the whole import and nothing is saved;
- the import is an upsert keyed by ``Employer.legacy_ref`` and ``(employer, Registration.legacy_ref)``:
  running it again with the same files changes nothing, and a changed file updates only what changed;
- it reads the database a fixed number of times whatever the size of the files, and writes in bulk;
- it runs in the system's national scope and writes one audit event with the counts, not one per row.

This module holds the spellings of the export's values, the registration row's check and the import
itself, and is the only one to touch equality data; ``programmes.legacy_rows`` reads the files and checks
the employer rows, ``programmes.legacy_writes`` writes employers and registrations.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from asye import clock
from asye.accounts.actor import Actor
from asye.audit.services import audit_record
from asye.tenancy.db import system_national_context
from asye.tenancy.models import Employer, ServiceArea
from equality.models import AgeBand, Disability, EqualityMonitoring, EthnicGroup, Gender, Nationality
from equality.services import ETHNICITY_DETAILS, age_band_at, age_on
from programmes.csv_rows import CsvFileError, CsvRow, decode_csv, parse_date
from programmes.eligibility import funding_year_bounds, normalise_swe_number, valid_swe_number
from programmes.legacy_rows import (
    COHORT,
    EMPLOYER_COLUMNS,
    FUNDING_NOTES,
    LEGACY_FUNDING,
    MAX_LEGACY_DEFERRALS,
    OPTIONAL_REGISTRATION_COLUMNS,
    OUTCOMES,
    REGISTRATION_COLUMNS,
    WITHDRAWN_REASON,
    BadRow,
    FrameworkVersions,
    ImportRefused,
    RegistrationRow,
    Tally,
    check_employers,
    read_export_rows,
    spelling_key,
)
from programmes.legacy_writes import write_employers, write_registrations
from programmes.models import FrameworkVersion, Outcome, Registration, RegistrationStatus


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


EQUALITY_FIELDS = ("gender", "age_band", "ethnic_group", "ethnicity_detail", "nationality", "disability")


# --- Spelling: values as the national report and the legacy portal write them ---------------------------


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
            spellings[spelling_key(name)] = (group, "")
        # The detailed categories are equality's own list, stored by their codes.
        for code, detail in ETHNICITY_DETAILS[group]:
            spellings[spelling_key(detail)] = (group, code)
            for name in [*names, EthnicGroup(group).label]:
                spellings[spelling_key(f"{name} {detail}")] = (group, code)
    spellings.update({spelling_key(k): v for k, v in ETHNIC_ALIASES.items()})
    return spellings


ETHNICITIES = _ethnicity_spellings()


def map_gender(raw: str) -> tuple[str, bool]:
    """The gender choice for a free-text value, and whether the value was recognised."""
    key = spelling_key(raw)
    if key in GENDERS:
        return GENDERS[key], True
    return Gender.PREFER_NOT_TO_SAY, key in NOT_ANSWERED


def map_ethnicity(raw: str) -> tuple[str, str, bool]:
    """``(ethnic_group, ethnicity_detail, recognised)`` for a free-text value. Unknown values are not
    guessed at: they become 'prefer not to say'."""
    key = spelling_key(raw)
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
    employer_rows = read_export_rows(texts[employers_name], employers_name, EMPLOYER_COLUMNS)
    registration_rows = read_export_rows(
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
    employers = check_employers(employer_rows, employers_name, all_employers, bad)
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
    employer_ids = write_employers(employers, areas_by_employer, known_refs, result.employers, now)
    equality_for = write_registrations(checked, employer_ids, by_legacy, result.registrations, now)
    _write_equality(equality_for, result, now)
    return result


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
