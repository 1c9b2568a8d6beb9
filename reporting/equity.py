# ruff: noqa: S608 - the table names are the models' own; the cohorts and service area are parameters.
"""Outcomes and equity: who passed, who did not, and whether that differs by ethnicity group, gender,
deferrals, service area, employer type, region, age band or cohort (docs/equity-and-retention.md).

This module owns the one SQL query the analysis reads (counts by every combination of the predictors and
the outcome, grouped in PostgreSQL: no person, no name, no row per NQSW), the pandas frame made from it,
the counts and rates, the trend by cohort, and ``equity_summary``, which the command, the page, the job
and the annual report all use. The regression is ``reporting.equity_regression``; what a publication may
show is ``reporting.equity_disclosure``.

Equality answers are read only here and only in the national scope (``national_scope`` for a person,
``system_national_context`` for the command and the job): equality monitoring's row-level security
shows no row to anyone else. Everything returned is a count of at least the cell's size; the published
view suppresses small cells.
"""

from __future__ import annotations

import pandas as pd
from django.db import connection

from asye.tenancy.models import Employer, EmployerType, Region, ServiceArea
from equality.equity import AGE_BAND_LABELS, EQUALITY_TABLE, GENDER_LABELS
from programmes.models import Deferral, FrameworkVersion, ProgrammeFramework, Registration, RegistrationStatus
from reporting.equity_regression import fit_logistic_regression

WHITE = "White"
BLACK_OR_MINORITISED = "Black or minoritised ethnic"
NOT_RECORDED = "Not recorded"
ETHNICITY_GROUPS = (WHITE, BLACK_OR_MINORITISED)
DEFERRAL_BANDS = ("0", "1", "2")  # "2" is two or more
DEFERRAL_LABELS = {"0": "Not deferred", "1": "Deferred once", "2": "Deferred twice or more"}
OUTCOMES = ("passed", "unsuccessful", "withdrawn", "in_progress")

# The predictors, in the order tables and the regression show them: (column, heading, levels in order).
PREDICTORS: tuple[tuple[str, str], ...] = (
    ("ethnicity_group", "Ethnicity group"),
    ("gender", "Gender"),
    ("deferrals", "Deferrals"),
    ("service_area", "Service area"),
    ("employer_type", "Employer type"),
    ("region", "Region"),
    ("age_band", "Age band"),
    ("cohort", "Cohort"),
)
PREDICTOR_HEADINGS = dict(PREDICTORS)
SERVICE_AREA_LABELS = dict(ServiceArea.choices)
EMPLOYER_TYPE_LABELS = dict(EmployerType.choices)
REGION_LABELS = dict(Region.choices)


def _level_order(column: str, cohorts: list[str]) -> list[str]:
    """Every level a predictor can take, in the order tables show them (values as the frame holds them)."""
    return {
        "ethnicity_group": list(ETHNICITY_GROUPS),
        "gender": list(GENDER_LABELS),
        "deferrals": list(DEFERRAL_BANDS),
        "service_area": list(SERVICE_AREA_LABELS),
        "employer_type": list(EMPLOYER_TYPE_LABELS),
        "region": list(REGION_LABELS),
        "age_band": list(AGE_BAND_LABELS),
        "cohort": sorted(cohorts),
    }[column]


def level_label(column: str, value: str) -> str:
    """How a level reads on a page (the frame keeps codes; ethnicity groups and cohorts are their own)."""
    labels = {
        "gender": GENDER_LABELS,
        "deferrals": DEFERRAL_LABELS,
        "service_area": SERVICE_AREA_LABELS,
        "employer_type": EMPLOYER_TYPE_LABELS,
        "region": REGION_LABELS,
        "age_band": AGE_BAND_LABELS,
    }.get(column, {})
    return labels.get(value, value)


def _query() -> str:
    registration = Registration._meta.db_table
    deferral = Deferral._meta.db_table
    version = FrameworkVersion._meta.db_table
    framework = ProgrammeFramework._meta.db_table
    employer = Employer._meta.db_table
    equality = EQUALITY_TABLE
    return f"""
        SELECT r.funding_year AS cohort,
               f.service_area AS service_area,
               e.employer_type AS employer_type,
               NULLIF(e.region, '') AS region,
               LEAST(r.legacy_deferrals + COALESCE(d.deferrals, 0), 2)::text AS deferrals,
               CASE WHEN r.outcome = 'passed' THEN 'passed'
                    WHEN r.outcome = 'unsuccessful' THEN 'unsuccessful'
                    WHEN r.status = %(withdrawn)s THEN 'withdrawn'
                    ELSE 'in_progress' END AS outcome,
               CASE WHEN q.gender IN ('female', 'male', 'other') THEN q.gender END AS gender,
               CASE WHEN q.ethnic_group = 'white' THEN %(white)s
                    WHEN q.ethnic_group IN ('asian', 'black', 'mixed', 'other') THEN %(minoritised)s
                    END AS ethnicity_group,
               CASE WHEN q.age_band <> 'prefer_not_to_say' THEN q.age_band END AS age_band,
               count(*) AS n
          FROM {registration} r
          JOIN {employer} e ON e.id = r.employer_id
          JOIN {version} v ON v.id = r.framework_version_id
          JOIN {framework} f ON f.id = v.framework_id
          LEFT JOIN (SELECT registration_id, count(*) AS deferrals FROM {deferral} GROUP BY registration_id) d
                 ON d.registration_id = r.id
          LEFT JOIN {equality} q ON q.registration_id = r.id
         WHERE r.funding_year = ANY(%(cohorts)s)
           AND r.status <> %(transferred)s
           AND (%(service_area)s = '' OR f.service_area = %(service_area)s)
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    """


COLUMNS = [
    "cohort",
    "service_area",
    "employer_type",
    "region",
    "deferrals",
    "outcome",
    "gender",
    "ethnicity_group",
    "age_band",
    "n",
]


def equity_frame(cohorts: list[str], service_area: str = "") -> pd.DataFrame:
    """One row per combination of cohort, predictors and outcome, with its number of registrations (``n``),
    from ONE SQL query. Call inside the national scope. A transferred registration is counted once: at the
    employer it moved to (its own registration carries the cohort on), not at the one it left."""
    with connection.cursor() as cursor:
        cursor.execute(
            _query(),
            {
                "cohorts": list(cohorts),
                "service_area": service_area,
                "withdrawn": RegistrationStatus.WITHDRAWN,
                "transferred": RegistrationStatus.TRANSFERRED,
                "white": WHITE,
                "minoritised": BLACK_OR_MINORITISED,
            },
        )
        rows = cursor.fetchall()
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["n"] = frame["n"].astype("int64")
    predictors = [column for column, _ in PREDICTORS]
    frame["complete"] = frame["outcome"].isin(["passed", "unsuccessful"]) & frame[predictors].notna().all(
        axis=1
    )
    frame["events"] = frame["n"].where(frame["outcome"] == "unsuccessful", 0)
    return frame


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _breakdown(complete: pd.DataFrame, column: str, cohorts: list[str]) -> dict[str, dict]:
    """Complete cases by one predictor's levels: ``{level: {"n", "unsuccessful", "rate"}}``, every level
    in order (a level nobody is in has n 0), computed by pandas' grouping, not a Python loop over people."""
    grouped = complete.groupby(column)[["n", "events"]].sum() if len(complete) else None
    table = {}
    for level in _level_order(column, cohorts):
        n = int(grouped.at[level, "n"]) if grouped is not None and level in grouped.index else 0
        events = int(grouped.at[level, "events"]) if n else 0
        table[level] = {"n": n, "unsuccessful": events, "rate": _percent(events, n)}
    if column not in ("ethnicity_group", "deferrals", "cohort"):
        table = {level: cell for level, cell in table.items() if cell["n"]}
    return table


def _trend(frame: pd.DataFrame, cohorts: list[str]) -> dict:
    """The seed report's figures, by cohort: unsuccessful-completion rates by ethnicity group, gender,
    deferrals and service area (complete cases), and, by service area, the share of NQSWs from a Black or
    minoritised ethnic background and the share who are male (of every record whose answer is recorded)."""
    complete = frame[frame["complete"]]
    trend: dict = {"cohorts": sorted(cohorts), "rates": {}, "diversity": {}}
    for column in ("ethnicity_group", "gender", "deferrals", "service_area"):
        trend["rates"][column] = {
            cohort: _breakdown(complete[complete["cohort"] == cohort], column, cohorts)
            for cohort in sorted(cohorts)
        }
    for column, level in (("ethnicity_group", BLACK_OR_MINORITISED), ("gender", "male")):
        recorded = frame[frame[column].notna()]
        share = {}
        for area in SERVICE_AREA_LABELS:
            by_cohort = {}
            for cohort in sorted(cohorts):
                cell = recorded[(recorded["service_area"] == area) & (recorded["cohort"] == cohort)]
                whole = int(cell["n"].sum())
                part = int(cell.loc[cell[column] == level, "n"].sum())
                by_cohort[cohort] = {"n": whole, "count": part, "percent": _percent(part, whole)}
            if any(value["n"] for value in by_cohort.values()):
                share[area] = by_cohort
        trend["diversity"]["black_or_minoritised_share" if column == "ethnicity_group" else "male_share"] = (
            share
        )
    return trend


def equity_analysis(frame: pd.DataFrame, cohorts: list[str]) -> dict:
    """The figures and the regression from a frame made by ``equity_frame`` (exact counts)."""
    complete = frame[frame["complete"]]
    counts = frame.groupby("outcome")["n"].sum()

    def outcome(name: str) -> int:
        return int(counts.get(name, 0))

    complete_counts = complete.groupby("outcome")["n"].sum()
    return {
        "cohorts": sorted(cohorts),
        "records": int(frame["n"].sum()),
        "complete_cases": int(complete["n"].sum()),
        "passed": outcome("passed"),
        "unsuccessful": outcome("unsuccessful"),
        "withdrawn": outcome("withdrawn"),
        "in_progress": outcome("in_progress"),
        "complete_passed": int(complete_counts.get("passed", 0)),
        "complete_unsuccessful": int(complete_counts.get("unsuccessful", 0)),
        "by": {column: _breakdown(complete, column, cohorts) for column, _ in PREDICTORS},
        "logistic_regression": fit_logistic_regression(
            complete, reference_cohort=min(cohorts) if cohorts else ""
        ),
        "trend": _trend(frame, cohorts),
    }


def equity_summary(cohorts: list[str], service_area: str = "") -> dict:
    """Everything the equity analysis says about ``cohorts`` (like "2021-22"), optionally for one service
    area: exact counts, as JSON-ready values. Call inside the national scope (a person's) or
    ``system_national_context()`` (the command, a job, the annual report's job)."""
    cohorts = sorted(set(cohorts))
    summary = equity_analysis(equity_frame(cohorts, service_area), cohorts)
    summary["service_area"] = service_area
    return summary
