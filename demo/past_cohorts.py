"""The demo's past cohorts: three funding years of NQSWs who have finished, with their outcomes and
equality answers, so the equity analysis (``/national/reports/equity/``), its regression and the trend
show real figures on a freshly seeded platform.

The cohorts are the three the equity page opens on (``reporting.equity_selectors.default_cohorts``): the
funding years that began four, three and two years before the one under way on the seeding day, so a
demo seeded on any day has them (``demo.calendar``). Each NQSW started in that year's autumn at one of the
demo's employers (weighted by its NQSWs now; not Demo County Council or Demo Fostering Partnership, whose
year under way is the demo's story) and has ended: passed, unsuccessful or withdrawn. Gender,
ethnicity, age and deferrals are spread with ``random.Random(SEED)``, and unsuccessful completion is more
likely after a deferral, for men and for NQSWs from a Black or minoritised ethnic background, as the
national annual report found, so the analysis has something to find.

They are loaded the way past cohorts reach the platform: through the legacy portal import
(``programmes.legacy_import``), which writes in bulk and records the equality answers. The demo's
employers are given a legacy reference first (``DEMO-<id>``) where they have none, and are listed in the
import's employers file as they are. Their funding was settled in the legacy portal, so they are loaded
as not funded on the platform (the import's ``funding_status`` column): the demo's funding makes no
claims for them and needs no funding years before its own. A second run finds the
cohorts' first registration and creates nothing.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter

from asye.accounts.models import Membership, Role
from asye.tenancy.models import Employer, EmployerType, Region
from demo.calendar import DemoCalendar
from demo.names import FIRST_NAMES, SURNAMES
from demo.national_picture import DEMO_COUNTY, DEMO_FOSTERING
from programmes.eligibility import funding_year_of
from programmes.legacy_import import (
    EMPLOYER_COLUMNS,
    OPTIONAL_REGISTRATION_COLUMNS,
    REGISTRATION_COLUMNS,
    import_portal_export,
)
from programmes.models import Registration

SEED = 2019
COHORT_SIZE = 900
RECORDS = 3 * COHORT_SIZE
REF_PREFIX = "DEMO-PAST-"
SWE_BASE = 8_100_000  # above the demo's own and the tests' numbers
ETHNICITIES = (
    ("White - British", 56),
    ("White - Irish", 3),
    ("White - Other", 7),
    ("Black or Black British - African", 9),
    ("Black or Black British - Caribbean", 4),
    ("Asian or Asian British - Indian", 5),
    ("Asian or Asian British - Pakistani", 4),
    ("Mixed - White and Black Caribbean", 3),
    ("Prefer not to say", 4),
    ("", 5),
)
GENDERS = (("Female", 80), ("Male", 16), ("Prefer not to say", 2), ("", 2))
DEFERRALS = (("0", 80), ("1", 14), ("2", 6))
AGES = ((23, 24), (29, 38), (38, 20), (48, 13), (57, 5))
WITHDRAWN_SHARE = 0.045
BASE_UNSUCCESSFUL = 0.018


def past_cohorts(demo_calendar: DemoCalendar) -> list[str]:
    """The three finished cohorts before the year under way and the one before it."""
    start = int(funding_year_of(demo_calendar.today)[:4])
    return [f"{year}-{(year + 1) % 100:02d}" for year in range(start - 4, start - 1)]


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _outcome(rng: random.Random, *, ethnicity: str, gender: str, deferrals: str) -> str:
    if rng.random() < WITHDRAWN_SHARE:
        return "withdrawn"
    risk = BASE_UNSUCCESSFUL
    risk *= {"0": 1.0, "1": 3.5, "2": 4.0}[deferrals]
    risk *= 1.8 if gender == "Male" else 1.0
    risk *= 1.9 if ethnicity and not ethnicity.startswith(("White", "Prefer")) else 1.0
    return "unsuccessful" if rng.random() < risk else "passed"


def _employers() -> tuple[list[tuple[str, str, int]], list[str]]:
    """(legacy ref, service area, weight): each demo employer in each area it serves, weighted by its
    NQSWs now (at least 1); and the employers' rows of the import's employers file, as they are (so the
    import changes nothing about them). Gives a legacy reference to those without one."""
    without = list(Employer.objects.filter(legacy_ref__isnull=True).only("pk"))
    for employer in without:
        employer.legacy_ref = f"DEMO-{employer.pk}"
    Employer.objects.bulk_update(without, ["legacy_ref"])
    nqsws = Counter(
        Membership.objects.filter(role=Role.NQSW).values_list("employer_id", flat=True).order_by()
    )
    rows, lines = [], []
    # Not the two demo employers, whose year under way is the demo's story (``demo.national_picture``).
    others = Employer.objects.exclude(name__in=(DEMO_COUNTY, DEMO_FOSTERING))
    for pk, ref, name, kind, region, children, adults in others.order_by("pk").values_list(
        "pk", "legacy_ref", "name", "employer_type", "region", "serves_child_and_family", "serves_adults"
    ):
        areas = [area for area, serves in (("child_and_family", children), ("adults", adults)) if serves]
        if not areas or not region:
            continue
        for area in areas:
            rows.append((ref, area, max(1, nqsws[pk] // len(areas))))
        quoted = [
            value.replace('"', '""') for value in (name, EmployerType(kind).label, Region(region).label)
        ]
        lines.append(",".join([ref, *(f'"{value}"' for value in quoted)]))
    return rows, lines


def _rows(cohorts: list[str], employers: list[tuple[str, str, int]]) -> list[str]:
    rng = random.Random(SEED)
    weights = [weight for _, _, weight in employers]
    rows = []
    number = 0
    for cohort in cohorts:
        year = int(cohort[:4])
        for _ in range(COHORT_SIZE):
            number += 1
            ref, area, _ = rng.choices(employers, weights=weights)[0]
            start = datetime.date(year, 9, 1) + datetime.timedelta(days=rng.randrange(-60, 75))
            age = _pick(rng, AGES)
            birth = datetime.date(start.year - age, rng.randrange(1, 13), rng.randrange(1, 29))
            ethnicity, gender, deferrals = _pick(rng, ETHNICITIES), _pick(rng, GENDERS), _pick(rng, DEFERRALS)
            outcome = _outcome(rng, ethnicity=ethnicity, gender=gender, deferrals=deferrals)
            fields = [
                f"{REF_PREFIX}{number:05d}",
                ref,
                area,
                cohort,
                rng.choice(FIRST_NAMES),
                rng.choice(SURNAMES),
                f"SW{SWE_BASE + number}",
                birth.isoformat(),
                (start - datetime.timedelta(days=rng.randrange(40, 200))).isoformat(),
                start.isoformat(),
                gender,
                f'"{ethnicity}"',
                deferrals,
                outcome,
                "unfunded",
            ]
            rows.append(",".join(fields))
    return rows


def seed(applied, demo_calendar: DemoCalendar) -> Counter[str]:
    """Create the past cohorts if they are not there (inside the seeding's system national context)."""
    if Registration.objects.filter(legacy_ref__startswith=REF_PREFIX).exists():
        return Counter()
    cohorts = past_cohorts(demo_calendar)
    employers, employer_lines = _employers()
    if not employers:
        return Counter()
    rows = _rows(cohorts, employers)
    header = [*REGISTRATION_COLUMNS, *OPTIONAL_REGISTRATION_COLUMNS]
    registrations_csv = ("\n".join([",".join(header), *rows]) + "\n").encode()
    import_portal_export(
        employers_csv=("\n".join([",".join(EMPLOYER_COLUMNS), *employer_lines]) + "\n").encode(),
        registrations_csv=registrations_csv,
        today=demo_calendar.today,
    )
    return Counter({"past cohort registrations": len(rows)})
