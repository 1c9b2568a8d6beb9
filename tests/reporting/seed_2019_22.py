"""Cohorts shaped like the seed annual report's child and family outcomes for 2019-20 to 2021-22.

The seed (section 3.2) gives: 2,985, 2,742 and 2,995 NQSWs (8,722 records), 6,011 complete cases of whom
5,958 passed and 53 (0.9%) did not; unsuccessful 1.4% of NQSWs from a Black or minoritised ethnic
background against 0.7% of white NQSWs, 1.8% of male against 0.8% of female NQSWs, and 0.4% of those
never deferred against 2.7% deferred once and 2.5% deferred twice. The counts below are chosen to give
exactly those figures; the other predictors (employer type, region, age band, cohort) are spread by a
seeded random generator, so the files are the same every run.

``build()`` returns the employers' and registrations' CSV rows, as the legacy portal exports them, and
the same people as plain dicts (``people``) for tests that check the analysis independently.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from programmes.legacy_import import EMPLOYER_COLUMNS, REGISTRATION_COLUMNS

COHORT_SIZES = {"2019-20": 2985, "2020-21": 2742, "2021-22": 2995}
RECORDS = sum(COHORT_SIZES.values())  # 8,722
COMPLETE = 6011
COMPLETE_UNSUCCESSFUL = 53
# Complete cases: (cases, unsuccessful) by level; each set of levels adds up to 6,011 and 53.
ETHNICITY = {"Black or minoritised ethnic": (1500, 21), "White": (4511, 32)}  # 1.4% and 0.7%
GENDER = {"male": (600, 11), "female": (5411, 42)}  # 1.8% and 0.8%
DEFERRALS = {"0": (4686, 18), "1": (925, 25), "2": (400, 10)}  # 0.4%, 2.7% and 2.5%
# Records that are not complete cases: 2,711.
INCOMPLETE = {
    "passed_ethnicity_not_recorded": 1900,
    "unsuccessful_gender_not_recorded": 40,
    "passed_no_date_of_birth": 300,
    "withdrawn": 321,
    "in_progress": 150,
}
EMPLOYERS = [
    # ref, name, type, region, weight (the first is the largest: the regression's reference)
    ("S01", "Northshire County Council", "Local authority", "North West", 5),
    ("S02", "Eastbrook City Council", "Local authority", "London", 3),
    ("S03", "Wessex Borough Council", "Local authority", "South West", 3),
    ("S04", "Kindly Care Trust", "Private, voluntary and independent (PVI)", "London", 2),
    ("S05", "Harbour Fostering", "Fostering", "North West", 2),
]
ETHNICITY_SPELLINGS = {
    "White": ["White - British", "White: Irish", "White Other"],
    "Black or minoritised ethnic": [
        "Black or Black British: African",
        "Asian or Asian British - Pakistani",
        "Mixed - White and Asian",
        "Black, Black British, Caribbean or African - Caribbean",
        "Arab",
        "Indian",
    ],
}
AGES = [23, 29, 38, 48]  # under 25, 25 to 34, 35 to 44, 45 to 54
AGE_BANDS = {23: "under_25", 29: "25_34", 38: "35_44", 48: "45_54"}


@dataclass
class Person:
    ref: str
    employer_ref: str
    cohort: str
    ethnicity_group: str | None
    gender: str | None
    deferrals: str
    age_band: str | None
    outcome: str
    employer_type: str
    region: str

    @property
    def complete(self) -> bool:
        return self.outcome in ("passed", "unsuccessful") and None not in (
            self.ethnicity_group,
            self.gender,
            self.age_band,
        )


def _spread(levels: dict[str, tuple[int, int]], rng: random.Random) -> tuple[list[str], list[str]]:
    """Levels for the unsuccessful and the passed complete cases, in a shuffled order."""
    unsuccessful = [level for level, (_, events) in levels.items() for _ in range(events)]
    passed = [level for level, (n, events) in levels.items() for _ in range(n - events)]
    rng.shuffle(unsuccessful)
    rng.shuffle(passed)
    return unsuccessful, passed


def _people(rng: random.Random) -> list[dict]:
    ethnicity = _spread(ETHNICITY, rng)
    gender = _spread(GENDER, rng)
    deferrals = _spread(DEFERRALS, rng)
    people = []
    for index, outcome in enumerate(("unsuccessful", "passed")):
        for i in range(len(ethnicity[index])):
            people.append(
                {
                    "outcome": outcome,
                    "ethnicity_group": ethnicity[index][i],
                    "gender": gender[index][i],
                    "deferrals": deferrals[index][i],
                    "age": rng.choice(AGES),
                }
            )
    assert len(people) == COMPLETE

    def other(outcome, **fields):
        values = {
            "outcome": outcome,
            "ethnicity_group": rng.choice(list(ETHNICITY)),
            "gender": rng.choice(["female", "female", "female", "male"]),
            "deferrals": rng.choice(["0", "0", "0", "1"]),
            "age": rng.choice(AGES),
        }
        return values | fields

    people += [
        other("passed", ethnicity_group=None) for _ in range(INCOMPLETE["passed_ethnicity_not_recorded"])
    ]
    people += [
        other("unsuccessful", gender=None) for _ in range(INCOMPLETE["unsuccessful_gender_not_recorded"])
    ]
    people += [other("passed", age=None) for _ in range(INCOMPLETE["passed_no_date_of_birth"])]
    people += [other("withdrawn") for _ in range(INCOMPLETE["withdrawn"])]
    people += [other("in_progress") for _ in range(INCOMPLETE["in_progress"])]
    assert len(people) == RECORDS
    rng.shuffle(people)
    return people


def build(seed: int = 2023) -> tuple[list[str], list[str], list[Person]]:
    """(employer CSV lines, registration CSV lines, the people as the analysis should see them)."""
    rng = random.Random(seed)
    employers = [f'{ref},{name},"{kind}",{region}' for ref, name, kind, region, _ in EMPLOYERS]
    weights = [weight for *_, weight in EMPLOYERS]
    cohorts = [cohort for cohort, size in COHORT_SIZES.items() for _ in range(size)]
    rows, people = [], []
    for number, (values, cohort) in enumerate(zip(_people(rng), cohorts, strict=True), start=1):
        ref, _, kind, region, _ = rng.choices(EMPLOYERS, weights=weights)[0]
        year = int(cohort[:4])
        start = datetime.date(year, 9, 2)
        age = values["age"]
        birth = f"{year - age - 1}-10-15" if age is not None else ""
        group = values["ethnicity_group"]
        ethnicity = rng.choice(ETHNICITY_SPELLINGS[group]) if group else rng.choice(["Prefer not to say", ""])
        gender = {"female": "Female", "male": "M"}.get(values["gender"], "Not known")
        outcome = values["outcome"]
        registration_ref = f"L{number:05d}"
        rows.append(
            ",".join(
                [
                    registration_ref,
                    ref,
                    "child_and_family",
                    cohort,
                    "Sam",
                    f"Example{number}",
                    f"SW{700000 + number}",
                    birth,
                    f"{year}-07-01",
                    start.isoformat(),
                    gender,
                    f'"{ethnicity}"',
                    values["deferrals"],
                    outcome,
                ]
            )
        )
        people.append(
            Person(
                ref=registration_ref,
                employer_ref=ref,
                cohort=cohort,
                ethnicity_group=group,
                gender=values["gender"],
                deferrals=values["deferrals"],
                age_band=AGE_BANDS.get(age) if age is not None else None,
                outcome=outcome,
                employer_type=kind,
                region=region,
            )
        )
    return employers, rows, people


def csv_bytes(header, rows) -> bytes:
    return ("\n".join([",".join(header), *rows]) + "\n").encode()


def load(seed: int = 2023, *, today: datetime.date | None = None) -> list[Person]:
    """Import the cohorts through ``import_portal_export`` (as national staff would) and return the people."""
    from programmes.legacy_import import import_portal_export

    employers, rows, people = build(seed)
    import_portal_export(
        employers_csv=csv_bytes(EMPLOYER_COLUMNS, employers),
        registrations_csv=csv_bytes(REGISTRATION_COLUMNS, rows),
        **({"today": today} if today else {}),
    )
    return people
