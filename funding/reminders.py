"""Funding's daily reminders, to the employer's co-ordinators: claims claimable but not submitted as the
year's claim deadline nears, a grant application not submitted, action-plan actions due. Listed in
``settings.ASYE_CONTRIBUTIONS["reminders"]`` (``asye.notifications.reminders`` runs them)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Count, Sum
from django.urls import reverse

from asye.accounts.models import Role
from asye.notifications.reminders import DAILY, Due, Scan, people_with_role
from asye.web.formats import govuk_date, money
from funding.models import ActionPlanItem, Claim, ClaimStatus, FundingYear, GrantApplication

# Reminded this many days before the year's claim deadline, and again a week before.
DEADLINE_NOTICE_DAYS = (30, 7)
ACTION_NOTICE_DAYS = 14


def _notice(deadline: datetime.date, today: datetime.date) -> str | None:
    """Which notice is due for a deadline: "7" within a week, "30" within 30 days, else None."""
    days = (deadline - today).days
    for notice in sorted(DEADLINE_NOTICE_DAYS):
        if 0 <= days <= notice:
            return str(notice)
    return None


def claim_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    """Claimable claims not submitted, 30 and 7 days before their year's claim deadline (after it they
    roll forward to the next year's claim)."""
    rows = (
        Claim.objects.filter(
            employer_id=employer_id,
            status=ClaimStatus.DRAFT,
            funding_year__claim_deadline__gte=today,
            funding_year__claim_deadline__lte=today + datetime.timedelta(days=max(DEADLINE_NOTICE_DAYS)),
        )
        .values("funding_year")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by("funding_year")
    )
    rows = list(rows)
    if not rows:
        return
    years = FundingYear.objects.in_bulk([row["funding_year"] for row in rows])
    coordinators = people_with_role(employer_id, Role.COORDINATOR)
    for row in rows:
        year = years[row["funding_year"]]
        notice = _notice(year.claim_deadline, today)
        if notice is None:
            continue
        text = (
            f"{row['n']} claim{'s' if row['n'] != 1 else ''} worth {money(row['total'])} can be submitted "
            f"for {year.label}: the deadline is {govuk_date(year.claim_deadline)}"
        )
        for person in coordinators:
            yield Due(
                person,
                f"claims.deadline_{notice}",
                year,
                year.claim_deadline,
                text,
                reverse("funding:claims"),
            )


def application_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    """A grant application not submitted (draft or returned) 30 and 7 days before its year's claim
    deadline; action-plan actions due within 14 days or overdue."""
    coordinators = people_with_role(employer_id, Role.COORDINATOR)
    if not coordinators:
        return
    unsent = GrantApplication.objects.filter(
        employer_id=employer_id,
        status__in=(GrantApplication.Status.DRAFT, GrantApplication.Status.RETURNED),
        funding_year__claim_deadline__gte=today,
    ).select_related("funding_year")
    for application in unsent:
        deadline = application.funding_year.claim_deadline
        notice = _notice(deadline, today)
        if notice is None:
            continue
        text = (
            f"The grant application for {application.funding_year.label} is not submitted yet: "
            f"the year's deadline is {deadline:%-d %B %Y}"
        )
        link = reverse("funding:application", args=[application.pk])
        for person in coordinators:
            yield Due(person, f"grant_application.deadline_{notice}", application, deadline, text, link)
    actions = ActionPlanItem.objects.filter(
        employer_id=employer_id,
        due_on__lte=today + datetime.timedelta(days=ACTION_NOTICE_DAYS),
        application__status__in=(GrantApplication.Status.SUBMITTED, GrantApplication.Status.ACCEPTED),
    ).exclude(progress=ActionPlanItem.Progress.DONE)
    for item in actions.order_by("pk"):
        overdue = item.due_on < today
        text = (
            f"An action-plan action is {'overdue' if overdue else 'due'} on {item.due_on:%-d %B %Y}: "
            f"{item.action[:120]} ({item.owner})"
        )
        link = reverse("funding:application", args=[item.application_id])
        kind = "action_plan.overdue" if overdue else "action_plan.due"
        for person in coordinators:
            yield Due(person, kind, item, item.due_on, text, link)


SCANS = [
    Scan(
        "funding.claims",
        DAILY,
        "Claims claimable but not submitted, 30 and 7 days before the year's claim deadline (co-ordinators)",
        claim_reminders,
    ),
    Scan(
        "funding.applications",
        DAILY,
        "Grant application not submitted 30 and 7 days before the year's claim deadline; action-plan "
        "actions due within 14 days and overdue (co-ordinators)",
        application_reminders,
    ),
]
