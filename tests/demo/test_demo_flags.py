"""On the demo data, the number of each dashboard flag is what the records say: Demo County Council is
seeded, each flag is counted here from the raw records (sessions held, hours logged, caseloads, locked
reviews, complete observations, signed agreements) by the rules written out plainly, and compared with the
registrations list's counts (its SQL filters on the progress kept on each registration)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from asye import clock
from asye.accounts.models import User
from asye.tenancy.db import tenant_context
from asye.tenancy.models import Employer
from portfolios.models import LearningAgreement, Observation
from programmes.models import (
    CaseloadRecord,
    Deferral,
    ProtectedTimeLog,
    Registration,
    RegistrationStatus,
    SupervisionSession,
)
from programmes.progress_items import Flag
from programmes.progress_store import flag_filter
from programmes.selectors import timeline_input
from programmes.timeline import end_date, milestones, shift_for_pauses, supervision_schedule
from reviews.models import Review

pytestmark = pytest.mark.django_db

WEEK = datetime.timedelta(weeks=1)
FLAGS = (
    Flag.ON_TRACK,
    Flag.REVIEW_DUE,
    Flag.WORK_OVERDUE,
    Flag.OVERDUE,
    Flag.PROTECTED_TIME_BELOW_TARGET,
    Flag.CASELOAD_OVER_CAP,
    Flag.DEFERRED,
)


def expected_flags(
    registration, *, today, deferrals, held, hours, caseload, written, locked, observed, agreed
):
    """The flags of one registration, from its records, by the rules of docs/timelines.md."""
    version = registration.framework_version
    if not registration.is_open:
        return []
    flags = []
    spec = timeline_input(registration, deferrals)
    end = end_date(spec, today=today)
    if registration.status == RegistrationStatus.DEFERRED:
        flags.append(Flag.DEFERRED)
    else:
        window = datetime.timedelta(weeks=version.review_window_weeks)
        needed_until = registration.ending_on or datetime.date.max
        review_due = overdue = False
        observation = 0
        for milestone in milestones(spec, today=today, include_supervision=False):
            if milestone.due > needed_until:
                continue
            if milestone.kind == "review" or (
                milestone.kind == "optional_review" and milestone.month in written
            ):
                done = int(milestone.month) in locked
                if not done and milestone.due - window <= today <= milestone.due:
                    review_due = True
                overdue |= not done and today > milestone.due
            elif milestone.kind == "observation":
                observation += 1
                overdue |= observation not in observed and today > milestone.due
            elif milestone.kind == "final_panel":
                overdue |= today > milestone.due
        agreement_due = shift_for_pauses(registration.start_date + 4 * WEEK, spec.pauses, today)
        signed = agreed and not registration.learning_agreement_needs_signing
        if version.requires_signed_agreement and not signed and agreement_due <= needed_until:
            overdue |= today > agreement_due
        if review_due:
            flags.append(Flag.REVIEW_DUE)
        if overdue:
            flags.append(Flag.WORK_OVERDUE)
        grace = today - WEEK
        if held < sum(1 for m in supervision_schedule(spec, today=today) if m.due <= grace):
            flags.append(Flag.OVERDUE)
        until = min(today, end)
        days = (until - registration.start_date).days
        for d in deferrals:
            days -= max(
                0, (min(d.ended_on or until, until) - max(d.started_on, registration.start_date)).days
            )
        weeks = max(0, days) // 7
        target = (registration.contracted_hours * version.protected_time_percent / 100 * weeks).quantize(
            Decimal("0.1")
        )
        short_by_more = hours < target * (100 - version.protected_time_tolerance_percent) / 100
        if weeks >= version.protected_time_settling_in_weeks and short_by_more:
            flags.append(Flag.PROTECTED_TIME_BELOW_TARGET)
    if caseload is not None:
        cap = (caseload.team_average * version.caseload_cap_percent / 100).quantize(Decimal("0.1"))
        if caseload.caseload > cap:
            flags.append(Flag.CASELOAD_OVER_CAP)
    return flags or [Flag.ON_TRACK]


def test_each_demo_flag_counts_what_the_records_say(client, login):
    call_command("seed_demo", stdout=StringIO())
    today = clock.today()
    county = Employer.objects.get(name="Demo County Council")
    with tenant_context(county.pk):
        registrations = list(
            Registration.objects.filter(employer=county).select_related("framework_version").order_by("pk")
        )
        deferrals, held, hours, latest = defaultdict(list), Counter(), defaultdict(Decimal), {}
        for deferral in Deferral.objects.order_by("started_on"):
            deferrals[deferral.registration_id].append(deferral)
        for session in SupervisionSession.objects.filter(held_on__lte=today):
            held[session.registration_id] += 1
        for log in ProtectedTimeLog.objects.filter(taken_on__lte=today):
            hours[log.registration_id] += log.hours
        for record in CaseloadRecord.objects.order_by("recorded_on", "id"):
            latest[record.registration_id] = record
        written, locked = defaultdict(set), defaultdict(set)
        for registration_id, month, status in Review.objects.filter(extra=False).values_list(
            "registration_id", "month", "status"
        ):
            written[registration_id].add(month)
            if status == Review.Status.LOCKED:
                locked[registration_id].add(month)
        observed = defaultdict(set)
        for registration_id, number in Observation.objects.filter(
            status=Observation.Status.COMPLETE
        ).values_list("portfolio__registration_id", "number"):
            observed[registration_id].add(number)
        agreed = {}
        for registration_id, completed_at in LearningAgreement.objects.order_by(
            "portfolio__registration_id", "revision"
        ).values_list("portfolio__registration_id", "completed_at"):
            agreed[registration_id] = completed_at is not None  # the latest revision wins
        expected = Counter()
        for r in registrations:
            expected.update(
                expected_flags(
                    r,
                    today=today,
                    deferrals=deferrals[r.pk],
                    held=held[r.pk],
                    hours=hours[r.pk],
                    caseload=latest.get(r.pk),
                    written=written[r.pk],
                    locked=locked[r.pk],
                    observed=observed[r.pk],
                    agreed=agreed.get(r.pk, False),
                )
            )
        stored = {
            flag: Registration.objects.filter(employer=county).filter(flag_filter(flag)).count()
            for flag in FLAGS
        }
    assert stored == {flag: expected[flag] for flag in FLAGS}
    # The demo shows every flag, and not the protected-time flag on nearly everyone.
    assert all(stored[flag] >= 1 for flag in stored), stored
    open_count = sum(1 for r in registrations if r.is_open)
    assert stored[Flag.PROTECTED_TIME_BELOW_TARGET] <= open_count // 4

    # The co-ordinator's list says the same, filter by filter.
    login(User.objects.get(email="coordinator@demo.example"))
    for flag, count in stored.items():
        html = client.get(reverse("programmes:list"), {"status": flag}).content.decode()
        assert f"{count} NQSW{'s' if count != 1 else ''} match" in html, flag
