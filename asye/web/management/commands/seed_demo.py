"""Seed a believable national picture for demos and the quick start: employers, people and demo logins.

The employers reproduce the 2023-24 tables of the national annual report (seed document 003, section 3.1):
191 employers who registered 3,203 NQSWs, with both the by-type and the by-region numbers of employers
AND of NQSWs matched exactly. Two schools are added on top (the report has none) so the type shows in the
product; they have no NQSWs yet, so the NQSW totals still equal the report's. "Demo County Council" and
"Demo Fostering Partnership" are two of the 191.

Everything is generated from word lists with ``random.Random(2024)``, so every run plans the same picture;
the command then creates only what is missing, looked up by natural key (employer name, user email and
active (user, employer, role) membership). A second run creates nothing. It all happens in one
transaction under the system national scope, as row-level security requires on PostgreSQL.

Every NQSW is registered on a programme, and Demo County Council's year is under way, with supervision,
protected time, caseloads, a deferral, an extension, a withdrawal and a support need, recorded up to the
day the command runs; one NQSW registered by two employers waits for national review. That part lives in
``asye.web.demo_programmes``. The story is written in a reference calendar and moved to the seeding day
(``asye.web.demo_calendar``), so a demo seeded on any day shows the same year at the same stage.
"""

from __future__ import annotations

import importlib
import math
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.test.utils import override_settings
from django.utils.text import slugify

from asye.accounts.models import Membership, Role, User
from asye.tenancy.db import system_national_context
from asye.tenancy.models import Employer, EmployerType, Region
from asye.web.demo_calendar import DemoCalendar
from asye.web.demo_programmes import PROGRAMME_RECORDS, apply_registrations, plan_registrations
from programmes.models import FundingStatus, Registration

SEED = 2024
# "programmes" last: it works out each registration's progress from what the others recorded.
DEMO_APPS = ("portfolios", "reviews", "funding", "programmes")
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
METROPOLITAN_REGIONS = {
    Region.NORTH_EAST,
    Region.NORTH_WEST,
    Region.YORKSHIRE_AND_HUMBER,
    Region.WEST_MIDLANDS,
}

PLACE_STARTS = (
    "Ash", "Bar", "Black", "Bram", "Bright", "Brook", "Cal", "Clay", "Cold", "Crow", "Dun", "East", "Elm",
    "Fair", "Fern", "Glen", "Gold", "Green", "Hal", "Hart", "Haw", "Hazel", "High", "Holm", "Kings", "Lang",
    "Lark", "Long", "Marl", "Mill", "Nether", "North", "Oak", "Pen", "Red", "Rook", "Rose", "Salt", "Sand",
    "Shel", "South", "Stan", "Stone", "Sum", "Thorn", "Wal", "West", "White", "Wil", "Win", "Wood", "Wren",
    "Yar",
)  # fmt: skip
PLACE_ENDS = (
    "bridge", "brook", "bury", "by", "combe", "dale", "den", "field", "ford", "gate", "ham", "hurst", "ley",
    "mead", "mere", "minster", "moor", "mouth", "stead", "stow", "thorpe", "ton", "wick", "worth", "well",
)  # fmt: skip
# Combinations that are real, well-known places or councils: left out so every name stays fictional.
REAL_PLACES = frozenset(
    {
        "Ashby", "Ashford", "Ashton", "Ashwell", "Barton", "Blackmoor", "Brighton", "Calton", "Dunstow",
        "Eastbury", "Eastleigh", "Elmbridge", "Fairford", "Greenwich", "Hallam", "Highbury", "Kingsbury",
        "Kingsbridge", "Kingston", "Langley", "Longford", "Longton", "Marlow", "Millbrook", "Northam",
        "Northwick", "Oakham", "Oakley", "Redhill", "Saltford", "Sandhurst", "Southam", "Southwell",
        "Southwick", "Stanley", "Stanford", "Stanton", "Stoneham", "Walton", "Westbury", "Westminster",
        "Westham", "Westwick", "Whitby", "Wilton", "Woodbridge", "Woodford", "Woodley", "Woodstock",
        "Yarmouth", "Barford", "Highgate", "Holmfirth", "Crowthorne", "Kingsley", "Hartley", "Bramley",
        "Wellington", "Shelley", "Winslow", "Thornbury", "Thornton", "Greenford", "Whitworth", "Harthill",
        "Redbridge", "Stonebridge", "Southend", "Rosedale", "Glendale", "Clayton", "Haworth", "Kingsmead",
        "Sandford", "Sandbach", "Sumbury", "Ashbury", "Rookwood", "Millfield", "Northfield", "Westfield",
        "Whitefield", "Greenfield", "Elmstead", "Halstead", "Hampstead", "Wickham", "Windermere", "Wrenbury",
        "Fernhurst", "Hawley", "Holmwood", "Longbridge", "Marlborough", "Salthouse", "Penwortham",
        "Hayfield", "Wimbledon", "Blackley", "Stoneleigh", "Coldstream", "Swanley", "Brookwood", "Hartford",
        "Fairfield", "Wingate", "Blackford", "Sandton", "Oakfield", "Greenham", "Millbury", "Elmfield",
        "Ferndale", "Highfield", "Stanwell", "Whiteley", "Kingshurst", "Penton", "Longley", "Eastbridge",
        "Sandwell", "Halton", "Ashfield", "Highbridge", "Wilford", "Whitemoor", "Longfield", "Redford",
        "Barley", "Langdale", "Dunham", "Bramham", "Highley", "Standen", "Northden", "Eastfield",
    }
)  # fmt: skip
BRANDS = (
    "Anchor", "Applewood", "Beacon", "Bluebell", "Bramble", "Brightwater", "Cedar", "Clearwater", "Compass",
    "Cornerstone", "Driftwood", "Evergreen", "Fieldfare", "Firefly", "Foxglove", "Goldcrest", "Harbourside",
    "Hearthstone", "Heartwood", "Heron", "Hilltop", "Horizon", "Ivybank", "Juniper", "Kestrel", "Keystone",
    "Kingfisher", "Lantern", "Larkspur", "Lighthouse", "Linnet", "Maplewood", "Meadowbank", "Northstar",
    "Oakleaf", "Orchard", "Pathways", "Pebble", "Primrose", "Riverside", "Rowan", "Silverbirch", "Skylark",
    "Snowdrop", "Springwell", "Stepping Stones", "Sunrise", "Swallow", "Thistle", "Tidewater", "Waymark",
    "Wayfarer", "Wildflower", "Willowbrook", "Windmill", "Woodpecker",
)  # fmt: skip
FIRST_NAMES = (
    "Aaliyah", "Abdul", "Adam", "Aisha", "Alex", "Amara", "Amelia", "Amir", "Ana", "Andrew", "Anjali", "Ben",
    "Beth", "Bilal", "Caitlin", "Callum", "Chen", "Chidi", "Chloe", "Claire", "Connor", "Daniel", "Deepa",
    "Dylan", "Eleanor", "Ella", "Emeka", "Emily", "Erin", "Ewa", "Faisal", "Fatima", "Finn", "Freya",
    "Gareth", "Georgia", "Grace", "Hannah", "Harry", "Imran", "Isla", "Jack", "Jade", "James", "Jasmine",
    "Jay", "Joel", "Kai", "Katie", "Kemi", "Kiran", "Laura", "Leah", "Liam", "Lucy", "Maya", "Megan", "Mei",
    "Mohammed", "Nadia", "Nathan", "Niamh", "Noah", "Olivia", "Omar", "Oscar", "Priya", "Rachel", "Rhys",
    "Rosa", "Ruby", "Ryan", "Samuel", "Sara", "Sean", "Shanice", "Sophie", "Tariq", "Tom", "Tomasz",
    "Yasmin", "Zainab", "Zoe",
)  # fmt: skip
SURNAMES = (
    "Adams", "Ahmed", "Ali", "Allen", "Appiah", "Atkinson", "Bailey", "Baker", "Banks", "Begum", "Bell",
    "Bennett", "Brown", "Campbell", "Carter", "Chan", "Chaudhry", "Clarke", "Cole", "Cooper", "Davies",
    "Dawson", "Edwards", "Evans", "Fisher", "Fletcher", "Foster", "Gill", "Green", "Hall", "Harris",
    "Hughes", "Hussain", "Jackson", "James", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "King",
    "Kowalski", "Lee", "Lewis", "Mahmood", "Marshall", "Mensah", "Miller", "Mitchell", "Moore", "Morgan",
    "Murphy", "Nowak", "O'Brien", "O'Connor", "Okafor", "Okoro", "Owen", "Palmer", "Parker", "Patel",
    "Phillips", "Price", "Quinn", "Rahman", "Reid", "Richards", "Roberts", "Robinson", "Rose", "Scott",
    "Shah", "Sharma", "Singh", "Smith", "Stewart", "Taylor", "Thomas", "Thompson", "Turner", "Walker",
    "Ward", "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip


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


# --- names ----------------------------------------------------------------------------------------


class Namer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        places = [
            start + end
            for start in PLACE_STARTS
            for end in PLACE_ENDS
            if start + end not in REAL_PLACES
            and not start.endswith(end[:1])
            and not (start.endswith("th") and end.startswith("t"))
        ]
        rng.shuffle(places)
        brands = list(BRANDS)
        rng.shuffle(brands)
        self._places = iter(places)
        self._brands = iter(brands)
        self.used: set[str] = {DEMO_COUNTY, DEMO_FOSTERING}

    def place(self) -> str:
        return next(self._places)

    def brand(self) -> str:
        return next(self._brands)

    def unique(self, name: str) -> str:
        assert name not in self.used, name
        self.used.add(name)
        return name

    def employer(self, employer_type: str, region: str) -> tuple[str, bool, bool]:
        """A fictional name and its service areas (child and family, adults)."""
        rng = self.rng
        if employer_type == EmployerType.LOCAL_AUTHORITY:
            if rng.random() < 0.06:
                return self.unique(f"{self.place()} Children's Trust"), True, False
            if region == Region.LONDON:
                kind = "Royal Borough of" if rng.random() < 0.07 else "London Borough of"
                return self.unique(f"{kind} {self.place()}"), True, True
            patterns = ["{} County Council", "{} City Council", "{} Borough Council", "{} Council"]
            if region in METROPOLITAN_REGIONS:
                patterns.append("{} Metropolitan Borough Council")
            return self.unique(rng.choice(patterns).format(self.place())), True, True
        if employer_type == EmployerType.PVI:
            pattern = rng.choice(
                [
                    "{} Social Work Partnership",
                    "{} Family Support",
                    "{} Children's Services",
                    "{} Community Care CIC",
                    "{} Social Care",
                    "{} Youth Trust",
                    "{} Care Group",
                ]
            )
            roll = rng.random()
            adults_only = "Youth" not in pattern and "Children" not in pattern and roll < 0.25
            both = not adults_only and roll > 0.8
            return self.unique(pattern.format(self.brand())), not adults_only, adults_only or both
        if employer_type == EmployerType.FOSTERING:
            pattern = rng.choice(
                ["{} Fostering", "{} Foster Care", "{} Fostering Services", "{} Family Placements"]
            )
            return self.unique(pattern.format(self.brand())), True, False
        if employer_type == EmployerType.NHS:
            pattern = rng.choice(
                [
                    "{} NHS Foundation Trust",
                    "{} Partnership NHS Foundation Trust",
                    "{} Mental Health NHS Trust",
                    "{} Community Healthcare NHS Trust",
                    "{} and {} NHS Foundation Trust",
                ]
            )
            places = [self.place(), self.place()] if "and" in pattern else [self.place()]
            # Adult mental health and community services; about a third also run CAMHS social work.
            return self.unique(pattern.format(*places)), rng.random() < 0.35, True
        if employer_type == EmployerType.SCHOOL:
            pattern = rng.choice(["{} Academy", "{} High School", "{} Learning Trust"])
            return self.unique(pattern.format(self.place())), True, False
        raise ValueError(employer_type)

    def person(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES)


def email_local(first: str, last: str, n: int) -> str:
    return f"{first}.{last}.{n}".lower().replace("'", "").replace(" ", "-")


# --- the plan -------------------------------------------------------------------------------------


def build_plan() -> Plan:
    """The whole picture, computed from the fixed seed alone (never from the database)."""
    rng = random.Random(SEED)
    namer = Namer(rng)
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


def summarise() -> dict:
    """What exists now, nationally (read under the caller's national scope)."""
    nqsw = Q(memberships__role=Role.NQSW, memberships__ended_at__isnull=True)
    by_type = (
        Employer.objects.values("employer_type")
        .annotate(employers=Count("id", distinct=True), nqsws=Count("memberships", filter=nqsw))
        .order_by()
    )
    by_region = (
        Employer.objects.values("region")
        .annotate(employers=Count("id", distinct=True), nqsws=Count("memberships", filter=nqsw))
        .order_by()
    )
    return {
        "employers": Employer.objects.count(),
        "people": User.objects.count(),
        "memberships": Membership.objects.count(),
        "by_type": {row["employer_type"]: (row["employers"], row["nqsws"]) for row in by_type},
        "by_region": {row["region"]: (row["employers"], row["nqsws"]) for row in by_region},
        "registrations_by_funding": dict(
            Registration.objects.values_list("funding_status").annotate(n=Count("id")).order_by()
        ),
    }


class Command(BaseCommand):
    help = (
        "Seed a demo national picture (employers in the proportions of the 2023-24 national report, their "
        "people and memberships, a registration for every NQSW, and support records at the demo employer) "
        "and the demo logins, dated up to today. Safe to run again: it only creates what is missing."
    )

    def handle(self, *args, **options):
        demo_calendar = DemoCalendar.seeding()
        plan = build_plan()
        registrations = plan_registrations(
            plan, demo_county=DEMO_COUNTY, demo_fostering=DEMO_FOSTERING, demo_calendar=demo_calendar
        )
        # Demo data is made through the services, which send emails (support plans, moderation); nobody
        # should receive those, and the quick start's output is for the logins.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            system_national_context(),
        ):
            applied = apply_plan(plan)
            created = applied.created + apply_registrations(
                registrations,
                employer_ids=applied.employer_ids,
                user_ids=applied.user_ids,
                demo_calendar=demo_calendar,
            )
            demos = [importlib.import_module(f"{app}.demo") for app in DEMO_APPS]
            # What an app's demo needs in place before any runs (funding: the years the dates fall in).
            for demo in demos:
                if hasattr(demo, "prepare"):
                    created += demo.prepare(demo_calendar=demo_calendar)
            # Portfolios, then reviews (which cite portfolio evidence), then funding (which pays outcomes).
            for demo in demos:
                created += demo.seed(
                    employer_ids=applied.employer_ids, user_ids=applied.user_ids, demo_calendar=demo_calendar
                )
            summary = summarise()
        self.report(created, summary, demo_calendar)

    def report(self, created: Counter[str], summary: dict, demo_calendar: DemoCalendar) -> None:
        write = self.stdout.write
        write(self.style.MIGRATE_HEADING("Demo logins"))
        rows = [("Email", "Password", "Role", "Employer")]
        for login in DEMO_LOGINS:
            roles = " / ".join(Role(role).label for role, _ in login.roles)
            employers = " / ".join(employer or "(national)" for _, employer in login.roles)
            rows.append((login.email, DEMO_PASSWORD, roles, employers))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for i, row in enumerate(rows):
            write(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if i == 0:
                write("  " + "  ".join("-" * width for width in widths))

        write("")
        write(self.style.MIGRATE_HEADING("Employers (NQSWs are active NQSW memberships)"))
        for title, choices, counts in (
            ("By type", EmployerType, summary["by_type"]),
            ("By region", Region, summary["by_region"]),
        ):
            write(f"  {title:<42} {'employers':>9} {'NQSWs':>6}")
            for value, label in choices.choices:
                if value in counts:
                    write(f"    {label:<40} {counts[value][0]:>9,} {counts[value][1]:>6,}")
        write("")
        write(
            self.style.SUCCESS(
                f"Created {created['employers']:,} employers, {created['people']:,} people and "
                f"{created['memberships']:,} memberships."
            )
        )
        write(
            f"Now: {summary['employers']:,} employers, {summary['people']:,} people, "
            f"{summary['memberships']:,} memberships."
        )

        write("")
        write(
            self.style.MIGRATE_HEADING(
                f"Programmes (history up to the day seeded, {demo_calendar.today:%-d %B %Y})"
            )
        )
        funding = summary["registrations_by_funding"]
        write(f"  {'Registrations by funding status':<42} {'number':>9}")
        for value, label in FundingStatus.choices:
            write(f"    {label:<40} {funding.get(value, 0):>9,}")
        write(f"    {'Total':<40} {sum(funding.values()):>9,}")
        write("")
        counted = [
            f"{created[plural]:,} {plural if created[plural] != 1 else one}"
            for one, plural in PROGRAMME_RECORDS
        ]
        write(self.style.SUCCESS(f"Created {', '.join(counted[:-1])} and {counted[-1]}."))
        known = {"employers", "people", "memberships", *(plural for _, plural in PROGRAMME_RECORDS)}
        portfolio_and_funding = [f"{count:,} {name}" for name, count in created.items() if name not in known]
        if portfolio_and_funding:
            write(self.style.SUCCESS(f"Portfolios, reviews and funding: {', '.join(portfolio_and_funding)}."))
