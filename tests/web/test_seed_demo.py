"""``manage.py seed_demo``: the national picture of the 2023-24 report, the demo logins, and idempotency."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from asye.accounts.models import Membership, Role, User
from asye.tenancy.db import system_national_context
from asye.tenancy.models import Employer, EmployerType, Region

pytestmark = pytest.mark.django_db

PASSWORD = "demo-asye-2026!"

# The report's tables (employers, NQSWs), plus two schools with no NQSWs (in the North West and the
# West Midlands) that the command adds so the type exists. The two demo employers are among the 191.
EXPECTED_BY_TYPE = {
    EmployerType.LOCAL_AUTHORITY: (142, 3005),
    EmployerType.PVI: (21, 131),
    EmployerType.FOSTERING: (19, 43),
    EmployerType.NHS: (9, 24),
    EmployerType.SCHOOL: (2, 0),
}
EXPECTED_BY_REGION = {
    Region.NORTH_EAST: (13, 189),
    Region.NORTH_WEST: (29 + 1, 547),
    Region.YORKSHIRE_AND_HUMBER: (19, 391),
    Region.EAST_OF_ENGLAND: (16, 266),
    Region.EAST_MIDLANDS: (10, 238),
    Region.WEST_MIDLANDS: (20 + 1, 347),
    Region.SOUTH_EAST: (26, 418),
    Region.SOUTH_WEST: (18, 264),
    Region.LONDON: (40, 543),
}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    with system_national_context():
        return {
            "employers": Employer.objects.count(),
            "users": User.objects.count(),
            "memberships": Membership.objects.count(),
        }


def test_employers_and_nqsws_match_the_report_by_type_and_by_region():
    seed()

    with system_national_context():
        employers = list(Employer.objects.values_list("id", "employer_type", "region"))
        nqsws = Counter(
            Membership.objects.active().filter(role=Role.NQSW).values_list("employer_id", flat=True)
        )

    by_type: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    nqsws_by_type: Counter[str] = Counter()
    nqsws_by_region: Counter[str] = Counter()
    for employer_id, employer_type, region in employers:
        by_type[employer_type] += 1
        by_region[region] += 1
        nqsws_by_type[employer_type] += nqsws[employer_id]
        nqsws_by_region[region] += nqsws[employer_id]

    assert {t: (by_type[t], nqsws_by_type[t]) for t in by_type} == EXPECTED_BY_TYPE
    assert {r: (by_region[r], nqsws_by_region[r]) for r in by_region} == EXPECTED_BY_REGION
    assert len(employers) == 193
    assert sum(nqsws.values()) == 3203
    # Every employer that registered NQSWs has a co-ordinator and enough assessors and line managers.
    with system_national_context():
        staff = Counter(
            Membership.objects.active().exclude(role=Role.NQSW).values_list("employer_id", "role")
        )
    for employer_id, _, _ in employers:
        assert staff[employer_id, Role.COORDINATOR] >= 1
        assert staff[employer_id, Role.ASSESSOR] >= max(1, nqsws[employer_id] // 6)
        assert staff[employer_id, Role.LINE_MANAGER] >= nqsws[employer_id] // 5


def test_demo_logins_authenticate_and_hold_their_roles():
    output = seed()

    demo_county = Employer.objects.get(name="Demo County Council")
    demo_fostering = Employer.objects.get(name="Demo Fostering Partnership")
    assert (demo_county.employer_type, demo_county.region) == (
        EmployerType.LOCAL_AUTHORITY,
        Region.SOUTH_EAST,
    )
    assert (demo_fostering.employer_type, demo_fostering.region) == (EmployerType.FOSTERING, Region.LONDON)

    expected = {
        "coordinator@demo.example": {(Role.COORDINATOR, demo_county.pk)},
        "assessor@demo.example": {(Role.ASSESSOR, demo_county.pk)},
        "manager@demo.example": {(Role.LINE_MANAGER, demo_county.pk)},
        "nqsw@demo.example": {(Role.NQSW, demo_county.pk)},
        "multi@demo.example": {(Role.COORDINATOR, demo_county.pk), (Role.ASSESSOR, demo_fostering.pk)},
        "national@demo.example": {(Role.NATIONAL_STAFF, None)},
        "moderator@demo.example": {(Role.NQAP_MODERATOR, None)},
    }
    for email, roles in expected.items():
        user = User.objects.get(email=email)
        assert user.check_password(PASSWORD), email
        assert user.full_name, email
        assert user.is_staff == (email == "national@demo.example")
        with system_national_context():
            held = set(user.memberships.active().values_list("role", "employer_id"))
        assert held == roles, email
        assert email in output

    assert PASSWORD in output
    # The generated people cannot sign in.
    generated = User.objects.exclude(email__endswith="@demo.example")
    assert generated.count() > 3203
    assert not any(user.has_usable_password() for user in generated[:50])
    assert not generated.filter(is_staff=True).exists()


def test_a_second_run_creates_nothing():
    first = seed()
    after_first = counts()
    second = seed()

    assert counts() == after_first
    assert "Created 193 employers" in first
    assert "Created 0 employers, 0 people and 0 memberships." in second
