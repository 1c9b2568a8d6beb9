"""The annual surveys' results over the national API: the figures by group and each question's
distribution exactly as the national page gives them, with its rule of 30 (a group's responses and
rate, and a question's answers, null below it); never a response, an invitee or a free-text answer."""

from __future__ import annotations

import json

import pytest

from asye.tenancy.db import system_national_context
from surveys import selectors, services
from tests.api.national_helpers import bearer, national_token
from tests.surveys.helpers import add_responses, national_actor, open_round
from tests.surveys.test_surveys import UNDERSTAND
from tests.today import TODAY

pytestmark = pytest.mark.django_db

URL = "/api/v1/national/survey-results/"
FREE_TEXT = "What one change would most improve your ASYE?"


def test_results_by_group_with_the_rule_of_30(client, login, national_staff, employer_a):
    survey_round = open_round()
    services.survey_emails_send_due(today=TODAY)
    # 40 leads answered the understanding question: 20 very well, 14 fairly well, 6 not very well.
    add_responses(
        survey_round,
        "leads",
        [{UNDERSTAND: "Very well"}] * 20
        + [{UNDERSTAND: "Fairly well"}] * 14
        + [{UNDERSTAND: "Not very well"}] * 6,
    )
    # 29 NQSWs, one with a free-text answer: nothing of theirs is reported.
    add_responses(
        survey_round,
        "nqsws",
        [{"Which services do you work in?": "Adult services"}] * 28
        + [{"Which services do you work in?": "Adult services", FREE_TEXT: "My manager Pat never listens"}],
    )
    secret = national_token(client, login, national_staff)
    response = client.get(URL, {"year": survey_round.year}, **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["minimum_responses"]) == (survey_round.year, 30)
    groups = {g["group"]: g for g in body["groups"]}
    assert (groups["leads"]["sent"], groups["leads"]["responses"], groups["leads"]["response_rate"]) == (
        1,
        40,
        4000,
    )
    assert groups["leads"]["reportable"] is True
    assert (
        groups["nqsws"]["responses"],
        groups["nqsws"]["response_rate"],
        groups["nqsws"]["reportable"],
    ) == (
        None,
        None,
        False,
    )
    understand = next(q for q in body["questions"] if q["group"] == "leads" and q["text"] == UNDERSTAND)
    assert (understand["answered"], understand["positive"], understand["reportable"]) == (40, 85, True)
    assert [(c["answer"], c["count"], c["percent"]) for c in understand["counts"]] == [
        ("Very well", 20, 50),
        ("Fairly well", 14, 35),
        ("Not very well", 6, 15),
        ("Not at all well", 0, 0),
    ]
    others = [q for q in body["questions"] if q is not understand]
    assert others and all(
        not q["reportable"] and q["answered"] is None and q["counts"] == [] and q["positive"] is None
        for q in others
    )
    # The page's selectors give the same figures.
    actor = national_actor()
    with system_national_context():
        figures = selectors.round_figures(actor=actor, survey_round=survey_round)
        _, results = selectors.group_results(actor=actor, survey_round=survey_round, group="leads")
    assert [(f.group, f.sent, f.responses if f.reportable else None, f.rate) for f in figures] == [
        (g["group"], g["sent"], g["responses"], g["response_rate"]) for g in body["groups"]
    ]
    assert [r.answered if r.reportable else None for r in results] == [
        q["answered"] for q in body["questions"] if q["group"] == "leads"
    ]
    text = json.dumps(body)
    assert "Pat never listens" not in text and employer_a.coordinator.email not in text
    # By default the latest round.
    assert client.get(URL, **bearer(secret)).json()["year"] == survey_round.year


@pytest.mark.parametrize("year", ["1990", "abc", "2027-28"])
def test_a_year_without_a_round_is_a_400_problem(client, login, national_staff, year):
    open_round()
    secret = national_token(client, login, national_staff)
    response = client.get(URL, {"year": year}, **bearer(secret))
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert "year" in response.json()["errors"]
