"""Each reminder goes to the right people, at the right time, once; running every scan twice sends nothing
new; the command prints one JSON object."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core import mail
from django.core.management import call_command

from asye import clock
from asye.notifications import reminders
from asye.notifications.models import Notification, OutboxEmail, ReminderSent
from tests.notifications.conftest import received, start_for_review_in
from tests.today import TODAY

pytestmark = pytest.mark.django_db


def test_a_review_due_in_ten_days_reminds_the_nqsw_and_assessor_once(
    employer_a, employer_b, enrolled, unscoped, django_capture_on_commit_callbacks
):
    enrolled(employer_a, start_for_review_in(10))
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.run_all()
    got = received(unscoped)
    assert (employer_a.nqsw.email, "review.due_14") in got
    assert (employer_a.assessor.email, "review.due_14") in got
    # Not the line manager, not the co-ordinator, and nobody at employer B.
    assert (employer_a.line_manager.email, "review.due_14") not in got
    assert (employer_a.coordinator.email, "review.due_14") not in got
    assert not {email for email, _ in got} & {employer_b.nqsw.email, employer_b.coordinator.email}
    assert first["sent"] == first["due"] > 0 and first["skipped_already_sent"] == 0
    # Each went by email too (everyone's default is "immediately"), through the outbox.
    assert {m.to[0] for m in mail.outbox} >= {employer_a.nqsw.email, employer_a.assessor.email}
    with unscoped():
        assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == len(mail.outbox)
        notifications = Notification.objects.count()
    sent_emails = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        second = reminders.run_all()
    assert second["sent"] == 0 and second["skipped_already_sent"] == second["due"] == first["due"]
    assert len(mail.outbox) == sent_emails
    with unscoped():
        assert Notification.objects.count() == notifications


def test_seven_days_before_then_overdue_each_once(employer_a, enrolled, unscoped, time_machine):
    registration = enrolled(employer_a, start_for_review_in(10))
    reminders.run_all()
    time_machine.move_to(clock.now() + datetime.timedelta(days=4))  # due in 6 days
    reminders.run_all()
    assert (employer_a.nqsw.email, "review.due_7") in received(unscoped)
    time_machine.move_to(clock.now() + datetime.timedelta(days=7))  # a day overdue
    reminders.run_all()
    reminders.run_all()
    got = received(unscoped)
    assert {
        (employer_a.coordinator.email, "review.overdue"),
        (employer_a.assessor.email, "review.overdue"),
    } <= got
    with unscoped():
        overdue = ReminderSent.objects.filter(kind="review.overdue", about_id=str(registration.pk))
        assert overdue.count() == 3  # NQSW, assessor, co-ordinator: once each


def test_nothing_before_the_window(employer_a, enrolled, unscoped):
    enrolled(employer_a, start_for_review_in(40))
    reminders.run_all()
    assert not {kind for _, kind in received(unscoped)} & {"review.due_14", "review.due_7", "review.overdue"}


def test_supervision_and_agreement_reminders_go_to_the_right_people(employer_a, enrolled, unscoped):
    enrolled(employer_a, TODAY - datetime.timedelta(days=60))  # nothing held, agreement not signed
    reminders.run_all()
    got = received(unscoped)
    assert {
        (employer_a.assessor.email, "supervision.overdue"),
        (employer_a.line_manager.email, "supervision.overdue"),
        (employer_a.nqsw.email, "agreement.unsigned"),
        (employer_a.line_manager.email, "agreement.unsigned"),
    } <= got
    assert (employer_a.nqsw.email, "supervision.overdue") not in got


def test_weekly_reminders_go_once_a_week(employer_a, enrolled, unscoped, time_machine):
    enrolled(employer_a, TODAY - datetime.timedelta(days=60))
    first = reminders.run_all(cadence=reminders.WEEKLY)
    assert (employer_a.coordinator.email, "coordinator.weekly_digest") in received(unscoped)
    again = reminders.run_all(cadence=reminders.WEEKLY)
    assert again["sent"] == 0 and first["sent"] > 0
    time_machine.move_to(clock.now() + datetime.timedelta(days=7))
    assert reminders.run_all(cadence=reminders.WEEKLY)["sent"] > 0


def test_one_employers_failing_scan_does_not_stop_the_others(
    employer_a, employer_b, enrolled, monkeypatch, unscoped
):
    enrolled(employer_a, start_for_review_in(10))
    enrolled(employer_b, start_for_review_in(10), swe_number="SW500002")
    original = reminders.run_employer

    def failing_for_a(*, employer_id, **kwargs):
        if employer_id == employer_a.employer.pk:
            raise RuntimeError("employer A's scan broke")
        return original(employer_id=employer_id, **kwargs)

    monkeypatch.setattr(reminders, "run_employer", failing_for_a)
    counts = reminders.run_all()
    assert counts["failed"] == 1 and counts["sent"] > 0
    assert (employer_b.nqsw.email, "review.due_14") in received(unscoped)


def test_the_command_prints_one_json_object_and_the_second_run_sends_nothing(employer_a, enrolled, capsys):
    enrolled(employer_a, start_for_review_in(10))
    call_command("reminders", "--run-now")
    first = json.loads(capsys.readouterr().out)
    assert set(first) == {"scanned", "due", "sent", "skipped_already_sent"}
    assert first["sent"] > 0 and first["scanned"] > 0
    call_command("reminders", "--run-now")
    second = json.loads(capsys.readouterr().out)
    assert second["sent"] == 0 and second["skipped_already_sent"] == first["due"]
