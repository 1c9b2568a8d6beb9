"""Protected time, fairly measured: against contracted hours x the framework's percentage x the weeks
actually worked (time deferred is not counted), flagged only when more than the tolerance short and past
the settling-in weeks; the pages show the percentage and the hours short. After completion the hours
logged are still shown."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from asye.tenancy.db import tenant_context
from programmes import support_services
from programmes.models import Deferral, Registration, RegistrationStatus
from programmes.progress import registration_progress, weeks_worked
from programmes.progress_items import Flag
from tests.programmes.conftest import actor_for
from tests.today import TODAY, days_ago

pytestmark = pytest.mark.django_db


def started(register, tenant, weeks: int, **overrides) -> Registration:
    """A registration started ``weeks`` whole weeks ago (plus a day)."""
    return register(tenant, start_date=days_ago(7 * weeks + 1), **overrides)


def log(tenant, registration, hours, *, on=None, user=None):
    with tenant_context(tenant.employer.pk):
        support_services.protected_time_log(
            actor=actor_for(user or tenant.coordinator, tenant.employer),
            registration=registration,
            taken_on=on or days_ago(1),
            hours=hours,
            activity="Reading research",
        )


def protected(tenant, registration, today=TODAY):
    with tenant_context(tenant.employer.pk):
        fresh = Registration.objects.select_related("framework_version").get(pk=registration.pk)
        return registration_progress([fresh], today=today)[fresh.pk]


def stored_flag(tenant, registration) -> bool:
    with tenant_context(tenant.employer.pk):
        return Registration.objects.get(pk=registration.pk).flag_protected_time


def test_finding_almost_on_target_is_not_flagged(register, employer_a):
    """Reported: the flag fired at 99.5% of the target (36.8 hours against 37)."""
    registration = started(register, employer_a, 10)  # 10 weeks x 3.7 hours = 37 hours due
    log(employer_a, registration, "12")
    log(employer_a, registration, "12")
    log(employer_a, registration, "12")
    log(employer_a, registration, "0.8")
    progress = protected(employer_a, registration)
    assert progress.protected.target == Decimal("37.0")
    assert progress.protected.hours == Decimal("36.8")
    assert progress.protected.percent == Decimal("99.5")
    assert progress.protected.short == Decimal("0.2")
    assert Flag.PROTECTED_TIME_BELOW_TARGET not in progress.flags
    assert not stored_flag(employer_a, registration)


def test_more_than_the_tolerance_short_is_flagged(register, employer_a):
    registration = started(register, employer_a, 10)
    log(employer_a, registration, "12")
    log(employer_a, registration, "12")
    log(employer_a, registration, "9")  # 33 of 37: 89.2%, more than 10% short
    progress = protected(employer_a, registration)
    assert progress.protected.percent == Decimal("89.2")
    assert Flag.PROTECTED_TIME_BELOW_TARGET in progress.flags
    assert stored_flag(employer_a, registration)


def test_finding_nobody_is_flagged_while_settling_in(register, employer_a):
    """Reported: the flag showed for someone who started two weeks earlier."""
    registration = started(register, employer_a, 2)
    progress = protected(employer_a, registration)
    assert progress.protected.weeks == 2 and progress.protected.settling_in
    assert progress.protected.target == Decimal("7.4") and progress.protected.hours == 0
    assert Flag.PROTECTED_TIME_BELOW_TARGET not in progress.flags
    # Four weeks worked (the ASYE's settling-in period) and still nothing logged: now it is flagged.
    later = protected(employer_a, registration, today=TODAY + datetime.timedelta(weeks=2))
    assert not later.protected.settling_in
    assert Flag.PROTECTED_TIME_BELOW_TARGET in later.flags


def test_tolerance_and_settling_in_are_framework_data(register, employer_a):
    registration = started(register, employer_a, 10)
    log(employer_a, registration, "12")
    log(employer_a, registration, "12")
    log(employer_a, registration, "12")
    log(employer_a, registration, "0.8")
    version = registration.framework_version
    version.protected_time_tolerance_percent = Decimal("0")
    version.save(update_fields=["protected_time_tolerance_percent"])
    assert Flag.PROTECTED_TIME_BELOW_TARGET in protected(employer_a, registration).flags
    version.protected_time_settling_in_weeks = 12
    version.save(update_fields=["protected_time_settling_in_weeks"])
    assert Flag.PROTECTED_TIME_BELOW_TARGET not in protected(employer_a, registration).flags


def test_part_time_hours_and_deferrals_are_taken_off_the_target(register, employer_a):
    registration = started(register, employer_a, 10, contracted_hours=Decimal("18.5"))
    assert protected(employer_a, registration).protected.target == Decimal("18.5")  # 1.85 x 10 weeks
    with tenant_context(employer_a.employer.pk):
        Deferral.objects.create(
            employer=employer_a.employer,
            registration=registration,
            started_on=days_ago(29),
            ended_on=days_ago(1),
            reason="Illness",
            created_by=employer_a.coordinator,
        )
    # 71 days since the start, 28 of them deferred: 43 days, six whole weeks.
    assert protected(employer_a, registration).protected.weeks == 6
    assert protected(employer_a, registration).protected.target == Decimal("11.1")


def test_weeks_worked_counts_only_time_not_deferred():
    start = datetime.date(2026, 9, 7)
    pause = Deferral(started_on=datetime.date(2026, 10, 5), ended_on=datetime.date(2026, 11, 2))
    assert weeks_worked(start, datetime.date(2026, 12, 7), []) == 13
    assert weeks_worked(start, datetime.date(2026, 12, 7), [pause]) == 9
    # A deferral still to come takes nothing off yet.
    later = Deferral(started_on=datetime.date(2027, 1, 4), ended_on=None)
    assert weeks_worked(start, datetime.date(2026, 12, 7), [later]) == 13


def test_the_pages_show_the_percentage_and_the_hours_short(client, login, register, employer_a):
    registration = started(register, employer_a, 10)
    log(employer_a, registration, "9")
    login(employer_a.coordinator)
    html = client.get(reverse("support:registration", args=[registration.pk])).content.decode()
    assert "24.3% of the 37 hours due for 10 weeks worked (28 hours short)" in html
    assert "Below target" in html
    detail = client.get(reverse("programmes:detail", args=[registration.pk])).content.decode()
    assert "24.3% of the 37 hours" in detail


def test_finding_hours_are_shown_after_completion(client, login, register, employer_a):
    """Reported: after completion the NQSW's page said "You have logged 0 hours" though 40.7 were."""
    registration = started(register, employer_a, 12)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(nqsw=employer_a.nqsw)
    for hours in ("12", "12", "12", "4.7"):
        log(employer_a, registration, hours)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(
            status=RegistrationStatus.COMPLETED, outcome="passed", outcome_date=TODAY
        )
    login(employer_a.nqsw)
    html = client.get(reverse("support:my_programme")).content.decode()
    assert "You have logged 40.7 hours" in html, html[html.find("<main") :]
    assert "You have logged 0 hours" not in html
