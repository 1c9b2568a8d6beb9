"""The service says what it does today (issue 18, item 9): the accessibility statement, the registration
confirmation, a review's status before it is due, and every password problem at once."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from asye.accounts.forms import AcceptInvitationForm

pytestmark = pytest.mark.django_db


def test_password_problems_come_all_at_once():
    form = AcceptInvitationForm(
        data={"full_name": "Nia New", "password1": "123", "password2": "1234"}, email="nia@example.org"
    )
    assert not form.is_valid()
    # The mismatch and what is wrong with the password itself, together: not one, then the next.
    assert form.errors["password2"] == ["The passwords do not match"]
    problems = " ".join(form.errors["password1"])
    assert "at least 12 characters" in problems and "entirely numeric" in problems


def test_a_good_password_that_matches_passes():
    form = AcceptInvitationForm(
        data={
            "full_name": "Nia New",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
        email="nia@example.org",
    )
    assert form.is_valid(), form.errors


def review(status: str = "draft") -> SimpleNamespace:
    return SimpleNamespace(
        status=status,
        get_status_display=lambda: {"draft": "Being written", "locked": "Signed and locked"}[status],
        outcome="",
        assessor_signed_at=None,
    )


def test_a_review_not_open_yet_is_not_due_yet_not_being_written():
    opens = datetime.date(2027, 3, 1)
    html = render_to_string(
        "reviews/_review_tags.html", {"review": review(), "not_due": opens, "status_colour": "grey"}
    )
    assert "Not due yet" in html and "Being written" not in html
    html = render_to_string(
        "reviews/_review_tags.html", {"review": review(), "not_due": None, "status_colour": "grey"}
    )
    assert "Being written" in html and "Not due yet" not in html
    html = render_to_string(
        "reviews/_review_tags.html", {"review": review("locked"), "not_due": opens, "status_colour": "green"}
    )
    assert "Signed and locked" in html


def test_the_registration_confirmation_links_the_forums_that_exist(rf):
    registration = SimpleNamespace(
        pk=1,
        full_name="Sam Smith",
        swe_number="SW123456",
        funding_status="awaiting_approval",
        get_funding_status_display=lambda: "Awaiting approval",
    )
    html = render_to_string("programmes/register_confirmation.html", {"registration": registration})
    assert f'href="{reverse("forums:list")}"' in html


def test_the_accessibility_statement_claims_no_manual_testing_it_has_not_had(client):
    html = client.get(reverse("pages:accessibility")).content.decode()
    assert "test it by hand" not in html
    assert "not yet tested by people who use screen readers" in html
    assert "beside a table of the same figures" in html
