"""Done when: cohorts shaped like the seed report's 2019-22 outcomes, loaded through the legacy import,
give the seed's figures from ``equity_report``, and a separate statsmodels fit on the same people agrees
with its regression."""

from __future__ import annotations

import json
import math
from io import StringIO

import pandas as pd
import pytest
import statsmodels.formula.api as smf
from django.core.management import call_command

from asye.audit.models import AuditEvent
from tests.reporting import seed_2019_22 as seed

pytestmark = pytest.mark.django_db
COHORTS = ["2019-20", "2020-21", "2021-22"]
TYPE_CODES = {
    "Local authority": "local_authority",
    "Private, voluntary and independent (PVI)": "pvi",
    "Fostering": "fostering",
}
REGION_CODES = {"North West": "north_west", "London": "london", "South West": "south_west"}


@pytest.fixture
def people():
    return seed.load()


def report(*cohorts: str) -> dict:
    out = StringIO()
    call_command("equity_report", "--cohorts", *cohorts, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_equity_report_gives_the_seed_figures(people, unscoped):
    result = report(*COHORTS)

    assert result["records"] == 8722
    assert result["complete_cases"] == 6011
    assert (result["complete_passed"], result["complete_unsuccessful"]) == (5958, 53)
    assert round(100 * 53 / 6011, 1) == 0.9
    # Every record is passed, unsuccessful, withdrawn or in progress.
    assert result["passed"] == 5958 + 1900 + 300
    assert result["unsuccessful"] == 53 + 40
    assert (result["withdrawn"], result["in_progress"]) == (321, 150)

    by = result["by"]
    assert by["ethnicity_group"]["Black or minoritised ethnic"] == {
        "n": 1500,
        "unsuccessful": 21,
        "rate": 1.4,
    }
    assert by["ethnicity_group"]["White"] == {"n": 4511, "unsuccessful": 32, "rate": 0.7}
    assert (by["gender"]["male"]["rate"], by["gender"]["female"]["rate"]) == (1.8, 0.8)
    assert [by["deferrals"][band]["rate"] for band in ("0", "1", "2")] == [0.4, 2.7, 2.5]
    assert {cohort: cell["n"] for cohort, cell in by["cohort"].items()} == {
        cohort: sum(1 for p in people if p.cohort == cohort and p.complete) for cohort in COHORTS
    }
    assert sum(cell["n"] for cell in by["region"].values()) == 6011

    model = result["logistic_regression"]
    assert model["n"] == 6011 and model["events"] == 53 and model["fitted"]
    assert {"term", "odds_ratio", "ci_low", "ci_high", "p_value"} == set(model["terms"][0])
    # 53 events for 11 terms: fewer than ten a term, and the report says so.
    assert model["events_per_parameter"] < 10
    assert any("Too few events" in warning for warning in model["warnings"])
    with unscoped():
        assert AuditEvent.objects.filter(action="reporting.equity_report", employer__isnull=True).count() == 1

    # A separate fit, on one row per person made here from the builder's own records (not through the
    # report's query or frame), with the same reference levels.
    frame = pd.DataFrame(
        [
            {
                "y": int(p.outcome == "unsuccessful"),
                "ethnicity_group": p.ethnicity_group,
                "gender": p.gender,
                "deferrals": p.deferrals,
                "employer_type": TYPE_CODES[p.employer_type],
                "region": REGION_CODES[p.region],
                "age_band": p.age_band,
                "cohort": p.cohort,
            }
            for p in people
            if p.complete
        ]
    )
    assert len(frame) == 6011
    fit = smf.logit(
        "y ~ C(ethnicity_group, Treatment('White')) + C(gender, Treatment('female'))"
        " + C(deferrals, Treatment('0')) + C(employer_type, Treatment('local_authority'))"
        " + C(region, Treatment('north_west'))"
        f" + C(age_band, Treatment({frame['age_band'].value_counts().idxmax()!r}))"
        " + C(cohort, Treatment('2019-20'))",
        data=frame,
    ).fit(disp=0)
    assert model["reference"]["age_band"] == frame["age_band"].value_counts().idxmax()
    independent = {}
    for name, value in fit.params.items():
        if name == "Intercept":
            continue
        column = name.split("(", 1)[1].split(",", 1)[0]
        level = name.rsplit("[T.", 1)[1][:-1]
        low, high = fit.conf_int().loc[name]
        independent[f"{column}[{level}]"] = (
            math.exp(value),
            math.exp(low),
            math.exp(high),
            fit.pvalues[name],
        )
    ours = {t["term"]: (t["odds_ratio"], t["ci_low"], t["ci_high"], t["p_value"]) for t in model["terms"]}
    assert set(ours) == set(independent)
    for term, values in independent.items():
        assert ours[term] == pytest.approx(values, rel=1e-4), term
    minoritised = ours["ethnicity_group[Black or minoritised ethnic]"][0]
    assert minoritised > 1  # more likely to be unsuccessful, as the seed found


def test_trend_by_cohort_and_service_area(people):
    trend = report(*COHORTS)["trend"]
    assert trend["cohorts"] == COHORTS
    rates = trend["rates"]["ethnicity_group"]
    for cohort in COHORTS:
        expected_n = sum(
            1 for p in people if p.cohort == cohort and p.complete and p.ethnicity_group == "White"
        )
        expected_u = sum(
            1
            for p in people
            if p.cohort == cohort
            and p.complete
            and p.ethnicity_group == "White"
            and p.outcome == "unsuccessful"
        )
        assert (rates[cohort]["White"]["n"], rates[cohort]["White"]["unsuccessful"]) == (
            expected_n,
            expected_u,
        )
    share = trend["diversity"]["black_or_minoritised_share"]
    assert set(share) == {"child_and_family"}  # no adults in these cohorts
    recorded = [p for p in people if p.cohort == "2019-20" and p.ethnicity_group]
    minoritised = sum(1 for p in recorded if p.ethnicity_group == "Black or minoritised ethnic")
    assert share["child_and_family"]["2019-20"]["n"] == len(recorded)
    assert share["child_and_family"]["2019-20"]["count"] == minoritised
