"""The demo's national picture: employers, people and memberships, and the demo logins.

The employers reproduce the 2023-24 tables of the national annual report (seed document 003, section 3.1):
191 employers who registered 3,203 NQSWs, with both the by-type and the by-region numbers of employers
AND of NQSWs matched exactly. Two schools are added on top (the report has none) so the type shows in the
product; they have no NQSWs yet, so the NQSW totals still equal the report's. "Demo County Council" and
"Demo Fostering Partnership" are two of the 191.

Everything is generated from word lists (``demo.names``) with ``random.Random(2024)``, so every run plans
the same picture (``build_plan``, no database); ``apply_plan`` then creates only what is missing, looked up
by natural key (employer name, user email and active (user, employer, role) membership).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from asye.accounts.models import Membership, Role, User
from asye.tenancy.models import Employer, EmployerType, Region
from demo.names import Namer, email_local

SEED = 2024
DEMO_PASSWORD = "demo-asye-2026!"  # noqa: S105 - a published demo password, for seeded demo data only.
DEMO_COUNTY = "Demo County Council"
DEMO_FOSTERING = "Demo Fostering Partnership"
DEMO_COUNTY_NQSWS = 18
DEMO_FOSTERING_NQSWS = 3

# The national annual report 2023-24, section 3.1: (employers, NQSWs registered).
REPORT_BY_TYPE: dict[str, tuple[int, int]] = {
    EmployerType.LOCAL_AUTHORITY: (142, 3005),
    EmployerType.PVI: (21, 131),
    EmployerType.FOSTERING: (19, 43),
    EmployerType.NHS: (9, 24),
}
REPORT_BY_REGION: dict[str, tuple[int, int]] = {
    Region.NORTH_EAST: (13, 189),
    Region.NORTH_WEST: (29, 547),
    Region.YORKSHIRE_AND_HUMBER: (19, 391),
    Region.EAST_OF_ENGLAND: (16, 266),
    Region.EAST_MIDLANDS: (10, 238),
    Region.WEST_MIDLANDS: (20, 347),
    Region.SOUTH_EAST: (26, 418),
    Region.SOUTH_WEST: (18, 264),
    Region.LONDON: (40, 543),
}
# Not in the report (no school registered an NQSW in 2023-24): added so the type exists, with no NQSWs.
SCHOOL_REGIONS = (Region.NORTH_WEST, Region.WEST_MIDLANDS)

# Ofcom's ranges reserved for drama, so no contact number can ring a real phone.
PHONE_PREFIX = {
    Region.NORTH_EAST: "0191 498 0",
    Region.NORTH_WEST: "0161 496 0",
    Region.YORKSHIRE_AND_HUMBER: "0113 496 0",
    Region.EAST_OF_ENGLAND: "01632 960",
    Region.EAST_MIDLANDS: "0115 496 0",
    Region.WEST_MIDLANDS: "0121 496 0",
    Region.SOUTH_EAST: "0118 496 0",
    Region.SOUTH_WEST: "0117 496 0",
    Region.LONDON: "020 7946 0",
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    roles: tuple[tuple[str, str | None], ...]  # (role, employer name or None for a national role)
    is_staff: bool = False


DEMO_LOGINS = (
    DemoLogin("coordinator@demo.example", "Priya Shah", ((Role.COORDINATOR, DEMO_COUNTY),)),
    DemoLogin("assessor@demo.example", "Tom Whitfield", ((Role.ASSESSOR, DEMO_COUNTY),)),
    DemoLogin("manager@demo.example", "Grace Okafor", ((Role.LINE_MANAGER, DEMO_COUNTY),)),
    DemoLogin("nqsw@demo.example", "Sam Taylor", ((Role.NQSW, DEMO_COUNTY),)),
    DemoLogin(
        "multi@demo.example",
        "Morgan Ellis",
        ((Role.COORDINATOR, DEMO_COUNTY), (Role.ASSESSOR, DEMO_FOSTERING)),
    ),
    DemoLogin("national@demo.example", "Helen Carter", ((Role.NATIONAL_STAFF, None),), is_staff=True),
    # A second member of national staff: authorises the payment statements Helen builds (maker-checker).
    DemoLogin("payments@demo.example", "Ruth Adeyemi", ((Role.NATIONAL_STAFF, None),)),
    DemoLogin("moderator@demo.example", "Adebayo Bello", ((Role.NQAP_MODERATOR, None),)),
)


@dataclass
class EmployerPlan:
    name: str
    employer_type: str
    region: str
    nqsws: int
    serves_child_and_family: bool = False
    serves_adults: bool = False
    primary_contact_name: str = ""
    primary_contact_email: str = ""
    primary_contact_phone: str = ""


@dataclass
class Plan:
    employers: list[EmployerPlan] = field(default_factory=list)
    people: dict[str, tuple[str, bool, bool]] = field(default_factory=dict)  # email: (name, staff, demo)
    memberships: list[tuple[str, str | None, str]] = field(default_factory=list)  # (email, employer, role)


# --- allocation -----------------------------------------------------------------------------------


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainder, ties by order)."""
    weight_sum = sum(weights)
    if total == 0 or weight_sum == 0:
        return [0] * len(weights)
    quotas = [total * w / weight_sum for w in weights]
    parts = [math.floor(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - quotas[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def allocate() -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """Employers and NQSWs per (type, region) cell, both marginals equal to the report's tables.

    Each of the smaller types is spread over the regions in proportion to the regions' employer counts;
    local authorities take the rest of each region. Every employer registered at least one NQSW; the NQSWs
    beyond that are spread the same way, the smaller types first, over the cells they occupy.
    """
    regions = list(REPORT_BY_REGION)
    region_employers = [REPORT_BY_REGION[r][0] for r in regions]
    small_types = [t for t in REPORT_BY_TYPE if t != EmployerType.LOCAL_AUTHORITY]
    employers: dict[tuple[str, str], int] = {}
    nqsws: dict[tuple[str, str], int] = {}
    for employer_type in small_types:
        count, registered = REPORT_BY_TYPE[employer_type]
        per_region = apportion(count, region_employers)
        extra = apportion(registered - count, per_region)
        for region, n, more in zip(regions, per_region, extra, strict=True):
            employers[employer_type, region] = n
            nqsws[employer_type, region] = n + more
    for region in regions:
        count, registered = REPORT_BY_REGION[region]
        cell = (EmployerType.LOCAL_AUTHORITY, region)
        employers[cell] = count - sum(employers[t, region] for t in small_types)
        nqsws[cell] = registered - sum(nqsws[t, region] for t in small_types)
        assert employers[cell] >= 1 and nqsws[cell] >= employers[cell], cell
    for employer_type, (count, registered) in REPORT_BY_TYPE.items():
        assert sum(employers[employer_type, r] for r in regions) == count
        assert sum(nqsws[employer_type, r] for r in regions) == registered
    return employers, nqsws


def split_cell(total: int, size: int, fixed: list[int], rng: random.Random) -> list[int]:
    """NQSWs per employer of a cell: the ``fixed`` counts first, at least one each, varied sizes."""
    free = size - len(fixed)
    rest = total - sum(fixed) - free
    assert free >= 0 and rest >= 0, (total, size, fixed)
    weights = [rng.lognormvariate(0, 0.6) for _ in range(free)]
    return list(fixed) + [1 + extra for extra in apportion(rest, weights)]


# --- the plan -------------------------------------------------------------------------------------


def build_plan() -> Plan:
    """The whole picture, computed from the fixed seed alone (never from the database)."""
    rng = random.Random(SEED)
    namer = Namer(rng, reserved={DEMO_COUNTY, DEMO_FOSTERING})
    employers, nqsws = allocate()
    plan = Plan()

    for employer_type in REPORT_BY_TYPE:
        for region in REPORT_BY_REGION:
            size = employers[employer_type, region]
            fixed = []
            if (employer_type, region) == (EmployerType.LOCAL_AUTHORITY, Region.SOUTH_EAST):
                fixed = [DEMO_COUNTY_NQSWS]
            elif (employer_type, region) == (EmployerType.FOSTERING, Region.LONDON):
                fixed = [DEMO_FOSTERING_NQSWS]
            for i, count in enumerate(split_cell(nqsws[employer_type, region], size, fixed, rng)):
                plan.employers.append(EmployerPlan("", employer_type, region, count))
                if fixed and i == 0:
                    demo = DEMO_COUNTY if employer_type == EmployerType.LOCAL_AUTHORITY else DEMO_FOSTERING
                    plan.employers[-1].name = demo
    for region in SCHOOL_REGIONS:
        plan.employers.append(EmployerPlan("", EmployerType.SCHOOL, region, 0))

    # The demo logins stand in for generated people in the same role at their employers.
    stand_ins: dict[tuple[str, str], list[DemoLogin]] = {}
    for login in DEMO_LOGINS:
        plan.people[login.email] = (login.full_name, login.is_staff, True)
        for role, employer_name in login.roles:
            plan.memberships.append((login.email, employer_name, role))
            if employer_name is not None:
                stand_ins.setdefault((employer_name, role), []).append(login)

    phones: Counter[str] = Counter()
    slugs: set[str] = set()
    for employer in plan.employers:
        if employer.name == DEMO_COUNTY:
            employer.serves_child_and_family, employer.serves_adults = True, True
        elif employer.name == DEMO_FOSTERING:
            employer.serves_child_and_family, employer.serves_adults = True, False
        else:
            employer.name, employer.serves_child_and_family, employer.serves_adults = namer.employer(
                employer.employer_type, employer.region
            )
        slug = slugify(employer.name)
        assert slug not in slugs, slug
        slugs.add(slug)
        phones[employer.region] += 1
        employer.primary_contact_phone = f"{PHONE_PREFIX[employer.region]}{phones[employer.region]:03d}"

        n = employer.nqsws
        wanted = {
            Role.COORDINATOR: 1,
            Role.ASSESSOR: max(1, math.ceil(n / 6)),
            Role.LINE_MANAGER: math.ceil(n / 5),
            Role.NQSW: n,
        }
        sequence = 0
        for role, count in wanted.items():
            logins = stand_ins.get((employer.name, role), [])
            for _ in range(max(0, count - len(logins))):
                first, last = namer.person()
                sequence += 1
                email = f"{email_local(first, last, sequence)}@{slug}.example"
                plan.people[email] = (f"{first} {last}", False, False)
                plan.memberships.append((email, employer.name, role))
                if role == Role.COORDINATOR and not employer.primary_contact_email:
                    employer.primary_contact_name, employer.primary_contact_email = f"{first} {last}", email
            if role == Role.COORDINATOR and logins:
                employer.primary_contact_name = logins[0].full_name
                employer.primary_contact_email = logins[0].email
    return plan


# --- applying it ----------------------------------------------------------------------------------


def chunked(items: list, size: int = 900) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def emails_to_ids(emails: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunked(sorted(emails)):
        found.update(User.objects.filter(email__in=chunk).values_list("email", "id"))
    return found


@dataclass
class Applied:
    created: Counter[str]
    employer_ids: dict[str, int]  # by name
    user_ids: dict[str, int]  # by email


def apply_plan(plan: Plan) -> Applied:
    """Create what the plan has and the database lacks. Runs inside the caller's transaction."""
    created: Counter[str] = Counter()

    names = [e.name for e in plan.employers]
    existing = set(Employer.objects.filter(name__in=names).values_list("name", flat=True))
    new_employers = [
        Employer(
            name=e.name,
            employer_type=e.employer_type,
            region=e.region,
            serves_child_and_family=e.serves_child_and_family,
            serves_adults=e.serves_adults,
            primary_contact_name=e.primary_contact_name,
            primary_contact_email=e.primary_contact_email,
            primary_contact_phone=e.primary_contact_phone,
        )
        for e in plan.employers
        if e.name not in existing
    ]
    Employer.objects.bulk_create(new_employers, batch_size=500)
    created["employers"] = len(new_employers)
    employer_ids = dict(Employer.objects.filter(name__in=names).values_list("name", "id"))

    existing_emails = emails_to_ids(plan.people)
    demo_hash = make_password(DEMO_PASSWORD)  # hashed once, shared by the demo logins
    new_users = [
        User(
            email=email,
            full_name=full_name,
            is_staff=is_staff,
            # Generated people cannot sign in; hashing thousands of passwords would take minutes.
            password=demo_hash if demo else make_password(None),
        )
        for email, (full_name, is_staff, demo) in plan.people.items()
        if email not in existing_emails
    ]
    User.objects.bulk_create(new_users, batch_size=500)
    created["people"] = len(new_users)
    user_ids = emails_to_ids(plan.people)

    national_user_ids = [user_ids[email] for email, employer, _ in plan.memberships if employer is None]
    active = Membership.objects.active()
    existing_memberships = set(
        active.filter(employer_id__in=employer_ids.values()).values_list("user_id", "employer_id", "role")
    ) | set(
        active.filter(employer__isnull=True, user_id__in=national_user_ids).values_list(
            "user_id", "employer_id", "role"
        )
    )
    new_memberships = []
    for email, employer_name, role in plan.memberships:
        key = (user_ids[email], employer_ids[employer_name] if employer_name else None, role)
        if key not in existing_memberships:
            existing_memberships.add(key)
            new_memberships.append(Membership(user_id=key[0], employer_id=key[1], role=role))
    Membership.objects.bulk_create(new_memberships, batch_size=500)
    created["memberships"] = len(new_memberships)
    return Applied(created, employer_ids, user_ids)
