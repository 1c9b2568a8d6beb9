"""Dates that take effect when they should: a deferral, a return or a withdrawal dated later leaves the
registration as it is until that day ("Deferral from 10 December"), and the nightly job applies it on the
day with the same effect as an immediate one. Dates are checked for sense."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from programmes import services
from programmes.endings import registration_end, registration_endings_apply
from programmes.models import Registration, RegistrationStatus
from programmes.nightly import programme_dates_apply
from programmes.tasks import programme_dates_nightly
from tests.programmes.conftest import actor_for
from tests.today import LONDON, TODAY, days_ago, days_ahead

pytestmark = pytest.mark.django_db


def long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def act(tenant, service, **kwargs):
    with tenant_context(tenant.employer.pk):
        return service(actor=actor_for(tenant.coordinator, tenant.employer), **kwargs)


def now(tenant, registration) -> Registration:
    with tenant_context(tenant.employer.pk):
        return Registration.objects.get(pk=registration.pk)


def actions(tenant, registration) -> list[str]:
    with tenant_context(tenant.employer.pk):
        return list(
            AuditEvent.objects.filter(object_type="programmes.registration", object_id=str(registration.pk))
            .order_by("id")
            .values_list("action", flat=True)
        )


def move_to(time_machine, day: datetime.date) -> None:
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(12), tzinfo=LONDON), tick=True)


@pytest.fixture
def registration(register, employer_a):
    return register(employer_a)


def test_finding_a_deferral_from_next_week_leaves_the_programme_in_progress(
    client, login, employer_a, registration, time_machine
):
    """Reported: a deferral that starts next week made the status "Deferred" at once."""
    next_week = days_ahead(7)
    act(
        employer_a,
        services.registration_defer,
        registration=registration,
        started_on=next_week,
        reason="Leave",
    )
    assert now(employer_a, registration).status == RegistrationStatus.ACTIVE
    login(employer_a.coordinator)
    detail = client.get(reverse("programmes:detail", args=[registration.pk])).content.decode()
    assert f"Deferral from {long(next_week)}" in detail
    listed = client.get(reverse("programmes:list")).content.decode()
    assert f"Deferral from {long(next_week)}" in listed

    # The night before, nothing changes; on the day, the nightly job defers it.
    move_to(time_machine, next_week - datetime.timedelta(days=1))
    with tenant_context(employer_a.employer.pk):
        programme_dates_apply()
    assert now(employer_a, registration).status == RegistrationStatus.ACTIVE
    move_to(time_machine, next_week)
    with tenant_context(employer_a.employer.pk):
        programme_dates_apply()
        programme_dates_apply()  # twice: the same
    after = now(employer_a, registration)
    assert after.status == RegistrationStatus.DEFERRED and after.progress_on == next_week
    assert actions(employer_a, registration).count("registration.deferral_started") == 1


def test_resuming_on_a_later_day_keeps_the_deferral_until_then(employer_a, registration, time_machine):
    act(
        employer_a,
        services.registration_defer,
        registration=registration,
        started_on=days_ago(10),
        reason="Ill",
    )
    assert now(employer_a, registration).status == RegistrationStatus.DEFERRED
    back = days_ahead(5)
    act(employer_a, services.registration_resume, registration=now(employer_a, registration), ended_on=back)
    assert now(employer_a, registration).status == RegistrationStatus.DEFERRED
    move_to(time_machine, back)
    with tenant_context(employer_a.employer.pk):
        programme_dates_apply()
    assert now(employer_a, registration).status == RegistrationStatus.ACTIVE
    assert "registration.deferral_ended" in actions(employer_a, registration)


def test_a_deferral_already_arranged_cannot_be_arranged_twice(employer_a, registration):
    act(
        employer_a,
        services.registration_defer,
        registration=registration,
        started_on=days_ahead(7),
        reason="A",
    )
    with pytest.raises(ValidationError, match="already arranged"):
        act(
            employer_a,
            services.registration_defer,
            registration=now(employer_a, registration),
            started_on=days_ahead(9),
            reason="B",
        )


def test_dates_are_checked_for_sense(employer_a, registration):
    with pytest.raises(ValidationError) as raised:
        act(
            employer_a,
            services.registration_defer,
            registration=registration,
            started_on=days_ahead(400),
            reason="Travel",
        )
    assert raised.value.message_dict["started_on"] == ["The deferral must be within a year from today"]
    with pytest.raises(ValidationError) as raised:
        act(
            employer_a,
            services.registration_withdraw,
            registration=registration,
            on=registration.start_date - datetime.timedelta(days=1),
            reason="Left",
        )
    assert "on or after the programme's start date" in raised.value.message_dict["on"][0]
    with pytest.raises(ValidationError) as raised:
        act(
            employer_a,
            services.registration_withdraw,
            registration=registration,
            on=days_ahead(367),
            reason="X",
        )
    assert raised.value.message_dict["on"] == ["The withdrawal must be within a year from today"]


def test_a_withdrawal_dated_later_is_scheduled_then_applied_like_an_immediate_one(
    client, login, employer_a, registration, time_machine, monkeypatch
):
    from programmes import endings

    told = []
    original = endings.funding_hooks.registration_ended

    def registration_ended(*, actor, registration):
        told.append((registration.pk, registration.status, registration.ended_at))
        return original(actor=actor, registration=registration)

    monkeypatch.setattr(endings.funding_hooks, "registration_ended", registration_ended)
    on = days_ahead(7)
    act(employer_a, services.registration_withdraw, registration=registration, on=on, reason="Moving away")
    scheduled = now(employer_a, registration)
    assert scheduled.status == RegistrationStatus.ACTIVE and scheduled.ended_at is None and told == []
    assert (scheduled.ending_status, scheduled.ending_on) == (RegistrationStatus.WITHDRAWN, on)
    assert "registration.withdrawal_scheduled" in actions(employer_a, registration)
    login(employer_a.coordinator)
    detail = client.get(reverse("programmes:detail", args=[registration.pk])).content.decode()
    assert f"Withdrawal from {long(on)}" in detail

    move_to(time_machine, on)
    programme_dates_nightly.delay()  # the beat task: each employer in its own tenant context
    ended = now(employer_a, registration)
    assert ended.status == RegistrationStatus.WITHDRAWN
    assert (ended.ended_at, ended.end_reason) == (on, "Moving away")
    assert (ended.ending_status, ended.ending_on) == ("", None)
    assert actions(employer_a, registration).count("registration.withdrawn") == 1
    # The same as withdrawing on the day: funding is told once, on the day, of the ended registration.
    assert told == [(registration.pk, RegistrationStatus.WITHDRAWN, on)]
    # Running the night again changes nothing.
    with tenant_context(employer_a.employer.pk):
        assert registration_endings_apply() == 0
    assert actions(employer_a, registration).count("registration.withdrawn") == 1


def test_registration_end_applies_now_for_today_or_earlier(employer_a, registration):
    with tenant_context(employer_a.employer.pk):
        ended = registration_end(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=registration,
            status=RegistrationStatus.TRANSFERRED,
            on=TODAY,
            reason="Transferred",
        )
    assert ended.status == RegistrationStatus.TRANSFERRED and ended.ended_at == TODAY
    assert "registration.transferred_out" in actions(employer_a, registration)


def test_a_second_end_is_refused_while_one_is_arranged(employer_a, registration):
    act(employer_a, services.registration_withdraw, registration=registration, on=days_ahead(3), reason="A")
    with pytest.raises(ValidationError, match="already arranged"):
        act(
            employer_a,
            services.registration_withdraw,
            registration=now(employer_a, registration),
            on=days_ahead(5),
            reason="B",
        )


def test_an_extension_shows_how_it_moves_the_end(client, login, employer_a, registration):
    before = now(employer_a, registration)
    act(employer_a, services.registration_extend, registration=before, days=42, reason="Illness")
    login(employer_a.coordinator)
    html = client.get(reverse("programmes:detail", args=[registration.pk])).content.decode()
    assert "Extended by 42 days: it ends on" in html
    assert "instead of" in html
