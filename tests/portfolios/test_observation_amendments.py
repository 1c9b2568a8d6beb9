"""Assessed observations are locked. Once the observer's assessment is written, the NQSW no longer changes
what it relied on (the date, setting, observer, capabilities, the person's feedback); once it is complete,
those parts and the assessment change only as an amendment with a reason, made by the NQSW's assessor or
the co-ordinator, kept with its old and new value and audited; the NQSW adds a later reflection instead of
rewriting theirs."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from asye.web.dates import date_data
from portfolios import amendments
from portfolios.models import Observation, ObservationAmendment
from tests.portfolios.conftest import linked_registration, portfolio_of, statement
from tests.portfolios.test_observations import DAY, complete, record, update
from tests.programmes.conftest import TODAY, actor_for
from tests.today import days_ago, days_ahead

pytestmark = pytest.mark.django_db

LATER_DAY = days_ago(14)


@pytest.fixture
def registration(employer_a):
    return linked_registration(employer_a)


def assessed(tenant, registration, **overrides):
    """Recorded by the NQSW, assessed by the assessor: not yet complete (the NQSW's reflection is due)."""
    observation = record(tenant, registration, **overrides)
    return update(tenant, tenant.assessor, observation, observer_assessment="Warm, clear, child-centred.")


def completed(tenant, registration, **overrides):
    observation = assessed(tenant, registration, **overrides)
    update(tenant, tenant.nqsw, observation, nqsw_reflection="I would slow down next time.")
    return complete(tenant, tenant.assessor, observation)


def fresh(tenant, observation) -> Observation:
    with tenant_context(tenant.employer.pk):
        return Observation.objects.get(pk=observation.pk)


def amend(tenant, user, observation, *, reason="The date was typed wrongly.", version=None, **changes):
    with tenant_context(tenant.employer.pk):
        observation = Observation.objects.get(pk=observation.pk)
        return amendments.observation_amend(
            actor=actor_for(user, tenant.employer),
            observation=observation,
            version=observation.version if version is None else version,
            reason=reason,
            today=TODAY,
            **changes,
        )


def reflect(tenant, user, observation, text="Looking back, I would involve the child's school."):
    with tenant_context(tenant.employer.pk):
        observation = Observation.objects.get(pk=observation.pk)
        return amendments.observation_reflection_add(
            actor=actor_for(user, tenant.employer), observation=observation, text=text
        )


def history(tenant, observation) -> list[tuple[str, str, str, str, int]]:
    with tenant_context(tenant.employer.pk):
        return [
            (a.field, a.old_value, a.new_value, a.reason, a.amended_by_id)
            for a in ObservationAmendment.objects.filter(observation_id=observation.pk).order_by("id")
        ]


def text(response) -> str:
    return " ".join(response.content.decode().split())


# --- The finding: once assessed, the NQSW no longer changes what the assessment relied on ----------------


def test_once_assessed_the_nqsw_cannot_change_the_date_observer_setting_feedback_or_capabilities(
    employer_a, registration
):
    portfolio = portfolio_of(employer_a, registration)
    observation = assessed(employer_a, registration)
    tag = statement(portfolio, "pcf", 7).pk
    for changes in (
        {"observed_on": LATER_DAY},
        {"observer": None, "observer_name": "Someone else, social worker"},
        {"setting": "A different visit"},
        {"person_feedback": "Written by the NQSW after the assessment"},
        {"statements": [tag]},
    ):
        with pytest.raises(ValidationError, match="assessment has been written"):
            update(employer_a, employer_a.nqsw, observation, **changes)
    saved = fresh(employer_a, observation)
    assert (saved.observed_on, saved.observer_id, saved.setting, saved.person_feedback) == (
        DAY,
        employer_a.assessor.pk,
        "Home visit: a review of a child in need plan",
        "",
    )
    # The NQSW's own parts stay theirs until it is complete; the assessor still corrects the draft.
    update(employer_a, employer_a.nqsw, observation, preparation="Read the plan", nqsw_reflection="I rushed")
    update(employer_a, employer_a.assessor, observation, observed_on=LATER_DAY, person_feedback="Felt heard")
    saved = fresh(employer_a, observation)
    assert (saved.nqsw_reflection, saved.observed_on, saved.person_feedback) == (
        "I rushed",
        LATER_DAY,
        "Felt heard",
    )


def test_once_assessed_the_nqsws_change_page_offers_only_their_own_parts(
    client, login, employer_a, registration
):
    observation = fresh(employer_a, assessed(employer_a, registration))
    login(employer_a.nqsw)
    url = reverse("portfolios:observation_change", args=[observation.pk])
    page = text(client.get(url))
    assert 'name="nqsw_reflection"' in page and 'name="preparation"' in page
    for name in ("observed_on_day", "observer", "setting", "person_feedback", "statements"):
        assert f'name="{name}"' not in page, name
    assert "the assessment has been written" in page.lower()
    response = client.post(
        url,
        {
            **date_data("observed_on", LATER_DAY),
            "setting": "Changed by the NQSW",
            "observer": "external",
            "observer_name": "Someone else",
            "person_feedback": "Written by the NQSW",
            "nqsw_reflection": "My reflection",
            "version": observation.version,
        },
    )
    assert response.status_code == 302
    saved = fresh(employer_a, observation)
    assert saved.nqsw_reflection == "My reflection"
    assert (saved.observed_on, saved.setting, saved.observer_id, saved.person_feedback) == (
        DAY,
        "Home visit: a review of a child in need plan",
        employer_a.assessor.pk,
        "",
    )


def test_a_change_sent_for_a_complete_observation_is_refused_with_an_error_summary(
    client, login, employer_a, registration
):
    observation = completed(employer_a, registration)
    before = fresh(employer_a, observation)
    for user in (employer_a.nqsw, employer_a.assessor):
        login(user)
        response = client.post(
            reverse("portfolios:observation_change", args=[observation.pk]),
            {
                **date_data("observed_on", LATER_DAY),
                "setting": "Changed",
                "observer": "external",
                "observer_name": "Someone else",
                "person_feedback": "Rewritten",
                "observer_assessment": "Rewritten",
                "nqsw_reflection": "Rewritten",
                "version": before.version,
            },
        )
        assert response.status_code == 400
        body = text(response)
        assert "govuk-error-summary" in body and "amendment" in body
    after = fresh(employer_a, observation)
    assert (after.version, after.observed_on, after.observer_assessment) == (
        before.version,
        before.observed_on,
        before.observer_assessment,
    )


# --- Amendments -----------------------------------------------------------------------------------------


def test_the_assessor_amends_a_complete_observation_with_a_reason_kept_and_audited(employer_a, registration):
    portfolio = portfolio_of(employer_a, registration)
    observation = completed(employer_a, registration, statement_ids=[statement(portfolio, "pcf", 7).pk])
    version = fresh(employer_a, observation).version
    amended = amend(
        employer_a,
        employer_a.assessor,
        observation,
        observed_on=LATER_DAY,
        observer_assessment="Warm, clear and child-centred; explained the plan well.",
        statements=[statement(portfolio, "pcf", 7).pk, statement(portfolio, "cf-pqs", 1).pk],
        reason="  The date was typed wrongly.  ",
    )
    assert amended.version == version + 1 and amended.observed_on == LATER_DAY
    assert amended.status == Observation.Status.COMPLETE
    rows = history(employer_a, observation)
    assert rows == [
        (
            "observed_on",
            DAY.isoformat(),
            LATER_DAY.isoformat(),
            "The date was typed wrongly.",
            employer_a.assessor.pk,
        ),
        ("statements", "PCF 7", "PCF 7, PQS 1", "The date was typed wrongly.", employer_a.assessor.pk),
        (
            "observer_assessment",
            "Warm, clear, child-centred.",
            "Warm, clear and child-centred; explained the plan well.",
            "The date was typed wrongly.",
            employer_a.assessor.pk,
        ),
    ]
    with tenant_context(employer_a.employer.pk):
        [event] = AuditEvent.objects.filter(action="observation.amended")
        assert sorted(amended.tags.values_list("statement_id", flat=True)) == sorted(
            [statement(portfolio, "pcf", 7).pk, statement(portfolio, "cf-pqs", 1).pk]
        )
    assert event.actor_user_id == employer_a.assessor.pk and event.object_id == str(observation.pk)
    assert event.changes["reason"] == "The date was typed wrongly."
    assert event.changes["observed_on"] == [DAY.isoformat(), LATER_DAY.isoformat()]
    # The words themselves stay out of the audit trail: they are kept in the amendment.
    assert event.changes["observer_assessment"] == "changed"


def test_the_coordinator_amends_the_observer_and_the_persons_feedback(employer_a, registration):
    observation = completed(employer_a, registration)
    amend(
        employer_a,
        employer_a.coordinator,
        observation,
        observer=None,
        observer_name="Jo Smith, practice educator",
        person_feedback="Mum said she felt listened to.",
        reason="The practice educator observed, not the assessor.",
    )
    saved = fresh(employer_a, observation)
    assert (saved.observer_id, saved.observer_name) == (None, "Jo Smith, practice educator")
    assert [(field, old, new) for field, old, new, _, _ in history(employer_a, observation)] == [
        (
            "observer",
            employer_a.assessor.full_name or employer_a.assessor.email,
            "Jo Smith, practice educator (not a user of this service)",
        ),
        ("person_feedback", "", "Mum said she felt listened to."),
    ]


def test_an_amendment_needs_a_reason_a_change_and_a_complete_observation(employer_a, registration):
    draft = assessed(employer_a, registration)
    with pytest.raises(ValidationError, match="not complete"):
        amend(employer_a, employer_a.assessor, draft, setting="Changed")
    observation = completed(employer_a, registration)
    with pytest.raises(ValidationError) as raised:
        amend(employer_a, employer_a.assessor, observation, setting="", reason=" ", observer_assessment="")
    assert raised.value.message_dict == {
        "setting": ["Enter where the observation took place and what it was"],
        "observer_assessment": ["Enter the observer's assessment: a complete observation keeps one"],
        "reason": ["Enter the reason for the amendment"],
    }
    with pytest.raises(ValidationError, match="not changed anything"):
        amend(
            employer_a,
            employer_a.assessor,
            observation,
            setting="Home visit: a review of a child in need plan",
        )
    with pytest.raises(ValidationError) as raised:
        amend(employer_a, employer_a.assessor, observation, observed_on=days_ahead(1))
    assert "observed_on" in raised.value.message_dict
    with pytest.raises(Conflict):
        amend(employer_a, employer_a.assessor, observation, setting="Changed", version=1)
    assert history(employer_a, observation) == []


@pytest.mark.parametrize("who", ["nqsw", "line_manager"])
def test_only_the_assessor_or_the_coordinator_amends(employer_a, registration, who):
    observation = completed(employer_a, registration)
    with pytest.raises(PermissionDenied):
        amend(employer_a, getattr(employer_a, who), observation, setting="Changed")
    # Not even the parts the NQSW wrote: their reflection is kept, and a later one is added instead.
    with pytest.raises(PermissionDenied):
        amend(employer_a, employer_a.assessor, observation, nqsw_reflection="Rewritten")
    assert history(employer_a, observation) == []


def test_the_nqsw_adds_a_later_reflection_without_rewriting_theirs(employer_a, registration):
    observation = completed(employer_a, registration)
    version = fresh(employer_a, observation).version
    reflect(employer_a, employer_a.nqsw, observation)
    saved = fresh(employer_a, observation)
    assert saved.nqsw_reflection == "I would slow down next time." and saved.version == version
    assert history(employer_a, observation) == [
        ("later_reflection", "", "Looking back, I would involve the child's school.", "", employer_a.nqsw.pk)
    ]
    with tenant_context(employer_a.employer.pk):
        assert AuditEvent.objects.filter(action="observation.reflection_added").count() == 1
    with pytest.raises(ValidationError) as raised:
        reflect(employer_a, employer_a.nqsw, observation, text="  ")
    assert raised.value.message_dict == {"text": ["Enter your later reflection"]}
    with pytest.raises(PermissionDenied):
        reflect(employer_a, employer_a.assessor, observation)
    with pytest.raises(ValidationError, match="not complete"):
        reflect(employer_a, employer_a.nqsw, assessed(employer_a, registration))


# --- Pages ----------------------------------------------------------------------------------------------


def test_the_pages_amend_and_show_the_history(client, login, employer_a, registration):
    observation = fresh(employer_a, completed(employer_a, registration))
    page_url = reverse("portfolios:observation", args=[observation.pk])
    amend_url = reverse("portfolios:observation_amend", args=[observation.pk])

    login(employer_a.nqsw)
    page = text(client.get(page_url))
    assert "Amend the observation" not in page and "Add a later reflection" in page
    assert client.get(amend_url).status_code == 403

    login(employer_a.assessor)
    page = text(client.get(page_url))
    assert "Amend the observation" in page and "Add a later reflection" not in page
    form = text(client.get(amend_url))
    assert (
        'name="reason"' in form
        and 'name="observer_assessment"' in form
        and 'name="nqsw_reflection"' not in form
    )
    posted = {
        **date_data("observed_on", observation.observed_on),
        "setting": observation.setting,
        "observer": str(employer_a.assessor.pk),
        "observer_assessment": observation.observer_assessment,
        "person_feedback": "Mum said she felt heard.",
        "version": observation.version,
    }
    response = client.post(amend_url, {**posted, "reason": ""})
    assert response.status_code == 200
    assert "govuk-error-summary" in text(response) and "Enter the reason for the amendment" in text(response)
    response = client.post(amend_url, {**posted, "reason": "Her words were left out."})
    assert response.status_code == 302
    stale = client.post(amend_url, {**posted, "person_feedback": "Again", "reason": "Again"})
    assert stale.status_code == 409
    page = text(client.get(page_url))
    assert "Amendments and later reflections" in page
    assert "Her words were left out." in page and "Mum said she felt heard." in page

    login(employer_a.nqsw)
    reflect_url = reverse("portfolios:observation_reflect", args=[observation.pk])
    response = client.post(reflect_url, {"text": ""})
    assert response.status_code == 200 and "Enter your later reflection" in text(response)
    response = client.post(reflect_url, {"text": "I now plan visits around school times."})
    assert response.status_code == 302
    assert "I now plan visits around school times." in text(client.get(page_url))


def test_another_employers_observation_in_the_amendment_routes_is_not_found(
    client, login, employer_a, employer_b, unscoped
):
    theirs = completed(employer_b, linked_registration(employer_b))
    before = fresh(employer_b, theirs)
    login(employer_a.coordinator)
    for name in ("observation_amend", "observation_reflect"):
        url = reverse(f"portfolios:{name}", args=[theirs.pk])
        assert client.get(url).status_code == 404
        assert (
            client.post(url, {"setting": "Changed", "reason": "x", "text": "x", "version": 9}).status_code
            == 404
        )
    after = fresh(employer_b, theirs)
    assert (after.version, after.setting) == (before.version, before.setting)
    with unscoped():
        assert not ObservationAmendment.objects.filter(observation_id=theirs.pk).exists()
