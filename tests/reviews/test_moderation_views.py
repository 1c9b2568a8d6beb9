"""The pages of national moderation: national staff draw a round (preview, then confirm), the employer's
co-ordinator submits and withdraws voluntarily and follows each case; each transition allowed or refused;
and who may open which page."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from asye.tenancy.db import system_national_context, tenant_context
from reviews.models import ModerationCase, ModerationRound
from reviews.moderation_services.findings import findings_save
from reviews.moderation_services.submissions import moderation_submit_voluntary, moderation_withdraw_voluntary
from tests.reviews.test_moderation_support import (
    THIS_YEAR,
    actor_for,
    assign,
    cases_of,
    fresh,
    make_moderator,
    make_round,
    portfolio,
    send_findings,
    submit_voluntarily,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("moderation:round_create")


def round_form(**overrides) -> dict:
    data = {"name": "Spring 2027", "funding_year": THIS_YEAR, "mode": "number", "per_stratum": "1"}
    data.update(overrides)
    return data


# --- National staff draw a round -------------------------------------------------------------------------


def test_a_round_is_previewed_then_confirmed(client, login, employer_a, employer_b, national_staff):
    for _ in range(2):
        portfolio(employer_a)
        portfolio(employer_b)
    login(national_staff)
    assert THIS_YEAR in client.get(CREATE).content.decode()
    response = client.post(CREATE, round_form(strata=["employer_type"], action="preview"))
    html = response.content.decode()
    assert response.status_code == 200 and "Check the sample" in html
    assert "Fostering" in html and "Local authority" in html
    with system_national_context():
        assert not ModerationRound.objects.exists()  # a preview writes nothing
    # The page carries the seed and what was drawn; confirming creates exactly that.
    seed = re.search(r'name="seed" value="(\d+)"', html).group(1)
    expected = re.search(r'name="expected" value="([0-9a-f]+)"', html).group(1)
    response = client.post(
        CREATE, round_form(strata=["employer_type"], seed=seed, expected=expected, action="confirm")
    )
    assert response.status_code == 302
    with system_national_context():
        moderation_round = ModerationRound.objects.get()
    assert moderation_round.seed == int(seed) and moderation_round.created_by == national_staff
    cases = cases_of(moderation_round)
    assert sorted(c.stratum for c in cases) == ["Fostering", "Local authority"]
    assert response["Location"] == reverse("moderation:round", args=[moderation_round.pk])


def test_a_form_with_mistakes_shows_them(client, login, employer_a, national_staff):
    portfolio(employer_a)
    login(national_staff)
    response = client.post(CREATE, round_form(name="", mode="percent", per_stratum="", action="preview"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Error: Draw a sample" in html
    assert "Enter a name for the round" in html and "Enter the percentage of each group to draw" in html


def test_a_changed_pool_shows_a_new_preview_instead_of_creating(
    client, login, employer_a, employer_b, national_staff
):
    portfolio(employer_a)
    login(national_staff)
    html = client.post(CREATE, round_form(per_stratum="5", action="preview")).content.decode()
    seed = re.search(r'name="seed" value="(\d+)"', html).group(1)
    expected = re.search(r'name="expected" value="([0-9a-f]+)"', html).group(1)
    portfolio(employer_b)
    response = client.post(
        CREATE, round_form(per_stratum="5", seed=seed, expected=expected, action="confirm")
    )
    assert response.status_code == 409
    assert "changed since you previewed the sample" in response.content.decode()
    with system_national_context():
        assert not ModerationRound.objects.exists()


def test_a_seed_repeats_a_draw(client, login, employer_a, national_staff):
    for _ in range(6):
        portfolio(employer_a)
    login(national_staff)
    first = client.post(CREATE, round_form(per_stratum="2", seed="4242", action="preview")).content.decode()
    again = client.post(CREATE, round_form(per_stratum="2", seed="4242", action="preview")).content.decode()
    assert first.split("Portfolios drawn")[1] == again.split("Portfolios drawn")[1]
    redraw = client.post(
        CREATE, round_form(per_stratum="2", seed="4242", chosen_seed="4242", action="redraw")
    ).content.decode()
    assert 'name="seed" value="4242"' not in redraw


def test_the_national_overview_lists_rounds_and_voluntary_submissions(
    client, login, employer_a, employer_b, national_staff
):
    portfolio(employer_a)
    make_round(national_staff)
    submit_voluntarily(employer_b, portfolio(employer_b))
    login(national_staff)
    html = client.get(reverse("moderation:index")).content.decode()
    assert "Test round" in html and employer_b.employer.name in html


# --- The employer's side ------------------------------------------------------------------------------------


def test_a_coordinator_submits_a_portfolio_voluntarily(client, login, employer_a, employer_b):
    mine = portfolio(employer_a, first_name="Ada")
    portfolio(employer_a, submitted=False, first_name="Unsubmitted")
    theirs = portfolio(employer_b, first_name="Bea")
    login(employer_a.coordinator)
    page = client.get(reverse("reviews:moderation_submit")).content.decode()
    assert "Ada Okafor" in page and "Unsubmitted" not in page and "Bea" not in page
    # Another employer's portfolio is not a choice: nothing is made.
    response = client.post(reverse("reviews:moderation_submit"), {"portfolio": theirs.pk})
    assert response.status_code == 400
    response = client.post(reverse("reviews:moderation_submit"), {"portfolio": mine.pk})
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        case = ModerationCase.objects.get()
    assert case.source == ModerationCase.Source.VOLUNTARY and case.round_id is None
    assert case.status == ModerationCase.Status.WAITING and case.submitted_by == employer_a.coordinator
    html = client.get(reverse("reviews:moderation_list")).content.decode()
    assert "Ada Okafor" in html and "Waiting for a moderator" in html and "Submitted by you" in html
    # Once in a case, it is no longer offered.
    assert "Ada Okafor" not in client.get(reverse("reviews:moderation_submit")).content.decode()


def test_submitting_voluntarily_is_checked(employer_a, national_staff):
    unsubmitted = portfolio(employer_a, submitted=False)
    with pytest.raises(ValidationError):
        submit_voluntarily(employer_a, unsubmitted)
    folio = portfolio(employer_a)
    submit_voluntarily(employer_a, folio)
    with pytest.raises(ValidationError):
        submit_voluntarily(employer_a, folio)  # already in moderation
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        moderation_submit_voluntary(
            actor=actor_for(employer_a.assessor, employer_a.employer), portfolio=portfolio(employer_a)
        )


def test_a_voluntary_submission_is_withdrawn_only_while_it_waits_outside_a_round(
    client, login, employer_a, national_staff
):
    waiting = submit_voluntarily(employer_a, portfolio(employer_a))
    login(employer_a.coordinator)
    url = reverse("reviews:moderation_withdraw", args=[waiting.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    with tenant_context(employer_a.employer.pk):
        assert not ModerationCase.objects.filter(pk=waiting.pk).exists()
    # In a round: refused.
    in_round = submit_voluntarily(employer_a, portfolio(employer_a))
    make_round(national_staff)
    response = client.post(reverse("reviews:moderation_withdraw", args=[in_round.pk]))
    assert response.status_code == 400
    assert fresh(in_round).round_id is not None


def test_a_sampled_case_cannot_be_withdrawn(employer_a, national_staff):
    portfolio(employer_a)
    (case,) = cases_of(make_round(national_staff))
    with tenant_context(employer_a.employer.pk):
        with pytest.raises(ValidationError):
            moderation_withdraw_voluntary(
                actor=actor_for(employer_a.coordinator, employer_a.employer), case=fresh(case)
            )
        assert ModerationCase.objects.filter(pk=case.pk).exists()


def test_the_coordinator_follows_a_case_without_learning_the_moderator(
    client, login, employer_a, national_staff
):
    moderator = make_moderator("named.moderator@nqap.example")
    portfolio(employer_a, first_name="Ada")
    (case,) = cases_of(make_round(national_staff))
    login(employer_a.coordinator)
    url = reverse("reviews:moderation_case", args=[case.pk])
    assert "Waiting for a moderator" in client.get(url).content.decode()
    assign(national_staff, case, moderator)
    html = client.get(url).content.decode()
    assert (
        "With a moderator" in html and "named.moderator" not in html and "Sampled by national staff" in html
    )
    send_findings(moderator, case)
    assert "Findings received" in client.get(url).content.decode()


@pytest.mark.parametrize("role", ["assessor", "line_manager", "nqsw"])
def test_only_coordinators_follow_national_moderation(client, login, employer_a, role, national_staff):
    case = submit_voluntarily(employer_a, portfolio(employer_a))
    login(getattr(employer_a, role))
    for url in (
        reverse("reviews:moderation_list"),
        reverse("reviews:moderation_submit"),
        reverse("reviews:moderation_case", args=[case.pk]),
        reverse("reviews:moderation_withdraw", args=[case.pk]),
    ):
        assert client.get(url).status_code == 403, url


# --- Every transition of a case, allowed or refused ----------------------------------------------------------


def test_case_transitions(employer_a, national_staff):
    """waiting → assigned → findings_sent; reassign only before findings are sent; nothing after."""
    moderator, other = make_moderator(), make_moderator()
    case = fresh(submit_voluntarily(employer_a, portfolio(employer_a)))
    assert case.status == ModerationCase.Status.WAITING
    # waiting: findings cannot be saved or sent (no moderator yet).
    with pytest.raises(PermissionDenied):
        findings_save(actor=actor_for(moderator), case=case, version=case.version, send=True)
    # waiting → assigned.
    case = assign(national_staff, case, moderator)
    assert case.status == ModerationCase.Status.ASSIGNED
    # assigned → assigned (reassigned).
    case = assign(national_staff, case, other)
    assert case.status == ModerationCase.Status.ASSIGNED and case.moderator_id == other.pk
    # assigned → findings_sent (by its moderator only).
    with pytest.raises(PermissionDenied):
        send_findings(moderator, case)
    case = send_findings(other, case)
    assert case.status == ModerationCase.Status.FINDINGS_SENT
    # findings_sent: no reassignment, no change, no withdrawal.
    with pytest.raises(ValidationError):
        assign(national_staff, case, moderator)
    with pytest.raises(ValidationError):
        send_findings(other, case)
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError):
        moderation_withdraw_voluntary(
            actor=actor_for(employer_a.coordinator, employer_a.employer), case=fresh(case)
        )
