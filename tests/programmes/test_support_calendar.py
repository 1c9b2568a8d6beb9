"""The iCalendar writer and the NQSW's calendar feed: a valid file, and a token that is the only key."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from asye.accounts.models import Membership
from asye.tenancy.db import tenant_context
from programmes.calendar import CalendarEvent, calendar_document, escape_text, fold_line
from programmes.models import Registration
from programmes.my_programme_views import CALENDAR_SALT, calendar_token
from programmes.progress import registration_progress
from programmes.services import registration_withdraw
from tests.programmes.conftest import TODAY, actor_for
from tests.today import NOW

STAMP = datetime.datetime(2026, 11, 23, 10, 15, tzinfo=datetime.UTC)


def unfold(text: str) -> list[str]:
    """Content lines: CRLF + one space (or tab) continues the previous line (RFC 5545 §3.1)."""
    assert text.endswith("\r\n")
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]


def parse_events(text: str) -> list[dict[str, str]]:
    events, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return events


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def assert_valid_lines(text: str) -> None:
    assert "\n" not in text.replace("\r\n", "")  # no bare line feeds
    for physical in text.split("\r\n")[:-1]:
        assert len(physical.encode("utf-8")) <= 75


# The writer -------------------------------------------------------------------------------------------


def test_escaping_of_text_values():
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert escape_text("bell\x07") == "bell"


def test_folding_at_75_octets_never_splits_a_character():
    line = "SUMMARY:" + "é" * 100  # two octets each
    folded = fold_line(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert "".join([physical[0]] + [p[1:] for p in physical[1:]]) == line
    assert fold_line("SHORT:line") == "SHORT:line"
    exactly = "X:" + "a" * 73
    assert fold_line(exactly) == exactly and fold_line(exactly + "b") == exactly + "\r\n b"


def test_document_is_valid_and_reads_back():
    summary = "Review; with Ada, Ben\\and a long name " + "x" * 80
    document = calendar_document(
        name="ASYE: Ada Okafor",
        events=[
            CalendarEvent(uid="one@asye", day=datetime.date(2026, 12, 7), summary=summary),
            CalendarEvent(
                uid="two@asye", day=datetime.date(2027, 3, 7), summary="End", description="Line\nTwo"
            ),
        ],
        stamp=STAMP,
    )
    assert_valid_lines(document)
    lines = unfold(document)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    first, second = parse_events(document)
    assert first["DTSTART;VALUE=DATE"] == "20261207" and first["DTEND;VALUE=DATE"] == "20261208"
    assert first["DTSTAMP"] == "20261123T101500Z" and first["UID"] == "one@asye"
    assert unescape(first["SUMMARY"]) == summary
    assert "\\;" in first["SUMMARY"] and "\\," in first["SUMMARY"] and "\\\\" in first["SUMMARY"]
    assert unescape(second["DESCRIPTION"]) == "Line\nTwo"


def test_dtstamp_needs_an_aware_time():
    with pytest.raises(ValueError):
        calendar_document(name="x", events=[], stamp=datetime.datetime(2026, 1, 1))


# The feed ---------------------------------------------------------------------------------------------


@pytest.fixture
def registration(register, employer_a):
    registration = register(employer_a)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(nqsw=employer_a.nqsw)
        registration.refresh_from_db()
    return registration


def feed_url(registration) -> str:
    return reverse("support:calendar", args=[calendar_token(registration)])


@pytest.mark.django_db
def test_feed_works_without_a_session_and_lists_every_milestone(client, registration):
    response = client.get(feed_url(registration))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode("utf-8")
    assert_valid_lines(text)
    events = parse_events(text)
    summaries = [unescape(e["SUMMARY"]) for e in events]
    # What is still to do (the agreement, 3 observations, 3 reviews, the end and the panel: the optional
    # review nobody added is not needed), and the supervision dates.
    assert "ASYE: 3-month review" in summaries and "ASYE: Internal moderation panel" in summaries
    assert "ASYE: End of programme" in summaries and "ASYE: Supervision 1" in summaries
    assert "ASYE: Learning agreement signed" in summaries
    assert "ASYE: 9-month review (optional)" not in summaries
    assert len(events) == len({e["UID"] for e in events})
    with tenant_context(registration.employer_id):
        registration = Registration.objects.select_related("framework_version").get(pk=registration.pk)
        progress = registration_progress([registration], today=timezone.localdate())[registration.pk]
    to_do = [item for item in progress.items if item.is_open]
    assert len(to_do) == 9
    assert len(events) == len(to_do) + len(progress.supervision)
    by_summary = {unescape(e["SUMMARY"]): e for e in events}
    start = registration.start_date
    assert (
        by_summary["ASYE: 3-month review"]["DTSTART;VALUE=DATE"]
        == f"{start + relativedelta(months=3):%Y%m%d}"
    )
    assert (
        by_summary["ASYE: Supervision 1"]["DTSTART;VALUE=DATE"]
        == f"{start + datetime.timedelta(days=7):%Y%m%d}"
    )
    assert all(re.fullmatch(r"\d{8}T\d{6}Z", e["DTSTAMP"]) for e in events)
    # The same address and the same UIDs every time: calendar apps update events, not duplicate them.
    again = parse_events(client.get(feed_url(registration)).content.decode())
    assert [e["UID"] for e in again] == [e["UID"] for e in events]
    assert calendar_token(registration) == calendar_token(registration)


@pytest.mark.django_db
def test_tampered_or_forged_tokens_are_404(client, registration, employer_b):
    token = calendar_token(registration)
    payload, _, signature = token.rpartition(":")
    assert (
        client.get(reverse("support:calendar", args=[payload + ":" + signature[:-2] + "xx"])).status_code
        == 404
    )
    assert client.get(reverse("support:calendar", args=["nonsense"])).status_code == 404
    # Signed with another salt (another of the site's signed values) is not a calendar token.
    other = signing.Signer(salt="something.else").sign_object(
        [registration.nqsw_id, registration.pk, registration.employer_id]
    )
    assert client.get(reverse("support:calendar", args=[other])).status_code == 404
    # A validly signed token naming another employer finds nothing: the registration is read in the
    # token's employer's tenant context and must belong to it.
    wrong_employer = signing.Signer(salt=CALENDAR_SALT).sign_object(
        [registration.nqsw_id, registration.pk, employer_b.employer.pk]
    )
    assert client.get(reverse("support:calendar", args=[wrong_employer])).status_code == 404


@pytest.mark.django_db
def test_feed_stops_when_the_nqsw_is_no_longer_linked(client, registration, employer_a):
    url = feed_url(registration)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(nqsw=employer_a.assessor)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_feed_stops_when_the_nqsws_membership_ends(client, registration, employer_a):
    url = feed_url(registration)
    with tenant_context(employer_a.employer.pk):
        Membership.objects.filter(user=employer_a.nqsw, employer=employer_a.employer).update(
            ended_at=NOW - datetime.timedelta(days=22)
        )
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_feed_of_a_closed_programme_is_empty(client, registration, employer_a):
    with tenant_context(employer_a.employer.pk):
        registration_withdraw(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=registration,
            on=TODAY,
            reason="Left",
        )
    response = client.get(feed_url(registration))
    assert response.status_code == 200 and parse_events(response.content.decode()) == []
