"""The nightly job: scheduled in django-celery-beat, it runs each employer's night in that employer's tenant
context, works out again what the date alone changes (a review's window opening, a due date passing) and
is harmless to run twice."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django_celery_beat.models import PeriodicTask

from asye.tenancy.db import tenant_context
from programmes.models import Registration
from programmes.tasks import programme_dates_for_employer, programme_dates_nightly
from tests.today import LONDON, TODAY

pytestmark = pytest.mark.django_db


def stored(tenant, registration) -> Registration:
    with tenant_context(tenant.employer.pk):
        return Registration.objects.get(pk=registration.pk)


def test_the_job_is_scheduled_every_night():
    task = PeriodicTask.objects.get(task="programmes.tasks.programme_dates_nightly")
    assert task.enabled and task.crontab.hour == "0" and task.crontab.day_of_week == "*"


def test_each_employers_progress_is_worked_out_for_the_new_day(
    register, employer_a, employer_b, time_machine
):
    a = register(employer_a, start_date=TODAY)
    b = register(employer_b, start_date=TODAY)
    assert not stored(employer_a, a).flag_review_due and stored(employer_a, a).progress_on == TODAY
    # Two weeks before the 3-month review: its window (four weeks) has opened, by the date alone.
    day = TODAY + relativedelta(months=3) - datetime.timedelta(days=14)
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(0, 5), tzinfo=LONDON), tick=True)
    assert programme_dates_nightly.delay().get() == 2
    for tenant, registration in ((employer_a, a), (employer_b, b)):
        after = stored(tenant, registration)
        assert after.flag_review_due and after.progress_on == day
        assert after.version == registration.version  # a reading of the records, not a change
    # Again the same night: nothing more to write.
    assert programme_dates_for_employer.delay(employer_a.employer.pk).get()["progress"] == 0


def test_an_employers_night_touches_only_its_own_registrations(
    register, employer_a, employer_b, time_machine
):
    a = register(employer_a, start_date=TODAY)
    b = register(employer_b, start_date=TODAY)
    day = TODAY + datetime.timedelta(days=3)
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(0, 5), tzinfo=LONDON), tick=True)
    programme_dates_for_employer.delay(employer_a.employer.pk)
    assert stored(employer_a, a).progress_on == day
    assert stored(employer_b, b).progress_on == TODAY
