"""Small national pictures for the reporting tests, loaded through the legacy portal import."""

from __future__ import annotations

import datetime
import itertools

from programmes.legacy_import import EMPLOYER_COLUMNS, REGISTRATION_COLUMNS, import_portal_export

_numbers = itertools.count(1)


def csv_bytes(header, rows) -> bytes:
    return ("\n".join([",".join(header), *rows]) + "\n").encode()


def load(employers: list[tuple[str, str, str]], registrations: list[tuple[str, str, str, int]]):
    """``employers``: (ref, type, region); ``registrations``: (employer ref, service area, cohort, how many).
    Every registration is in progress, started on 4 September of its cohort's first year."""
    employer_lines = [f'{ref},Employer {ref},"{kind}",{region}' for ref, kind, region in employers]
    rows = []
    for employer_ref, area, cohort, count in registrations:
        start = datetime.date(int(cohort[:4]), 9, 4)
        for _ in range(count):
            number = next(_numbers)
            rows.append(
                f"T{number:05d},{employer_ref},{area},{cohort},Sam,Example{number},SW{900000 + number},,"
                f"{start.year}-07-01,{start.isoformat()},,,0,in_progress"
            )
    return import_portal_export(
        employers_csv=csv_bytes(EMPLOYER_COLUMNS, employer_lines),
        registrations_csv=csv_bytes(REGISTRATION_COLUMNS, rows),
        today=datetime.date(2026, 11, 23),
    )


# A small national picture: two years, both service areas, one employer of a type the report has no row
# for, and an employer that registered nobody in 2024-25.
EMPLOYERS = [
    ("A1", "Local authority", "North West"),
    ("A2", "Local authority", "London"),
    ("A3", "Private, voluntary and independent (PVI)", "London"),
    ("A4", "Other", "East Midlands"),
    ("A5", "NHS", "South West"),
]
REGISTRATIONS = [
    ("A1", "child_and_family", "2024-25", 12),
    ("A1", "adults", "2024-25", 6),
    ("A2", "child_and_family", "2024-25", 20),
    ("A3", "adults", "2024-25", 3),
    ("A4", "child_and_family", "2024-25", 2),
    ("A5", "adults", "2023-24", 4),
    ("A1", "child_and_family", "2023-24", 10),
]


def load_picture():
    return load(EMPLOYERS, REGISTRATIONS)
