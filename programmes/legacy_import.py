# ruff: noqa: S608 - table and column names are the models' own; values are parameters.
"""Importing past cohorts from the national legacy portal's export: employers and their registrations.

Guarantees (docs/legacy-portal-import.md):
- every row of both files is checked before anything is written, and every bad row is reported with its
  file, line and reasons; one bad row refuses the whole import and nothing is saved;
- the import is an upsert keyed by ``Employer.legacy_ref`` and ``(employer, Registration.legacy_ref)``:
  running it again with the same files changes nothing, and a changed file updates only what changed;
- it holds no more than a chunk of registration rows whatever the size of the files: each row is checked
  as it is read and staged in the database (``programmes.legacy_stage``), the checks across rows run in
  SQL there, and the rows are moved from the stage in set-based statements, all in one transaction;
- it runs in the system's national scope and writes one audit event with the counts, not one per row.

This module holds the spellings of the export's values, the registration row's check and the import
itself, and is the only one to touch equality data; ``programmes.legacy_rows`` reads the files and checks
the employer rows, ``programmes.legacy_writes`` writes employers and registrations.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.audit.services import audit_record
from asye.tenancy.db import system_national_context
from asye.tenancy.models import Employer, ServiceArea
from equality.models import AgeBand, Disability, EqualityMonitoring, EthnicGroup, Gender, Nationality
from equality.services import ETHNICITY_DETAILS, age_band_at, age_on
from programmes.csv_rows import CsvFileError, CsvRow, check_csv_file, parse_date
from programmes.eligibility import funding_year_bounds, normalise_swe_number, valid_swe_number
from programmes.legacy_rows import (
    COHORT,
    EMPLOYER_COLUMNS,
    FUNDING_NOTES,
    LEGACY_FUNDING,
    MANAGED_FIELDS,
    MAX_LEGACY_DEFERRALS,
    OPTIONAL_REGISTRATION_COLUMNS,
    OUTCOMES,
    REGISTRATION_COLUMNS,
    WITHDRAWN_REASON,
    BadRow,
    FrameworkVersions,
    ImportRefused,
    Tally,
    check_employers,
    export_file,
    iter_export_rows,
    spelling_key,
)
from programmes.legacy_stage import Stage, column_type, insert_columns
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


SERVICE_AREAS = frozenset(ServiceArea.values)  # read once: the enum builds the list on every use
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
    if service_area not in SERVICE_AREAS:
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
    if start is not None and service_area in SERVICE_AREAS and employer_type:
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
    employers_csv: bytes | BinaryIO,
    registrations_csv: bytes | BinaryIO,
    employers_name: str = "employers.csv",
    registrations_name: str = "registrations.csv",
    actor: Actor | None = None,
    today: datetime.date | None = None,
) -> ImportResult:
    """Load the legacy portal's employers and registrations, all or nothing. Raises ImportRefused with
    every bad row (nothing saved); otherwise returns what was created, updated and left unchanged.

    Each file is given as its bytes or as an open binary file (seekable: it is read twice, once to check
    it as a whole and once row by row). Registration rows are not held in memory: each is checked as it
    is read and staged in the database, in one transaction."""
    today = today or clock.today()
    files = [
        (employers_name, export_file(employers_csv)),
        (registrations_name, export_file(registrations_csv)),
    ]
    bad: list[BadRow] = []
    digests = {}
    for name, stream in files:
        try:
            digests[name] = check_csv_file(stream, what=name)
        except CsvFileError as exc:
            bad.append(BadRow(name, 0, (exc.message,)))
    if bad:
        raise ImportRefused(bad)
    with transaction.atomic(), system_national_context():
        result = _import(files, today=today)
        audit_record(
            actor=actor,
            action="legacy_import.completed",
            employer_id=None,
            changes={**result.as_dict(), "files": digests},
        )
    return result


def _stage_columns() -> dict[str, str]:
    """What is staged of a registration row: its employer (when already on the platform), the values it
    writes to the registration and its equality answers."""
    return {
        "employer_id": "bigint",
        "contracted_hours": column_type(Registration, "contracted_hours"),
        **{name: column_type(Registration, name) for name in MANAGED_FIELDS},
        **{name: column_type(EqualityMonitoring, name) for name in EQUALITY_FIELDS},
    }


def _import(files: list[tuple[str, BinaryIO]], *, today: datetime.date) -> ImportResult:
    (employers_name, employers_file), (registrations_name, registrations_file) = files
    result = ImportResult()
    bad: list[BadRow] = []
    all_employers = list(Employer.objects.all())
    # Employers are few: their rows are held, and checked first.
    employer_rows = list(iter_export_rows(employers_file, employers_name, EMPLOYER_COLUMNS))
    employers = check_employers(employer_rows, employers_name, all_employers, bad)
    known_refs = {e.legacy_ref: e for e in all_employers if e.legacy_ref}

    def employer_id_for(ref: str) -> int | None:
        row = employers.get(ref)
        if row is not None:
            return row.existing.pk if row.existing else None
        return known_refs[ref].pk if ref in known_refs else None

    versions = FrameworkVersions()
    reasons_by_line: dict[int, list[str]] = {}
    areas_by_employer: dict[str, set[str]] = {}
    with Stage(_stage_columns()) as stage:
        rows = iter_export_rows(
            registrations_file, registrations_name, REGISTRATION_COLUMNS, OPTIONAL_REGISTRATION_COLUMNS
        )
        for row in rows:
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
            if reasons:
                reasons_by_line[row.line] = reasons
            else:
                areas_by_employer.setdefault(employer_ref, set()).add(version.framework.service_area)
                values |= equality | {"contracted_hours": version.full_time_hours}
            stage.add(
                row.line,
                employer_ref,
                ref,
                not reasons,
                {**values, "employer_id": employer_id_for(employer_ref)},
            )
        # A reference twice, an NQSW in progress twice or already on the platform: checked over the stage.
        for problem in stage.cross_row_problems():
            reasons_by_line.setdefault(problem.line, []).append(problem.reason)
        bad += [BadRow(registrations_name, line, tuple(reasons)) for line, reasons in reasons_by_line.items()]
        if bad:
            raise ImportRefused(sorted(bad, key=lambda b: (b.file != employers_name, b.line)))

        now = clock.now()
        write_employers(employers, areas_by_employer, known_refs, result.employers, now)
        write_registrations(stage, result.registrations, now)
        _write_equality(stage, result, now)
    return result


def _write_equality(stage: Stage, result: ImportResult, now: datetime.datetime) -> None:
    """Each imported registration's equality answers, from the stage: created where it has none, updated
    where the import wrote them and they changed; answers the NQSW gave themselves are kept."""
    table = EqualityMonitoring._meta.db_table
    staged = (
        f"{{stage}} AS s JOIN {Registration._meta.db_table} AS r "
        "ON r.employer_id = s.employer_id AND r.legacy_ref = s.ref"
    )
    imported = EqualityMonitoring.Source.LEGACY_IMPORT
    [(result.equality_kept_self,)] = stage.fetch(
        f"SELECT count(*) FROM {staged} JOIN {table} AS e ON e.registration_id = r.id WHERE e.source <> %s",
        [imported],
    )
    result.equality.updated = stage.execute(
        f"""UPDATE {table} AS e SET {", ".join(f"{c} = s.{c}" for c in EQUALITY_FIELDS)}, updated_at = %s
            FROM {staged}
            WHERE e.registration_id = r.id AND e.source = %s
              AND ({" OR ".join(f"e.{c} IS DISTINCT FROM s.{c}" for c in EQUALITY_FIELDS)})""",
        [now, imported],
    )
    given = {"employer_id": "r.employer_id", "registration_id": "r.id", "source": f"'{imported}'"}
    columns, expressions, params = insert_columns(
        EqualityMonitoring, given | {c: f"s.{c}" for c in EQUALITY_FIELDS}, now
    )
    result.equality.created = stage.execute(
        f"""INSERT INTO {table} ({columns})
            SELECT {expressions} FROM {staged}
            WHERE NOT EXISTS (SELECT 1 FROM {table} AS e WHERE e.registration_id = r.id)
            ORDER BY s.line""",
        params,
    )
    result.equality.unchanged = (
        stage.rows - result.equality.created - result.equality.updated - result.equality_kept_self
    )
