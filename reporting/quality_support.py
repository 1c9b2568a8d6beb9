"""The annual report's quality figures from the national support programme: the 360 evaluation's national
composite (``evaluations.composite``), the annual surveys' response rates (``surveys.selectors``) and
attendance at forums, drop-ins, courses and action learning sets (``forums``).

Read inside a national scope (a national view's, or the system national context of the report job or
the command), as plain dicts. Each is counted in SQL: the composite and the survey figures by those apps'
own functions, forum attendance by one ``GROUP BY`` here (the forums app has no national aggregate of
it). Years follow the report's funding year: the 360 evaluation of 2023-24 is the one that year, the
surveys are the round of February 2024, forum sessions are those held from 1 April 2023 to 31 March 2024.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from evaluations.composite import (
    BELOW_MINIMUM,
    INCLUDED,
    MIN_EMPLOYERS_FOR_EMPLOYERS,
    national_composite,
    published_composite,
    published_years,
)
from evaluations.selectors import framework_for_year
from forums.models import ForumKind, SessionSignup, SignupStatus
from surveys.models import SurveyRound
from surveys.selectors import MINIMUM_RESPONSES, round_figures

# The surveys' national selectors ask their caller to be national staff. The report's figures are read
# by national staff's pages, their report job and the command, all already in the national scope, so the
# report reads as this stand-in for "the national team" (no user: it can do nothing a person could).
NATIONAL_REPORT_READER = Actor(user=None, national_roles=frozenset({Role.NATIONAL_STAFF}))


def _start(year: str) -> int:
    return int(year[:4])


def evaluation_figures(*, year: str) -> dict:
    """The 360 evaluation's national composite for ``year`` by theme: statements, the theme's average
    (the mean of its statements' national averages), and its lowest and highest statement average. From
    the platform's cycles when any employer is included, else the figures published for the year (the
    seed's 2022-23 and 2023-24), else none."""
    start = _start(year)
    framework = framework_for_year(start)
    composite = national_composite(start, framework)
    source = "platform" if composite.counts[INCLUDED] else ""
    if not source and framework is not None and start in published_years(framework):
        composite, source = published_composite(start, framework), "published"
    themes = []
    for number, title, rows in composite.themes if source else []:
        averages = [row.average for row in rows if row.average is not None]
        themes.append(
            {
                "theme": number,
                "title": title,
                "statements": len(rows),
                "average": round(float(sum(averages) / len(averages)), 1) if averages else None,
                "lowest": float(min(averages)) if averages else None,
                "highest": float(max(averages)) if averages else None,
            }
        )
    return {
        "year": year,
        "source": source,
        "employers_included": composite.counts[INCLUDED],
        "employers_below_minimum": composite.counts[BELOW_MINIMUM],
        # Fewer employers than this would let each work out the others' scores (as employers' own
        # reports are compared only with a composite of at least this many).
        "publishable": source == "published" or composite.counts[INCLUDED] >= MIN_EMPLOYERS_FOR_EMPLOYERS,
        "themes": themes,
    }


def survey_figures(*, year: str) -> dict:
    """The annual surveys of ``year`` (the round held in its February): invitations sent, responses and
    the response rate by group; a rate only where at least ``MINIMUM_RESPONSES`` answered, as the
    surveys' own results pages do."""
    survey_round = SurveyRound.objects.filter(year=_start(year) + 1).first()
    if survey_round is None:
        return {"year": year, "round": None, "groups": [], "minimum_responses": MINIMUM_RESPONSES}
    groups = [
        {
            "group": figures.group,
            "label": figures.label,
            "sent": figures.sent,
            "responses": figures.responses,
            "rate": figures.rate,
        }
        for figures in round_figures(actor=NATIONAL_REPORT_READER, survey_round=survey_round)
    ]
    return {
        "year": year,
        "round": survey_round.year,
        "groups": groups,
        "minimum_responses": MINIMUM_RESPONSES,
    }


def forum_figures(*, year: str) -> dict:
    """Sessions held (not cancelled) in the funding year by kind of forum, places booked at them and
    attendances recorded. One query, grouped in the database."""
    start = _start(year)
    held = (
        SessionSignup.objects.filter(
            status=SignupStatus.BOOKED,
            session__cancelled_at__isnull=True,
            session__starts_at__date__gte=datetime.date(start, 4, 1),
            session__starts_at__date__lte=datetime.date(start + 1, 3, 31),
        )
        .order_by()
        .values("session__forum__kind")
        .annotate(
            sessions=Count("session", distinct=True),
            booked=Count("id"),
            attended=Count("id", filter=Q(attended=True)),
        )
    )
    by_kind = {row["session__forum__kind"]: row for row in held}
    kinds = [
        {
            "kind": code,
            "label": label,
            "sessions": by_kind.get(code, {}).get("sessions", 0),
            "booked": by_kind.get(code, {}).get("booked", 0),
            "attended": by_kind.get(code, {}).get("attended", 0),
        }
        for code, label in ForumKind.choices
    ]
    return {
        "year": year,
        "by_kind": kinds,
        "sessions": sum(row["sessions"] for row in kinds),
        "booked": sum(row["booked"] for row in kinds),
        "attended": sum(row["attended"] for row in kinds),
    }


def support_figures(*, year: str) -> dict:
    """The three quality figures of the support programme, as ``reporting.annual`` adds them."""
    return {
        "evaluation": evaluation_figures(year=year),
        "surveys": survey_figures(year=year),
        "forums": forum_figures(year=year),
    }
