"""When equality figures change: a snapshot taken at 23:30 is shown from the next day, and a group's
figures are replaced only once at least the minimum number of answers have been given or changed since
the figures shown (security finding #12.1). The minimum is data national staff set in the admin."""

from __future__ import annotations

import pytest
from django_celery_beat.models import PeriodicTask

from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from equality.models import (
    EqualityDisclosureRule,
    EqualityMonitoring,
    EqualityNationalSnapshot,
    EqualitySnapshot,
)
from equality.tasks import take_employer_equality_snapshots
from tests.equality.conftest import as_person
from tests.equality.test_equality_aggregates import YEAR, aggregates_for
from tests.today import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrations(employer_a, register_nqsw):
    """``make(count)``: that many more registrations at employer A, in this year, none answered."""
    made = []

    def make(count: int) -> list:
        start = len(made)
        for index in range(start, start + count):
            made.append(
                register_nqsw(
                    employer_a, link=False, email=f"s{index}@example.org", swe_number=f"SW8{index:04d}"
                )
            )
        return made[start:]

    return make


def answer(stored_answers, registrations, **answers) -> None:
    for registration in registrations:
        stored_answers(registration, **answers)


def snapshots_of(employer) -> list[EqualitySnapshot]:
    with tenant_context(employer.pk):
        return list(EqualitySnapshot.objects.order_by("taken_on"))


def test_an_answer_never_shows_on_the_day_it_was_given(
    client, login, employer_a, registrations, stored_answers, nightly
):
    answer(stored_answers, registrations(10))
    login(employer_a.coordinator)
    html = client.get("/equality/summary/").content.decode()
    assert "The first figures will be shown tomorrow." in html
    assert [s.taken_on for s in snapshots_of(employer_a.employer)] == [TODAY]  # taken, not shown
    assert aggregates_for(employer_a, funding_year=YEAR) is None
    day_2 = nightly(TODAY)  # the night's job takes today's snapshot again (it is not shown yet)
    assert [s.taken_on for s in snapshots_of(employer_a.employer)] == [TODAY]
    shown = aggregates_for(employer_a, funding_year=YEAR)
    assert shown.tables_shown and shown.as_at.date() == TODAY
    # Ten more answer on day 2: enough for new figures, but not until day 3.
    answer(stored_answers, registrations(10), gender="male")
    assert aggregates_for(employer_a, funding_year=YEAR) == shown
    nightly(day_2)
    later = aggregates_for(employer_a, funding_year=YEAR)
    assert later.as_at.date() == day_2
    assert {c.value: c.count for c in later.tables[0].cells} == {
        "female": 10,
        "male": 10,
        "other": 0,
        "prefer_not_to_say": 0,
    }


def test_figures_change_only_once_the_minimum_number_of_answers_have_changed(
    employer_a, registrations, stored_answers, nightly, unscoped
):
    answer(stored_answers, registrations(12))
    day = nightly(TODAY)
    first = aggregates_for(employer_a, funding_year=YEAR)
    # Nine people answer or change their answers: that is fewer than the minimum of 10.
    answer(stored_answers, registrations(5), gender="male")
    with unscoped():
        for monitoring in EqualityMonitoring.objects.order_by("pk")[:4]:
            monitoring.disability = "yes"
            monitoring.save()
    day = nightly(day)
    assert aggregates_for(employer_a, funding_year=YEAR) == first
    day = nightly(day)
    assert aggregates_for(employer_a, funding_year=YEAR) == first
    # The tenth: new figures the next day, counting all ten.
    answer(stored_answers, registrations(1), gender="male")
    taken = day
    day = nightly(day)
    now_shown = aggregates_for(employer_a, funding_year=YEAR)
    assert now_shown != first and now_shown.as_at.date() == taken
    assert {c.value: c.count for c in now_shown.tables[0].cells}["male"] == 5  # six, rounded
    assert {c.value: c.count for c in now_shown.tables[4].cells}["yes"] is None  # four: hidden
    # Once a snapshot is no longer shown, the next night deletes it.
    nightly(day)
    assert [s.taken_on for s in snapshots_of(employer_a.employer)] == [taken]


def test_a_snapshot_stores_only_what_may_be_shown(employer_a, registrations, stored_answers, nightly):
    answer(stored_answers, registrations(11))
    answer(stored_answers, registrations(2), gender="other", disability="yes", nationality="irish")
    registrations(3)
    nightly(TODAY)
    (snapshot,) = snapshots_of(employer_a.employer)
    figures = snapshot.figures
    assert figures["answered"] == {"about": 15} and figures["not_answered"] == {"below": 5}
    counts = [count for table in figures["tables"] for _, count in table["cells"]]
    assert counts and all(count is None or count % 5 == 0 for count in counts)
    assert snapshot.minimum_answers == 10 and figures["minimum"] == 10


def test_national_staff_set_the_minimum_in_the_admin_and_it_is_audited(
    client, login, national_staff, employer_a, registrations, stored_answers, nightly
):
    answer(stored_answers, registrations(12))
    day = nightly(TODAY)
    assert aggregates_for(employer_a, funding_year=YEAR).tables_shown
    with system_national_context():
        rule = EqualityDisclosureRule.objects.get()
    assert rule.minimum_answers == 10
    login(national_staff)
    url = f"/admin/equality/equalitydisclosurerule/{rule.pk}/change/"
    refused = client.post(url, {"minimum_answers": "9"})
    assert refused.status_code == 200 and b"greater than or equal to 10" in refused.content
    assert client.post(url, {"minimum_answers": "15"}).status_code == 302
    with system_national_context():
        rule.refresh_from_db()
        event = AuditEvent.objects.get(action="equalitydisclosurerule.changed_in_admin")
    assert rule.minimum_answers == 15
    assert event.actor_user_id == national_staff.pk and event.changes["minimum_answers"] == [10, 15]
    assert client.get("/admin/equality/equalitydisclosurerule/add/").status_code == 403  # one rule only
    # Twelve answered, fewer than the new minimum: that night the tables go, though no answer changed.
    nightly(day)
    figures = aggregates_for(employer_a, funding_year=YEAR)
    assert not figures.tables_shown and figures.minimum == 15 and figures.answered_display == "fewer than 15"


def test_co_ordinators_cannot_open_the_rule_in_the_admin(client, login, employer_a):
    login(employer_a.coordinator)
    assert client.get("/admin/equality/equalitydisclosurerule/").status_code == 302


def test_the_nightly_job_is_scheduled_at_half_past_eleven_london_time():
    task = PeriodicTask.objects.get(task="equality.tasks.take_equality_snapshots")
    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, str(crontab.timezone)) == ("30", "23", "Europe/London")


def test_each_employers_snapshots_are_taken_in_its_own_tenant_context(
    employer_a, employer_b, registrations, register_nqsw, stored_answers
):
    answer(stored_answers, registrations(10))
    answer(
        stored_answers,
        [
            register_nqsw(employer_b, link=False, email=f"b{i}@example.org", swe_number=f"SW9{i:04d}")
            for i in range(3)
        ],
    )
    assert take_employer_equality_snapshots(employer_a.employer.pk) == 1
    assert len(snapshots_of(employer_a.employer)) == 1
    assert snapshots_of(employer_b.employer) == []  # B's were not taken, and A's are not B's to see
    # Taking them again the same day changes nothing anyone sees, and makes no second snapshot.
    assert take_employer_equality_snapshots(employer_a.employer.pk) == 1
    assert len(snapshots_of(employer_a.employer)) == 1


def test_the_rule_and_the_national_figures_are_invisible_to_an_employer(
    employer_a, registrations, stored_answers, nightly
):
    answer(stored_answers, registrations(10))
    nightly(TODAY)
    with system_national_context():
        assert EqualityNationalSnapshot.objects.count() == 1 and EqualityDisclosureRule.objects.count() == 1
    with as_person(employer_a.coordinator, employer_a.employer):
        assert EqualityNationalSnapshot.objects.count() == 0
        assert EqualityDisclosureRule.objects.count() == 0
        assert EqualitySnapshot.objects.count() == 1
