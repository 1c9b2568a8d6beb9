"""The equity analysis's logistic regression: unsuccessful completion on every predictor at once.

Fitted with statsmodels on the complete cases, grouped by combination of predictors (a binomial GLM with
a logit link on the counts of unsuccessful and passed in each combination is the same model, with the same
estimates and standard errors, as a logistic regression on one row per person, and far quicker at national
scale). Each predictor is a set of indicator terms against a reference level: White, Female, not deferred,
the earliest cohort, and for the others the level with the most cases. A predictor with one level among
the cases (one service area chosen) is left out.

It never fails the page: too few cases, no events, a level that perfectly predicts the outcome
(separation), a model that does not converge or a singular design all come back as warnings, with the
model left out or the cases that cannot be estimated set aside and said so.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

MIN_EVENTS_PER_PARAMETER = 10
LARGEST_STANDARD_ERROR = 10.0  # on the log-odds scale: beyond this an estimate is not estimable in practice
FIXED_REFERENCES = {
    "ethnicity_group": "White",
    "gender": "female",
    "deferrals": "0",
}
PREDICTOR_COLUMNS = (
    "ethnicity_group",
    "gender",
    "deferrals",
    "service_area",
    "employer_type",
    "region",
    "age_band",
    "cohort",
)


def term_name(column: str, level: str) -> str:
    """A term as the JSON names it: ``ethnicity_group[Black or minoritised ethnic]``."""
    return f"{column}[{level}]"


def split_term(term: str) -> tuple[str, str]:
    column, _, rest = term.partition("[")
    return column, rest[:-1]


def _grouped(complete: pd.DataFrame) -> pd.DataFrame:
    grouped = complete.groupby(list(PREDICTOR_COLUMNS), dropna=False)[["n", "events"]].sum().reset_index()
    return grouped[grouped["n"] > 0]


def _set_aside_separated(grouped: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Set aside the cases of any level in which everyone, or no one, was unsuccessful: its odds ratio is
    infinite or zero (separation) and cannot be estimated. Repeated until every level has both."""
    while True:
        changed = False
        for column in PREDICTOR_COLUMNS:
            by_level = grouped.groupby(column)[["n", "events"]].sum()
            if len(by_level) < 2:
                continue
            bad = by_level[(by_level["events"] == 0) | (by_level["events"] == by_level["n"])]
            for level, row in bad.iterrows():
                outcome = "none" if row["events"] == 0 else "all"
                notes.append(
                    f"{int(row['n'])} cases with {column} '{level}' were left out of the model: "
                    f"{outcome} of them "
                    f"were unsuccessful, so the odds ratio for that group cannot be estimated (separation)."
                )
                grouped = grouped[grouped[column] != level]
                changed = True
        if not changed:
            return grouped


def _reference(grouped: pd.DataFrame, column: str, reference_cohort: str) -> str:
    levels = grouped.groupby(column)["n"].sum()
    fixed = reference_cohort if column == "cohort" else FIXED_REFERENCES.get(column)
    if fixed in levels.index:
        return fixed
    return str(levels.sort_values(ascending=False, kind="stable").index[0])


def _design(grouped: pd.DataFrame, reference_cohort: str) -> tuple[pd.DataFrame, dict[str, str]]:
    columns: dict[str, np.ndarray] = {"const": np.ones(len(grouped))}
    references: dict[str, str] = {}
    for column in PREDICTOR_COLUMNS:
        levels = sorted(grouped[column].unique())
        if len(levels) < 2:
            continue
        reference = _reference(grouped, column, reference_cohort)
        references[column] = reference
        for level in levels:
            if level != reference:
                columns[term_name(column, level)] = (grouped[column] == level).to_numpy(dtype=float)
    return pd.DataFrame(columns, index=grouped.index), references


def _none_or_float(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _exp(log_value: float) -> float | None:
    """An odds ratio from its log; None where it is not a finite number (an estimate that ran away)."""
    return math.exp(log_value) if math.isfinite(log_value) and abs(log_value) < 700 else None


def fit_logistic_regression(complete: pd.DataFrame, *, reference_cohort: str) -> dict:
    """``{"n", "events", "parameters", "events_per_parameter", "reference", "terms": [{"term",
    "odds_ratio", "ci_low", "ci_high", "p_value"}], "warnings": [...], "fitted"}`` for the complete cases
    of an ``equity_frame`` (rows of counts)."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    notes: list[str] = []
    result = {"n": 0, "events": 0, "parameters": 0, "events_per_parameter": None, "reference": {}}
    result |= {"terms": [], "warnings": notes, "fitted": False}
    grouped = _grouped(complete) if len(complete) else complete
    if not len(grouped) or int(grouped["events"].sum()) == 0:
        notes.append("No model: there are no unsuccessful completions among the complete cases.")
        return result
    grouped = _set_aside_separated(grouped, notes)
    n, events = int(grouped["n"].sum()), int(grouped["events"].sum())
    result |= {"n": n, "events": events}
    design, references = _design(grouped, reference_cohort)
    parameters = design.shape[1] - 1
    result |= {"parameters": parameters, "reference": references}
    if parameters == 0 or events == 0 or events == n:
        notes.append("No model: the cases left do not vary in outcome or in any predictor.")
        return result
    per_parameter = events / parameters
    result["events_per_parameter"] = round(per_parameter, 1)
    if per_parameter < MIN_EVENTS_PER_PARAMETER:
        notes.append(
            f"Too few events for this model: {events} unsuccessful completions for {parameters} terms "
            f"({per_parameter:.1f} per term; at least {MIN_EVENTS_PER_PARAMETER} are needed for estimates to "
            f"be trusted). Read the odds ratios as indications only, and choose more cohorts or a "
            f"service area."
        )
    if np.linalg.matrix_rank(design.to_numpy()) < design.shape[1]:
        notes.append(
            "No model: some predictors describe the same cases (for example every employer of one type is "
            "in one region), so their effects cannot be told apart."
        )
        return result
    endog = np.column_stack([grouped["events"], grouped["n"] - grouped["events"]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.GLM(endog, design, family=sm.families.Binomial()).fit(maxiter=100)
        except (np.linalg.LinAlgError, ValueError) as error:
            notes.append(f"No model: the fit failed ({error}).")
            return result
    if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        notes.append(
            "The model shows separation: some combination of predictors predicts the outcome exactly."
        )
    if not fit.converged or any(issubclass(w.category, ConvergenceWarning) for w in caught):
        notes.append("The model did not converge: its estimates are not reliable.")
    conf = fit.conf_int()
    for term in design.columns[1:]:
        if fit.bse[term] > LARGEST_STANDARD_ERROR:
            notes.append(
                f"The estimate for {term} is unstable (very wide interval): too few cases in that group."
            )
        result["terms"].append(
            {
                "term": term,
                "odds_ratio": _exp(fit.params[term]),
                "ci_low": _exp(conf.loc[term, 0]),
                "ci_high": _exp(conf.loc[term, 1]),
                "p_value": _none_or_float(fit.pvalues[term]),
            }
        )
    result["fitted"] = True
    return result
