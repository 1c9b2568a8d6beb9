"""``manage.py seed_demo`` tells the same story whatever the day it runs: seeded on two days far apart, Demo
County Council's co-ordinator sees the same flags on the registrations dashboard and the same alerts on
their home page, its registrations, reviews, outcomes and claims are at the same stages, last month's
statement is paid and this month's a draft; nationally, claims are in the same states.

The two days are chosen so that the child and family ASYE's rules apply to both. The social work induction
programme (SWIP) takes local authorities' child and family starts from 1 September 2027 (availability data,
``programmes.eligibility``); the suite's reference data only ever moves that date later
(``tests/reference_calendar.py``). Seeded on 14 July 2027,
Demo County's latest starter starts on 7 July 2027, still on the ASYE; seeded any later than the first
week of September 2027, its later child and family starters would honestly be on the two-year programme:
the last test seeds after the switch and checks that only their programme differs. The other day, 20 March
2025, is a past day (seeding in the past must work), in the last weeks of a funding year after its claim
deadline (claims roll forward), a leap year away and on another weekday.
"""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command

from asye import clock
from asye.accounts.actor import build_actor
from asye.accounts.models import User
from asye.tenancy.db import system_national_context, tenant_context, tenant_settings
from asye.tenancy.models import Employer, EmployerType
from funding.models import Claim, GrantApplication, PaymentStatement
from programmes.eligibility import funding_year_of
from programmes.models import FrameworkAvailability, ProgrammeFramework, Registration
from programmes.progress_items import FLAG_LABELS
from programmes.progress_store import flag_filter
from programmes.selectors import registration_list
from reviews.models import FinalRecommendation, ModerationCase, ModerationPanel, Review
from reviews.selectors import coordinator_alerts
from tests.reference_calendar import CHILDRENS_ASYE, EARLY_CAREER, switch_day
from tests.today import LONDON, TODAY

pytestmark = pytest.mark.django_db

SEEDING_DAYS = (datetime.date(2025, 3, 20), datetime.date(2027, 7, 14))

# What the co-ordinator of Demo County Council finds, and where its people and money stand, on either day.
EXPECTED = {
    # From the work recorded (docs/timelines.md): a review in its window, work past its date (four NQSWs
    # whose agreements wait for signatures, two reviews late; everyone else has kept up), supervision
    # behind, protected time more than 10% short after the first four weeks, a caseload over the cap, a
    # deferral.
    "dashboard flags": {
        "on_track": 6,
        "review_due": 4,
        "work_overdue": 6,
        "overdue": 3,
        "protected_time_below_target": 3,
        "caseload_over_cap": 1,
        "deferred": 1,
    },
    "home alerts": {"support plans open": 1, "overdue reviews": 1, "recommendations with the panel": 1},
    "registration statuses": {"active": 17, "deferred": 1, "withdrawn": 1, "completed": 1},
    "funding statuses": {"approved": 18, "awaiting_approval": 1, "unfunded": 1},
    "programmes": {"asye-child-family": 16, "asye-adults": 4},
    "outcomes": {"passed": 1, "": 19},
    "reviews written (month, status)": {
        (3, "locked"): 9,
        (3, "awaiting_comments"): 1,
        (3, "draft"): 1,
        (6, "locked"): 3,
        (6, "awaiting_comments"): 2,
        (6, "draft"): 1,
        (12, "locked"): 2,
    },
    "final recommendations": {"endorsed": 1, "submitted": 1},
    "internal panels": {"closed": 1, "open": 1},
    "claims (instalment, status)": {
        ("registration", "paid"): 4,
        ("registration", "on_statement"): 3,
        ("registration", "rejected"): 1,
        ("registration", "submitted"): 2,
        ("registration", "draft"): 8,
        ("completion", "draft"): 1,
    },
    "statements (months before this one, status)": {(1, "paid"), (0, "draft")},
    "grant application for the year under way": "submitted",
    "national moderation cases (status, source)": {
        ("findings_sent", "voluntary"): 1,
        ("waiting", "voluntary"): 1,
    },
    "claims nationally": {
        "draft": 571,
        "submitted": 1075,
        "approved": 1346,
        "on_statement": 3,
        "paid": 4,
        "rejected": 1,
    },
}


def months_before(month: datetime.date, today: datetime.date) -> int:
    delta = relativedelta(today.replace(day=1), month)
    return delta.years * 12 + delta.months


def summary() -> dict:
    """Demo County Council as its co-ordinator's pages read it (the same selectors, as of today), and the
    national claims."""
    today = clock.today()
    county = Employer.objects.get(name="Demo County Council")
    user = User.objects.get(email="coordinator@demo.example")
    with tenant_settings(user_id=user.pk):
        coordinator = build_actor(user, employer_id=county.pk)
    with tenant_context(county.pk):
        # The registrations dashboard counts each flag in SQL on the progress kept on each registration
        # (the seed works it out, as the services and the nightly job do): the counts of its flag filters.
        visible = registration_list(actor=coordinator)
        flags = {flag: visible.filter(flag_filter(flag)).count() for flag in FLAG_LABELS}
        flags = {flag: count for flag, count in flags.items() if count}
        alerts = coordinator_alerts(actor=coordinator, today=today)
        registrations = Registration.objects.filter(employer=county)
        statements = PaymentStatement.objects.filter(employer=county)
        application = GrantApplication.objects.select_related("funding_year").get(employer=county)
        found = {
            "dashboard flags": flags,
            "home alerts": {
                "support plans open": len(alerts.support_plans),
                "overdue reviews": alerts.overdue_reviews,
                "recommendations with the panel": alerts.recommendations_with_panel,
            },
            "registration statuses": dict(Counter(registrations.values_list("status", flat=True))),
            "funding statuses": dict(Counter(registrations.values_list("funding_status", flat=True))),
            "programmes": dict(
                Counter(registrations.values_list("framework_version__framework__code", flat=True))
            ),
            "outcomes": dict(Counter(registrations.values_list("outcome", flat=True))),
            "reviews written (month, status)": dict(
                Counter(
                    Review.objects.filter(employer=county, extra=False, version__gt=1).values_list(
                        "month", "status"
                    )
                )
            ),
            "final recommendations": dict(
                Counter(FinalRecommendation.objects.filter(employer=county).values_list("status", flat=True))
            ),
            "internal panels": dict(
                Counter(ModerationPanel.objects.filter(employer=county).values_list("status", flat=True))
            ),
            "claims (instalment, status)": dict(
                Counter(Claim.objects.filter(employer=county).values_list("instalment", "status"))
            ),
            "statements (months before this one, status)": {
                (months_before(month, today), status)
                for month, status in statements.values_list("month", "status")
            },
            "grant application for the year under way": (
                application.status if application.funding_year.label == funding_year_of(today) else None
            ),
            "national moderation cases (status, source)": dict(
                Counter(ModerationCase.objects.filter(employer=county).values_list("status", "source"))
            ),
        }
    with system_national_context():
        found["claims nationally"] = dict(Counter(Claim.objects.values_list("status", flat=True)))
    return found


@pytest.mark.parametrize("day", SEEDING_DAYS, ids=str)
def test_seeded_on_any_day_the_demo_tells_the_same_story(day, time_machine):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(12), tzinfo=LONDON), tick=True)
    assert clock.today() == day
    output = StringIO()
    call_command("seed_demo", stdout=output)

    assert f"{day:%-d %B %Y}" in output.getvalue()  # history is recorded up to the day seeded
    assert summary() == EXPECTED


def test_seeded_after_the_early_career_programme_opens_later_starters_are_on_it(time_machine):
    """Policy is not faked: four months after the switch (read from the data), Demo County's child and
    family starters since the switch are on the two-year programme, with its funding rates, and the rest of
    the story is the same. The SWIP is for statutory local-authority children's social work only: every
    other employer type's child and family starters since the switch stay on the children's ASYE, and adults'
    on the adults ASYE (#11 item 8)."""
    switch = FrameworkAvailability.objects.get(
        framework__code=EARLY_CAREER, employer_type=EmployerType.LOCAL_AUTHORITY
    ).available_from
    assert switch == switch_day(TODAY) == ProgrammeFramework.objects.get(code=EARLY_CAREER).available_from
    day = switch + datetime.timedelta(days=120)
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(12), tzinfo=LONDON), tick=True)
    call_command("seed_demo", stdout=StringIO())

    found = summary()
    programmes = found.pop("programmes")
    assert found == {key: value for key, value in EXPECTED.items() if key != "programmes"}
    assert programmes[EARLY_CAREER] >= 5 and programmes[CHILDRENS_ASYE] >= 5
    assert sum(programmes.values()) == sum(EXPECTED["programmes"].values())
    county = Employer.objects.get(name="Demo County Council")
    with tenant_context(county.pk):
        for registration in Registration.objects.filter(
            employer=county, framework_version__framework__service_area="child_and_family"
        ).select_related("framework_version__framework"):
            on_early_career = registration.framework_version.framework.code == EARLY_CAREER
            assert on_early_career == (registration.start_date >= switch), registration.start_date
            if on_early_career:
                assert Claim.objects.filter(registration=registration).exists() == (
                    registration.funding_status == "approved"
                )
    with system_national_context():
        since = Counter(
            (r.employer.employer_type == EmployerType.LOCAL_AUTHORITY, r.framework_version.framework.code)
            for r in Registration.objects.filter(start_date__gte=switch).select_related(
                "employer", "framework_version__framework"
            )
        )
    by_local_authorities = {code for (la, code), _count in since.items() if la}
    by_others = {code for (la, code), _count in since.items() if not la}
    assert EARLY_CAREER in by_local_authorities and CHILDRENS_ASYE not in by_local_authorities, since
    assert CHILDRENS_ASYE in by_others and by_others <= {CHILDRENS_ASYE, "asye-adults"}, since
    assert since[False, CHILDRENS_ASYE] >= 5, since
