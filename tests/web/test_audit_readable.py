"""An audit trail people can read (#18 item 7): each event a sentence, each change "from … to …" with the
field's label and the choice's label, filters by person, kind of record and date on ``/audit/`` and
``/national/audit/``; the raw event stays as it was (and in the API)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from asye.accounts.models import User
from asye.audit.models import AuditEvent
from asye.audit.readable import readable
from asye.tenancy.db import system_national_context
from asye.web.dates import date_data

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_an_event_is_a_sentence_and_a_change_is_from_and_to_with_labels():
    priya = User(full_name="Priya Campbell", email="priya@example.org")
    event = AuditEvent(
        actor_user=priya,
        actor_label="priya@example.org",
        action="grant_application.updated",
        object_type="funding.grantapplication",
        changes={"declares_funding_use": [False, True], "submitted_at": [None, "2026-11-03T10:15:00+00:00"]},
    )
    words = readable(event)
    assert words.sentence == "Priya Campbell changed the grant application"
    assert [str(change) for change in words.changes] == [
        "Declares funding use: from No to Yes",
        "Submitted at: from nothing to 3 November 2026 10:15",
    ]


def test_choice_labels_and_recorded_values_and_unknown_actions():
    event = AuditEvent(
        actor_label="national@example.org",
        action="claim.approved",
        object_type="funding.claim",
        changes={"status": ["submitted", "approved"], "amount": "1000.00"},
    )
    words = readable(event)
    assert words.sentence == "national@example.org approved the claim for payment"
    assert [str(change) for change in words.changes] == [
        "Status: from Submitted to Approved",
        "Amount: 1000.00",
    ]
    # An action nobody has put into words is read from itself and its model: never a bare code.
    derived = readable(
        AuditEvent(
            actor_label="system",
            action="registration.paused_for_leave",
            object_type="programmes.registration",
        )
    )
    assert derived.sentence == "The service paused for leave the registration"
    national = readable(
        AuditEvent(actor_label="n@example.org", action="national.read", changes={"purpose": "GET /national/"})
    )
    assert national.sentence == "n@example.org read records across employers"
    assert [str(c) for c in national.changes] == ["Purpose: GET /national/"]


@pytest.fixture
def trail(employer_a, employer_b):
    """Events at A by two people on two kinds of record; and one at B. (The trail is append-only: their
    times are the clock's.)"""
    with system_national_context():
        return [
            AuditEvent.objects.create(
                employer=employer_a.employer,
                actor_user=employer_a.coordinator,
                actor_label=employer_a.coordinator.email,
                action="grant_application.updated",
                object_type="funding.grantapplication",
                object_id="1",
                changes={"declares_funding_use": [False, True]},
            ),
            AuditEvent.objects.create(
                employer=employer_a.employer,
                actor_user=employer_a.assessor,
                actor_label=employer_a.assessor.email,
                action="registration.deferred",
                object_type="programmes.registration",
                object_id="2",
                changes={"status": ["active", "deferred"]},
            ),
            AuditEvent.objects.create(
                employer=employer_b.employer,
                actor_user=employer_b.coordinator,
                actor_label=employer_b.coordinator.email,
                action="claim.submitted",
                object_type="funding.claim",
                object_id="3",
            ),
        ]


def test_the_co_ordinators_trail_reads_as_sentences_and_filters(client, login, employer_a, trail):
    login(employer_a.coordinator)
    page = text(client.get(reverse("audit:list")))
    coordinator = employer_a.coordinator.full_name or employer_a.coordinator.email
    assert f"{coordinator} changed the grant application" in page
    assert "Declares funding use: from No to Yes" in page
    assert "Status: from In progress to Deferred" in page  # the choices' labels
    assert "grant_application.updated" not in page and "[False, True]" not in page
    assert "claim.submitted" not in page and "submitted the claim" not in page  # B's

    by_kind = text(client.get(reverse("audit:list"), {"kind": "programmes.registration"}))
    assert "deferred the NQSW" in by_kind and "grant application" not in by_kind
    first = (employer_a.assessor.full_name or employer_a.assessor.email)[:4]
    by_person = text(client.get(reverse("audit:list"), {"person": first}))
    assert "deferred the NQSW" in by_person
    today = timezone.localdate(trail[0].created_at)
    on_the_day = text(client.get(reverse("audit:list"), {**date_data("since", today), **date_data("until", today)}))
    assert "changed the grant application" in on_the_day and "deferred the NQSW" in on_the_day
    later = text(client.get(reverse("audit:list"), date_data("since", today + datetime.timedelta(days=1))))
    assert "No events match the filters" in later
    wrong = text(client.get(reverse("audit:list"), {"since_day": "31", "since_month": "2", "since_year": "2026"}))
    assert "There is a problem" in wrong and "The first day must be a real date" in wrong


def test_the_national_trail_reads_as_sentences_with_the_employer(
    client, login, national_staff, employer_b, trail
):
    login(national_staff)
    page = text(client.get(reverse("national:audit"), {"kind": "funding.claim"}))
    assert "submitted the claim" in page and employer_b.employer.name in page
    assert "changed the grant application" not in page
    # The raw event is kept as it was written.
    with system_national_context():
        assert AuditEvent.objects.get(pk=trail[0].pk).changes == {"declares_funding_use": [False, True]}
