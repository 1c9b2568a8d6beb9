"""This app's sections of the signed-in home page (``asye.web.home_sections``).

- Co-ordinator: the review alerts (open support plans, overdue reviews, recommendations waiting for the
  panel) and how many reviews fall due this month.
- Assessor, line manager and NQSW: their review to-do list (``reviews.selectors.todo_for``): reviews to
  write, to comment on and sign, final recommendations to write or finish.

Each is a fixed number of queries whatever the number of NQSWs (``tests/web/test_home_todo.py``).
"""

from __future__ import annotations

import datetime
from calendar import monthrange
from dataclasses import dataclass

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.home_sections import HomeSection
from programmes.models import RegistrationStatus
from reviews.models import Review
from reviews.selectors import coordinator_alerts, review_list, todo_for


@dataclass(frozen=True)
class ReviewsThisMonth:
    month: datetime.date
    due: int  # not yet signed by the assessor, due this month
    done: int  # due this month and signed by the assessor


def reviews_due_this_month(*, actor: Actor, today: datetime.date | None = None) -> ReviewsThisMonth:
    """The employer's reviews due this calendar month, of NQSWs whose programme is under way: how many
    still wait for the assessor and how many are signed. One query."""
    today = today or clock.today()
    first = today.replace(day=1)
    last = today.replace(day=monthrange(today.year, today.month)[1])
    rows = (
        review_list(actor=actor)
        .filter(due_on__range=(first, last), registration__status=RegistrationStatus.ACTIVE)
        .order_by()
        .values_list("status", flat=True)
    )
    statuses = list(rows)
    waiting = sum(1 for status in statuses if status == Review.Status.DRAFT)
    return ReviewsThisMonth(month=first, due=waiting, done=len(statuses) - waiting)


def home_sections(actor: Actor) -> list[HomeSection]:
    if actor.employer_id is None or actor.user is None:
        return []
    sections = []
    if actor.has_role(Role.COORDINATOR):
        sections.append(
            HomeSection(
                role=Role.COORDINATOR,
                template="reviews/_coordinator_alerts.html",
                context={"review_alerts": coordinator_alerts(actor=actor)},
            )
        )
        sections.append(
            HomeSection(
                role=Role.COORDINATOR,
                template="reviews/_home_reviews_due.html",
                context={"reviews_this_month": reviews_due_this_month(actor=actor)},
            )
        )
    roles = [role for role in (Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW) if actor.has_role(role)]
    if roles:
        today = clock.today()
        context = {"review_todo": todo_for(actor=actor, today=today), "reviews_today": today}
        for role in roles:
            sections.append(HomeSection(role=role, template="reviews/_home_todo.html", context=context))
    return sections
