"""The quality section's tables: national moderation's findings, funding by year, the 360 evaluation's
national composite, the surveys' response rates and forum attendance.

``quality_figures`` registers the section's counts (people: moderation cases, survey invitations and
responses, places booked and attendances) in the publication (``reporting.disclosure.Publication``), with
the totals they add up to, so they are suppressed with the rest of the report; ``quality_tables`` builds
the tables from what it hides. Money, sessions held and the composite's averages are not counts of
people and are not suppressed; the composite is hidden whole when fewer employers are in it than
``evaluations.composite.MIN_EMPLOYERS_FOR_EMPLOYERS``.
"""

from __future__ import annotations

from evaluations.composite import MIN_RESPONSES
from reporting.cells import COUNT, MONEY, PERCENT, SCORE, Cell, Table, make_table
from reporting.disclosure import Publication

QUALITY_KEYS = ("moderation", "funding", "evaluation", "surveys", "forums")


def quality_figures(publication: Publication, quality: dict) -> None:
    findings = quality["moderation"]
    publication.add_sum(
        publication.figure(("cases", "sent"), findings["findings_sent"]),
        [publication.figure(("cases", row["code"]), row["cases"]) for row in findings["by_answer"]],
    )
    if surveys := quality.get("surveys"):
        for column in ("sent", "responses"):
            groups = surveys["groups"]
            publication.add_sum(
                publication.figure((f"survey_{column}", "total"), sum(row[column] for row in groups)),
                [publication.figure((f"survey_{column}", row["group"]), row[column]) for row in groups],
            )
    if forums := quality.get("forums"):
        for column in ("booked", "attended"):
            publication.add_sum(
                publication.figure((f"forum_{column}", "total"), forums[column]),
                [
                    publication.figure((f"forum_{column}", row["kind"]), row[column])
                    for row in forums["by_kind"]
                ],
            )


def _moderation_table(year: str, findings: dict, hidden, *, published) -> Table:
    lines = [
        (row["label"], [Cell(row["cases"], COUNT, ("cases", row["code"]) in hidden)], False)
        for row in findings["by_answer"]
    ]
    lines.append(
        ("Findings sent", [Cell(findings["findings_sent"], COUNT, ("cases", "sent") in hidden)], True)
    )
    return make_table(
        "moderation",
        f"{year} national moderation findings",
        "Moderator's finding",
        ["Cases"],
        lines,
        published=published,
        note=f"Cases still with a moderator or waiting for one: {findings['open']}." if not published else "",
    )


def _funding_table(funding: list[dict], *, published) -> Table:
    lines = [
        (row["year"], [Cell(row[c], MONEY) for c in ("claimed", "paid", "outstanding", "recovered")], False)
        for row in funding
    ]
    return make_table(
        "funding",
        "Funding claimed and paid, by funding year",
        "Funding year",
        ["Claimed", "Paid", "Outstanding", "Recovered"],
        lines,
        published=published,
    )


def _evaluation_table(year: str, evaluation: dict, *, published) -> Table:
    gone = not evaluation["publishable"]
    lines = [
        (
            f"{row['theme']}. {row['title']}",
            [
                Cell(row["statements"], COUNT),
                Cell(row["average"], SCORE, gone),
                Cell(row["lowest"], SCORE, gone),
                Cell(row["highest"], SCORE, gone),
            ],
            False,
        )
        for row in evaluation["themes"]
    ]
    if evaluation["source"] == "published":
        note = "The figures published for this year (the platform holds no employer's evaluation of it)."
    elif evaluation["source"]:
        note = (
            f"Employers included: {evaluation['employers_included']}; an employer is included when its "
            f"self-assessment answers every statement and at least {MIN_RESPONSES} others have responded. "
            "Scores run from 1 (significant development needed) to 5 (exceptional strength)."
        )
    else:
        note = "No employer's 360 evaluation of this year meets the minimum for inclusion."
    return make_table(
        "evaluation",
        f"{year} 360-degree evaluation: national composite by theme",
        "Theme",
        ["Statements", "National average", "Lowest statement average", "Highest statement average"],
        lines,
        published=published,
        note=note,
    )


def _survey_table(year: str, surveys: dict, hidden, *, published) -> Table:
    lines = []
    for row in surveys["groups"]:
        sent_gone = ("survey_sent", row["group"]) in hidden
        responses_gone = ("survey_responses", row["group"]) in hidden
        lines.append(
            (
                row["label"],
                [
                    Cell(row["sent"], COUNT, sent_gone),
                    Cell(row["responses"], COUNT, responses_gone),
                    Cell(row["rate"], PERCENT, row["rate"] is not None and (sent_gone or responses_gone)),
                ],
                False,
            )
        )
    if surveys["groups"]:
        sent = sum(row["sent"] for row in surveys["groups"])
        responses = sum(row["responses"] for row in surveys["groups"])
        sent_gone, responses_gone = (
            ("survey_sent", "total") in hidden,
            ("survey_responses", "total") in hidden,
        )
        rate = round(100 * responses / sent) if sent and responses >= surveys["minimum_responses"] else None
        lines.append(
            (
                "All surveys",
                [
                    Cell(sent, COUNT, sent_gone),
                    Cell(responses, COUNT, responses_gone),
                    Cell(rate, PERCENT, rate is not None and (sent_gone or responses_gone)),
                ],
                True,
            )
        )
    minimum = surveys["minimum_responses"]
    return make_table(
        "surveys",
        f"{year} annual surveys: response rates",
        "Survey",
        ["Invitations sent", "Responses", "Response rate"],
        lines,
        published=published,
        note=(
            f"The surveys of February {surveys['round']}. A response rate is given where at least {minimum} "
            "people answered."
            if surveys["round"]
            else "No surveys were held for this year."
        ),
    )


def _forum_table(year: str, forums: dict, hidden, *, published) -> Table:
    def line(label, row, key, is_total):
        booked_gone, attended_gone = ("forum_booked", key) in hidden, ("forum_attended", key) in hidden
        rate = round(100 * row["attended"] / row["booked"]) if row["booked"] else None
        return (
            label,
            [
                Cell(row["sessions"], COUNT),
                Cell(row["booked"], COUNT, booked_gone),
                Cell(row["attended"], COUNT, attended_gone),
                Cell(rate, PERCENT, rate is not None and (booked_gone or attended_gone)),
            ],
            is_total,
        )

    lines = [line(row["label"], row, row["kind"], False) for row in forums["by_kind"]]
    lines.append(line("All forums and sessions", forums, "total", True))
    return make_table(
        "forums",
        f"{year} forums, drop-ins, courses and action learning: attendance",
        "Kind of session",
        ["Sessions", "Places booked", "Attended", "Attended (%)"],
        lines,
        published=published,
        note="Sessions held in the funding year that had a place booked (cancelled sessions are left out). "
        "Attended is the attendance organisers recorded.",
    )


def quality_tables(year: str, quality: dict, hidden, *, published: bool) -> list[Table]:
    tables = [
        _moderation_table(year, quality["moderation"], hidden, published=published),
        _funding_table(quality["funding"], published=published),
    ]
    if evaluation := quality.get("evaluation"):
        tables.append(_evaluation_table(year, evaluation, published=published))
    if surveys := quality.get("surveys"):
        tables.append(_survey_table(year, surveys, hidden, published=published))
    if forums := quality.get("forums"):
        tables.append(_forum_table(year, forums, hidden, published=published))
    return tables
