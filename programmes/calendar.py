"""A small iCalendar (RFC 5545) writer for the NQSW's calendar feed of all-day deadlines.

Only what the feed needs: a VCALENDAR of all-day VEVENTs. Lines end with CRLF and are folded at 75
octets (never inside a UTF-8 character); TEXT values escape backslashes, semicolons, commas and
newlines (RFC 5545 §3.1, §3.3.11). No library is installed for this and none is worth adding for it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = "\r\n"
MAX_LINE_OCTETS = 75
PRODUCT_ID = "-//Skills for Care//ASYE platform//EN"
# Control characters other than horizontal tab are not allowed in TEXT values.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event. ``uid`` must stay the same for the same deadline across downloads, so that
    calendar apps update the event (a deferral moves it) rather than add a second one."""

    uid: str
    day: datetime.date
    summary: str
    description: str = ""


def escape_text(value: str) -> str:
    """A TEXT property value: ``\\`` ``;`` ``,`` escaped, any line break as ``\\n``."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def fold_line(line: str) -> str:
    """Fold a content line so that no physical line is longer than 75 octets (CRLF not counted).

    Each continuation line starts with one space, which counts towards its 75 octets."""
    parts: list[str] = []
    current = ""
    current_octets = 0
    limit = MAX_LINE_OCTETS
    for char in line:
        size = len(char.encode("utf-8"))
        if current_octets + size > limit:
            parts.append(current)
            current, current_octets, limit = "", 0, MAX_LINE_OCTETS - 1
        current += char
        current_octets += size
    parts.append(current)
    return (CRLF + " ").join(parts)


def format_date(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def format_utc(moment: datetime.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("DTSTAMP needs an aware datetime")
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: CalendarEvent, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{format_date(event.day)}",
        # An all-day event ends (exclusively) the next day; some calendar apps need DTEND to show it.
        f"DTEND;VALUE=DATE:{format_date(event.day + datetime.timedelta(days=1))}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def calendar_document(
    *, name: str, events: Iterable[CalendarEvent], stamp: datetime.datetime, refresh_hours: int = 24
) -> str:
    """The whole ``.ics`` text: CRLF line endings, folded lines, ending with CRLF."""
    utc_stamp = format_utc(stamp)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:PT{refresh_hours}H",
        f"X-PUBLISHED-TTL:PT{refresh_hours}H",
    ]
    for event in events:
        lines += _event_lines(event, utc_stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + CRLF for line in lines)
