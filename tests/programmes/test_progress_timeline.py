"""Timelines from the work done: each item's state comes from the records (a locked review, a completed
observation, a signed agreement), "next due" is the first item not done, and every page and list reads
that one definition. Alice is A's co-ordinator; B's people see nothing of A's."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from asye.tenancy.db import tenant_context
from programmes.progress import ItemKind, registration_progress
from programmes.progress_items import Flag, ItemState
from tests.programmes.progress_helpers import (
    complete_observation,
    lock_review,
    now,
    review_soon,
    sign_agreement,
)
from tests.reviews.review_fixtures import make_registration
from tests.today import TODAY, days_ago

pytestmark = pytest.mark.django_db


def progress_of(tenant, registration, today=TODAY):
    registration = now(tenant, registration)
    with tenant_context(tenant.employer.pk):
        return registration_progress([registration], today=today)[registration.pk]


def items_by_label(progress):
    return {item.label: item for item in progress.items}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_finding_locked_review_and_completed_observation_are_no_longer_due(client, login, employer_a):
    """Reported: after the 3-month review was locked and observation 1 completed, the registrations list
    still showed "Review due" and "Next due: Direct observation 1", and the NQSW's page said both were
    "due in 4 days"."""
    registration = review_soon(employer_a)
    due_in = (items_by_label(progress_of(employer_a, registration))["3-month review"].due - TODAY).days
    login(employer_a.coordinator)
    before = page(client, reverse("programmes:list"))
    assert 'govuk-tag--yellow">Review due' in before

    sign_agreement(employer_a, registration)
    lock_review(employer_a, registration, 3)
    complete_observation(employer_a, registration)

    stored = now(employer_a, registration)
    assert not stored.flag_review_due and not stored.flag_work_overdue
    assert stored.next_due_label not in ("3-month review", "Direct observation 1")
    html = page(client, reverse("programmes:list"))
    assert 'govuk-tag--yellow">Review due' not in html and "Direct observation 1" not in html
    assert stored.next_due_label in html  # the next item not done: direct observation 2

    client.logout()
    login(employer_a.nqsw)
    mine = page(client, reverse("support:my_programme"))
    assert f"in {due_in} days" not in mine
    assert "Direct observation 2" in mine


def test_each_item_is_done_with_its_date_and_link(employer_a):
    registration = review_soon(employer_a)
    sign_agreement(employer_a, registration)
    review = lock_review(employer_a, registration, 3)
    observation = complete_observation(employer_a, registration)
    items = items_by_label(progress_of(employer_a, registration))

    assert items["3-month review"].state == ItemState.DONE
    assert items["3-month review"].done_on == TODAY
    assert items["3-month review"].url == reverse("reviews:review", args=[review.pk])
    assert items["Direct observation 1"].state == ItemState.DONE
    assert items["Direct observation 1"].done_on == observation.observed_on
    assert items["Direct observation 1"].url == reverse("portfolios:observation", args=[observation.pk])
    assert items["Learning agreement signed"].state == ItemState.DONE
    assert items["Learning agreement signed"].url == reverse("portfolios:agreement", args=[registration.pk])
    assert items["6-month review"].state == ItemState.UPCOMING
    assert items["9-month review (optional)"].state == ItemState.NOT_NEEDED


def test_states_follow_the_dates_when_nothing_is_done(employer_a):
    registration = review_soon(employer_a)
    progress = progress_of(employer_a, registration)
    items = items_by_label(progress)
    # The review's window opened four weeks before its date; the agreement was due four weeks in.
    assert items["3-month review"].state == ItemState.DUE
    assert items["3-month review"].opens == items["3-month review"].due - datetime.timedelta(weeks=4)
    assert items["Learning agreement signed"].state == ItemState.OVERDUE
    assert items["12-month review"].state == ItemState.UPCOMING
    assert progress.next_item.label == "Learning agreement signed"
    assert Flag.REVIEW_DUE in progress.flags and Flag.WORK_OVERDUE in progress.flags
    # The day after its date, not locked: the review is overdue.
    later = progress_of(employer_a, registration, today=items["3-month review"].due + datetime.timedelta(1))
    assert items_by_label(later)["3-month review"].state == ItemState.OVERDUE


def test_next_due_is_the_first_item_not_done_not_the_next_date(employer_a):
    """An overdue observation stays "next due" after its date has passed, until it is done."""
    registration = review_soon(employer_a)
    sign_agreement(employer_a, registration)
    lock_review(employer_a, registration, 3)
    progress = progress_of(employer_a, registration)
    first_observation = items_by_label(progress)["Direct observation 1"]
    later = progress_of(employer_a, registration, today=first_observation.due + datetime.timedelta(days=3))
    assert later.next_item.label == "Direct observation 1"
    assert later.next_item.state == ItemState.OVERDUE


def test_after_a_withdrawal_nothing_is_needed(employer_a):
    from programmes.services import registration_withdraw
    from tests.programmes.conftest import actor_for

    registration = make_registration(employer_a, swe_number="SW8100002")
    with tenant_context(employer_a.employer.pk):
        registration_withdraw(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=registration,
            on=days_ago(1),
            reason="Left the employer",
        )
    progress = progress_of(employer_a, registration)
    assert {item.state for item in progress.items} == {ItemState.NOT_NEEDED}
    assert progress.next_item is None and progress.flags == []
    stored = now(employer_a, registration)
    assert stored.next_due_on is None and stored.next_due_kind == ""


def test_the_registration_page_shows_each_state(client, login, employer_a):
    registration = review_soon(employer_a)
    review = lock_review(employer_a, registration, 3)
    login(employer_a.coordinator)
    html = page(client, reverse("programmes:detail", args=[registration.pk]))
    assert reverse("reviews:review", args=[review.pk]) in html
    for label in ("Done", "Overdue", "Upcoming", "Not needed", "Due"):
        assert f">{label}" in html, label


def test_the_calendar_feed_leaves_out_what_is_done(client, login, employer_a):
    from programmes.my_programme_views import calendar_token

    registration = review_soon(employer_a)
    before = page(client, reverse("support:calendar", args=[calendar_token(now(employer_a, registration))]))
    assert "SUMMARY:ASYE: 3-month review" in before
    lock_review(employer_a, registration, 3)
    after = page(client, reverse("support:calendar", args=[calendar_token(now(employer_a, registration))]))
    assert "SUMMARY:ASYE: 3-month review" not in after
    assert "SUMMARY:ASYE: 6-month review" in after


def test_kinds_are_in_the_order_work_happens(employer_a):
    registration = review_soon(employer_a)
    items = progress_of(employer_a, registration).items
    same_day = [item.kind for item in items if item.due == items_by_label_due(items, "3-month review")]
    assert same_day == [ItemKind.OBSERVATION, ItemKind.REVIEW]
    assert [item.due for item in items] == sorted(item.due for item in items)


def items_by_label_due(items, label):
    return next(item.due for item in items if item.label == label)
