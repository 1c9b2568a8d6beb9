"""Running a 360 cycle in tests the way the pages do, through the services: open it, self-assess, invite
(capturing each link's secret as the email would carry it) and answer through the links."""

from __future__ import annotations

import datetime

from asye.tenancy.db import tenant_context
from evaluations import responding, services
from evaluations.models import EvaluationCycle, EvaluationFramework, EvaluationResponse
from evaluations.selectors import evaluation_year, framework_structure
from tests.programmes.conftest import actor_for
from tests.today import TODAY

NUMBERS = list(range(1, 34))


def framework() -> EvaluationFramework:
    return EvaluationFramework.objects.get(code="asye-360-2023")


def answers(default="3", **by_number) -> dict[int, str]:
    """Every statement answered ``default`` ("1".."5" or "dont_know"), ``s7="5"`` overriding one."""
    values = {number: str(default) for number in NUMBERS}
    for key, value in by_number.items():
        values[int(key.removeprefix("s"))] = str(value)
    return values


def coordinator(tenant):
    return actor_for(tenant.coordinator, tenant.employer)


def open_cycle(tenant, closes_in: int = 30) -> EvaluationCycle:
    with tenant_context(tenant.employer.pk):
        return services.cycle_open(
            actor=coordinator(tenant), closes_on=TODAY + datetime.timedelta(days=closes_in)
        )


def past_cycle(tenant, year: int) -> EvaluationCycle:
    """A cycle of an earlier year, already closed (made directly: the service opens only this year's)."""
    with tenant_context(tenant.employer.pk):
        return EvaluationCycle.objects.create(
            employer=tenant.employer,
            year=year,
            framework=framework(),
            opened_on=datetime.date(year, 10, 1),
            closes_on=datetime.date(year + 1, 1, 31),
            closed_on=datetime.date(year + 1, 1, 31),
            created_by=tenant.coordinator,
        )


def self_assess(tenant, cycle, given: dict[int, str]) -> EvaluationResponse:
    """The co-ordinator's answers, theme by theme as the pages save them."""
    with tenant_context(tenant.employer.pk):
        structure = framework_structure(cycle.framework)
        response = None
        for _number, _title, statements in structure:
            page = {n: given[n] for n, _ in statements if n in given}
            if page:
                response = services.self_assessment_save(
                    actor=coordinator(tenant),
                    cycle=cycle,
                    answers=page,
                    version=response.version if response else None,
                )
        return response


def invite(tenant, cycle, respondent_type: str, emails: list[str]) -> list[str]:
    """Invite addresses; returns the secrets their links carry."""
    secrets: list[str] = []

    def link_builder(secret: str) -> str:
        secrets.append(secret)
        return f"https://asye.test/360/{secret}/"

    with tenant_context(tenant.employer.pk):
        services.invitations_send(
            actor=coordinator(tenant),
            cycle=cycle,
            people=[],
            emails=emails,
            email_type=respondent_type,
            link_builder=link_builder,
        )
    return secrets


def respond(secret: str, given: dict[int, str]) -> None:
    responding.response_submit(secret=secret, answers=given)


def respondents(tenant, cycle, respondent_type: str, ratings: list[dict[int, str]], prefix: str = "") -> None:
    """One invitation and answer per entry of ``ratings``."""
    slug = tenant.employer.name.split()[0].lower()
    emails = [f"{prefix}{respondent_type}{i}@{slug}.example" for i in range(len(ratings))]
    for secret, given in zip(invite(tenant, cycle, respondent_type, emails), ratings, strict=True):
        respond(secret, given)


def close(tenant, cycle) -> EvaluationCycle:
    with tenant_context(tenant.employer.pk):
        cycle.refresh_from_db()
        return services.cycle_close(actor=coordinator(tenant), cycle=cycle, version=cycle.version)


def this_year() -> int:
    return evaluation_year(TODAY)
