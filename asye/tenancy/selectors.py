"""Reads about employers: the actor's own, and (national staff, in national scope) all of them."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.tenancy.models import Employer


def employer_get_own(*, actor: Actor) -> Employer:
    return get_object_or_404(Employer.objects.visible_to(actor))


def employer_list_national(
    *, actor: Actor, employer_type: str = "", region: str = "", q: str = ""
) -> QuerySet:
    """Every employer with its people counted by role. Evaluate inside ``national_scope``."""
    actor.require(Role.NATIONAL_STAFF)
    active = Q(memberships__ended_at__isnull=True)
    employers = Employer.objects.annotate(
        nqsw_count=Count("memberships", filter=active & Q(memberships__role=Role.NQSW)),
        assessor_count=Count("memberships", filter=active & Q(memberships__role=Role.ASSESSOR)),
        coordinator_count=Count("memberships", filter=active & Q(memberships__role=Role.COORDINATOR)),
    )
    if employer_type:
        employers = employers.filter(employer_type=employer_type)
    if region:
        employers = employers.filter(region=region)
    if q:
        employers = employers.filter(name__icontains=q)
    return employers.order_by("name")


def employer_get_national(*, actor: Actor, pk: int) -> Employer:
    return get_object_or_404(employer_list_national(actor=actor), pk=pk)


def employer_count_national(*, actor: Actor) -> int:
    """How many employers are on the platform (whether or not they registered anyone: the national
    reports count employers registering, ``reporting.registrations``)."""
    actor.require(Role.NATIONAL_STAFF)
    return Employer.objects.count()
