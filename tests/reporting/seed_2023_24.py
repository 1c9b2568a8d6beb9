"""A national legacy-portal export shaped like the seed annual report's 2023-24 registrations.

The seed (section 3.1) gives two tables: 191 employers registered 3,203 NQSWs, by employer type
(``BY_TYPE``) and by region (``BY_REGION``). ``build()`` makes employers and registrations whose counts
give exactly both tables: every employer registers at least one NQSW; the PVI, fostering and NHS
employers are spread over the regions first and the local authorities fill each region to its totals.
Plus a school that registered nobody in 2023-24 (one NQSW in 2022-23): a school with no registrations that
year is not an employer registering, and the trend has a year before.
"""

from __future__ import annotations

import datetime

from programmes.legacy_import import EMPLOYER_COLUMNS, REGISTRATION_COLUMNS, import_portal_export

YEAR = "2023-24"
# (employer type, employers, NQSWs registered), in the seed's rows and order.
BY_TYPE = [
    ("Local authority", 142, 3005),
    ("Private, voluntary and independent (PVI)", 21, 131),
    ("Fostering", 19, 43),
    ("NHS", 9, 24),
    ("School", 0, 0),
]
BY_REGION = [
    ("North East", 13, 189),
    ("North West", 29, 547),
    ("Yorkshire and Humber", 19, 391),
    ("East of England", 16, 266),
    ("East Midlands", 10, 238),
    ("West Midlands", 20, 347),
    ("South East", 26, 418),
    ("South West", 18, 264),
    ("London", 40, 543),
]
TOTAL_EMPLOYERS, TOTAL_NQSWS = 191, 3203
# Employers of the smaller types in each region (in BY_REGION's order), adding up to BY_TYPE's.
SMALL_TYPES = {
    "Private, voluntary and independent (PVI)": [2, 2, 2, 2, 2, 2, 2, 2, 5],
    "Fostering": [2, 2, 2, 2, 2, 2, 2, 2, 3],
    "NHS": [1, 1, 1, 1, 1, 1, 1, 1, 1],
}


def _split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` as even as can be, larger first."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def plan() -> list[dict]:
    """Each employer: its type, region and the NQSWs it registered in 2023-24."""
    small_nqsws = {kind: _split(nqsws, employers) for kind, employers, nqsws in BY_TYPE[1:4]}
    employers = []
    for index, (region, region_employers, region_nqsws) in enumerate(BY_REGION):
        placed = []
        for kind, per_region in SMALL_TYPES.items():
            for _ in range(per_region[index]):
                placed.append({"type": kind, "region": region, "nqsws": small_nqsws[kind].pop(0)})
        local_authorities = region_employers - len(placed)
        for nqsws in _split(region_nqsws - sum(e["nqsws"] for e in placed), local_authorities):
            placed.append({"type": "Local authority", "region": region, "nqsws": nqsws})
        employers += placed
    for number, employer in enumerate(employers, start=1):
        employer["ref"] = f"N{number:03d}"
        employer["name"] = f"{employer['type'].split(' ')[0].strip(',')} employer {number}"
    return employers


def build() -> tuple[list[str], list[str]]:
    """(employers.csv lines, registrations.csv lines), without their header rows."""
    employers = plan()
    employer_lines = [f'{e["ref"]},{e["name"]},"{e["type"]}",{e["region"]}' for e in employers]
    employer_lines.append("N999,Riverside School,School,London")
    rows = []
    number = 0

    def row(employer_ref: str, cohort: str, start: datetime.date) -> str:
        nonlocal number
        number += 1
        return ",".join(
            [
                f"R{number:05d}",
                employer_ref,
                "child_and_family",
                cohort,
                "Sam",
                f"Example{number}",
                f"SW{800000 + number}",
                "",
                f"{start.year}-07-01",
                start.isoformat(),
                "",
                "",
                "0",
                "in_progress",
            ]
        )

    for employer in employers:
        rows += [row(employer["ref"], YEAR, datetime.date(2023, 9, 4)) for _ in range(employer["nqsws"])]
    rows.append(row("N999", "2022-23", datetime.date(2022, 9, 5)))
    return employer_lines, rows


def csv_bytes(header, rows) -> bytes:
    return ("\n".join([",".join(header), *rows]) + "\n").encode()


def load(*, today: datetime.date | None = None):
    """Import the file through the legacy import, as national staff would."""
    employers, registrations = build()
    return import_portal_export(
        employers_csv=csv_bytes(EMPLOYER_COLUMNS, employers),
        registrations_csv=csv_bytes(REGISTRATION_COLUMNS, registrations),
        today=today or datetime.date(2024, 4, 10),
    )
