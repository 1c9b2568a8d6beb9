"""Direct observations: recorded by the NQSW or their assessor, each person writing their own parts, the
observer (a colleague, or someone outside the service) assessing, completion, and "2 of 3 complete"."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from asye.web.dates import date_data
from portfolios import observations as services
from portfolios.models import Observation
from tests.factories import person
from tests.portfolios.conftest import linked_registration, portfolio_of, statement
from tests.programmes.conftest import TODAY, actor_for
from tests.today import days_ago

pytestmark = pytest.mark.django_db

# Three weeks ago, well after the start eleven weeks ago (written as 2 November 2026).
DAY = days_ago(21)


@pytest.fixture
def registration(employer_a):
    return linked_registration(employer_a)


def record(tenant, registration, user=None, **overrides):
    values = {
        "observed_on": DAY,
        "setting": "Home visit: a review of a child in need plan",
        "observer_id": tenant.assessor.pk,
        "observer_name": "",
        "statement_ids": [],
    }
    values.update(overrides)
    with tenant_context(tenant.employer.pk):
        return services.observation_create(
            actor=actor_for(user or tenant.nqsw, tenant.employer), registration=registration, **values
        )


def update(tenant, user, observation, version=None, **changes):
    with tenant_context(tenant.employer.pk):
        observation = Observation.objects.get(pk=observation.pk)
        return services.observation_update(
            actor=actor_for(user, tenant.employer),
            observation=observation,
            version=observation.version if version is None else version,
            **changes,
        )


def complete(tenant, user, observation, version=None):
    with tenant_context(tenant.employer.pk):
        observation = Observation.objects.get(pk=observation.pk)
        return services.observation_complete(
            actor=actor_for(user, tenant.employer),
            observation=observation,
            version=observation.version if version is None else version,
            today=TODAY,
        )


def finished(tenant, registration, **overrides):
    observation = record(tenant, registration, **overrides)
    update(tenant, tenant.nqsw, observation, nqsw_reflection="I would slow down next time.")
    update(tenant, tenant.assessor, observation, observer_assessment="Warm, clear, child-centred.")
    return complete(tenant, tenant.assessor, observation)


def test_the_nqsw_records_an_observation_tagged_to_the_portfolios_capabilities(employer_a, registration):
    portfolio = portfolio_of(employer_a, registration)
    tags = [statement(portfolio, "pcf", 7).pk, statement(portfolio, "cf-pqs", 1).pk]
    observation = record(employer_a, registration, statement_ids=tags, preparation="Read the file and plan")
    assert observation.number == 1 and observation.status == Observation.Status.DRAFT
    with tenant_context(employer_a.employer.pk):
        assert sorted(observation.tags.values_list("statement_id", flat=True)) == sorted(tags)
    second = record(employer_a, registration, user=employer_a.assessor)
    assert second.number == 2


@pytest.mark.parametrize("who", ["line_manager", "coordinator"])
def test_only_the_nqsw_or_their_assessor_records_one(employer_a, registration, who):
    with pytest.raises(PermissionDenied):
        record(employer_a, registration, user=getattr(employer_a, who))


def test_the_observer_is_a_colleague_or_a_named_person_outside_the_service(
    employer_a, employer_b, registration
):
    colleague = record(employer_a, registration, observer_id=employer_a.line_manager.pk)
    assert colleague.observer_id == employer_a.line_manager.pk
    outside = record(employer_a, registration, observer_id=None, observer_name="Jo Smith, practice educator")
    assert outside.observer_id is None and outside.observer_name == "Jo Smith, practice educator"
    with pytest.raises(ValidationError) as raised:
        record(employer_a, registration, observer_id=None, observer_name=" ")
    assert raised.value.message_dict == {"observer_name": ["Enter the observer's name and role"]}
    for not_allowed in (employer_b.assessor.pk, employer_a.nqsw.pk):
        with pytest.raises(ValidationError) as raised:
            record(employer_a, registration, observer_id=not_allowed)
        assert "observer" in raised.value.message_dict


def test_the_date_is_needed_and_not_before_the_programme(employer_a, registration):
    with pytest.raises(ValidationError) as raised:
        record(employer_a, registration, observed_on=None, setting="")
    assert raised.value.message_dict == {
        "observed_on": ["Enter the date of the observation"],
        "setting": ["Enter where the observation took place and what it was"],
    }
    start = registration.start_date
    with pytest.raises(ValidationError, match=f"on or after the programme's start date, {start:%-d %B %Y}"):
        record(employer_a, registration, observed_on=start - datetime.timedelta(days=1))


def test_each_person_writes_only_their_own_parts(employer_a, registration):
    observation = record(employer_a, registration)
    with pytest.raises(PermissionDenied):
        update(employer_a, employer_a.nqsw, observation, observer_assessment="I was great")
    with pytest.raises(PermissionDenied):
        update(employer_a, employer_a.assessor, observation, nqsw_reflection="Their reflection")
    with pytest.raises(PermissionDenied):
        update(employer_a, employer_a.line_manager, observation, person_feedback="x")
    update(employer_a, employer_a.nqsw, observation, nqsw_reflection="What I learned")
    update(employer_a, employer_a.assessor, observation, observer_assessment="Good analysis")
    with tenant_context(employer_a.employer.pk):
        saved = Observation.objects.get(pk=observation.pk)
        events = list(AuditEvent.objects.filter(action="observation.changed").order_by("id"))
    assert saved.nqsw_reflection == "What I learned" and saved.observer_assessment == "Good analysis"
    # The words stay out of the audit trail.
    assert [e.changes for e in events] == [{"nqsw_reflection": "changed"}, {"observer_assessment": "changed"}]


def test_a_colleague_named_as_observer_assesses_without_reading_the_portfolio(
    client, login, employer_a, registration
):
    senior = person(
        role="assessor", employer=employer_a.employer, email="senior@a.example", full_name="Sue Senior"
    )
    observation = record(employer_a, registration, observer_id=senior.pk)
    update(employer_a, senior, observation, observer_assessment="Seen by Sue")
    with pytest.raises(PermissionDenied):
        update(employer_a, senior, observation, setting="Changed by the observer")
    login(senior)
    assert client.get(reverse("portfolios:observation", args=[observation.pk])).status_code == 200
    assert client.get(reverse("portfolios:observations", args=[registration.pk])).status_code == 404
    assert client.get(reverse("portfolios:agreement", args=[registration.pk])).status_code == 404


def test_completion_needs_the_assessment_and_the_reflection_and_the_date_to_have_passed(
    employer_a, registration
):
    observation = record(employer_a, registration, observed_on=TODAY + datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as raised:
        complete(employer_a, employer_a.assessor, observation)
    assert raised.value.messages == [
        "The observation has not happened yet: it can be completed from its date",
        "Enter the observer's assessment before you complete the observation",
        "The NQSW needs to write their reflection before the observation is complete",
    ]
    with pytest.raises(PermissionDenied):
        complete(employer_a, employer_a.nqsw, observation)


def test_a_complete_observation_is_kept_as_it_is(employer_a, registration):
    observation = finished(employer_a, registration)
    assert observation.status == Observation.Status.COMPLETE
    with pytest.raises(ValidationError, match="complete"):
        update(employer_a, employer_a.nqsw, observation, nqsw_reflection="Rewritten later")
    with tenant_context(employer_a.employer.pk):
        [event] = AuditEvent.objects.filter(action="observation.completed")
    assert event.actor_user_id == employer_a.assessor.pk


def test_a_stale_update_is_a_conflict(employer_a, registration):
    observation = record(employer_a, registration)
    stale = observation.version
    update(employer_a, employer_a.assessor, observation, observer_assessment="First")
    with pytest.raises(Conflict):
        update(employer_a, employer_a.nqsw, observation, version=stale, nqsw_reflection="Mine")


def test_the_list_counts_complete_observations_against_the_frameworks_number(
    client, login, employer_a, registration
):
    finished(employer_a, registration)
    finished(employer_a, registration)
    record(employer_a, registration)
    login(employer_a.line_manager)
    page = " ".join(
        client.get(reverse("portfolios:observations", args=[registration.pk])).content.decode().split()
    )
    assert "2 of 3 complete" in page and "Record an observation" not in page


def test_the_pages_record_change_and_complete_an_observation(client, login, employer_a, registration):
    login(employer_a.nqsw)
    add_url = reverse("portfolios:observation_add", args=[registration.pk])
    response = client.post(add_url, {"setting": "", "observer": ""})
    body = response.content.decode()
    assert "Enter the date of the observation" in body and "Select who is observing" in body
    response = client.post(
        add_url,
        {
            **date_data("observed_on", DAY),
            "setting": "Child protection conference",
            "observer": "external",
            "observer_name": "",
            "preparation": "Read the reports",
        },
    )
    assert "Enter the observer&#x27;s name and role" in response.content.decode()
    response = client.post(
        add_url,
        {
            **date_data("observed_on", DAY),
            "setting": "Child protection conference",
            "observer": str(employer_a.assessor.pk),
            "preparation": "Read the reports",
        },
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        observation = Observation.objects.get()
    change_url = reverse("portfolios:observation_change", args=[observation.pk])
    form = client.get(change_url).content.decode()
    assert "Your reflection" in form and "observer_assessment" not in form
    response = client.post(
        change_url,
        {
            **date_data("observed_on", DAY),
            "setting": "Child protection conference",
            "observer": str(employer_a.assessor.pk),
            "preparation": "Read the reports",
            "nqsw_reflection": "I spoke too fast",
            "version": observation.version,
        },
    )
    assert response.status_code == 302

    login(employer_a.assessor)
    form = client.get(change_url).content.decode()
    assert "observer_assessment" in form and "nqsw_reflection" not in form
    with tenant_context(employer_a.employer.pk):
        observation.refresh_from_db()
    response = client.post(
        change_url,
        {
            **date_data("observed_on", DAY),
            "setting": "Child protection conference",
            "observer": str(employer_a.assessor.pk),
            "observer_assessment": "Clear and kind",
            "person_feedback": "Mum said she felt heard",
            "version": observation.version,
        },
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        observation.refresh_from_db()
    response = client.post(
        reverse("portfolios:observation_complete", args=[observation.pk]), {"version": observation.version}
    )
    assert response.status_code == 302
    page = client.get(reverse("portfolios:observation", args=[observation.pk])).content.decode()
    assert "Complete" in page and "Mark as complete" not in page and "Change the observation" not in page


def test_completing_too_early_explains_what_is_missing(client, login, employer_a, registration):
    observation = record(employer_a, registration)
    login(employer_a.assessor)
    response = client.post(
        reverse("portfolios:observation_complete", args=[observation.pk]), {"version": observation.version}
    )
    assert response.status_code == 400
    assert (
        "Enter the observer&#x27;s assessment before you complete the observation"
        in response.content.decode()
    )
