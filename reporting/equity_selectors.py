"""What the equity page offers: the cohorts there are registrations for, and the cohorts it opens on."""

from __future__ import annotations

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from programmes.eligibility import funding_year_of
from programmes.models import Registration

DEFAULT_COHORTS = 3


def analysed_cohorts_national(*, actor: Actor) -> list[str]:
    """Every funding year with registrations, oldest first (evaluate inside the national scope)."""
    actor.require(Role.NATIONAL_STAFF)
    return sorted(Registration.objects.order_by().values_list("funding_year", flat=True).distinct())


def default_cohorts(cohorts: list[str]) -> list[str]:
    """The three latest cohorts whose outcomes are in, as the annual report analyses them: not the current
    funding year nor the one before (its NQSWs are still finishing, as the seed report explains)."""
    current = int(funding_year_of(clock.today())[:4])
    finished = [cohort for cohort in cohorts if int(cohort[:4]) <= current - 2]
    return finished[-DEFAULT_COHORTS:]


def cohort_records_national(*, actor: Actor, cohorts: list[str]) -> int:
    """How many registrations the cohorts hold: above ``equity_jobs.JOB_THRESHOLD`` the analysis is a job."""
    actor.require(Role.NATIONAL_STAFF)
    return Registration.objects.filter(funding_year__in=cohorts).count()
