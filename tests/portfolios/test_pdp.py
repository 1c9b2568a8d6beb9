"""PDP objectives: SMART (each missing part asked for by name, a date in the future), written by the NQSW,
progress updated by the NQSW or their assessor, read by the others."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from asye.web.dates import date_data
from portfolios import pdp as services
from portfolios.models import PdpObjective
from tests.factories import person
from tests.portfolios.conftest import linked_registration, portfolio_of, statement
from tests.programmes.conftest import TODAY, actor_for
from tests.today import days_ahead

pytestmark = pytest.mark.django_db

SMART = {
    "objective": "Write chronologies that show the impact of events on the child",
    "measure": "Three chronologies reviewed by my assessor as good",
    "actions": "Chronology training in January; shadow Sam on two cases",
    "relevance": "Feedback from my 3-month review",
    # Written on 23 November 2026 for 31 March 2027, the end of the funding year: 128 days ahead.
    "achieve_by": days_ahead(128),
}
# An objective a few years off (written as 31 March 2030).
FAR_OFF = days_ahead(1224)


@pytest.fixture
def registration(employer_a):
    return linked_registration(employer_a)


def add(tenant, registration, user=None, **overrides):
    with tenant_context(tenant.employer.pk):
        return services.pdp_objective_create(
            actor=actor_for(user or tenant.nqsw, tenant.employer),
            registration=registration,
            today=TODAY,
            **{**SMART, **overrides},
        )


def progress(tenant, user, objective, **values):
    with tenant_context(tenant.employer.pk):
        objective = PdpObjective.objects.get(pk=objective.pk)
        return services.pdp_objective_progress(
            actor=actor_for(user, tenant.employer),
            pdp_objective=objective,
            version=values.pop("version", objective.version),
            **values,
        )


def test_the_nqsw_adds_a_smart_objective(employer_a, registration):
    portfolio = portfolio_of(employer_a, registration)
    pcf6 = statement(portfolio, "pcf", 6)
    objective = add(employer_a, registration, statement_id=pcf6.pk)
    assert objective.status == PdpObjective.Status.OPEN and objective.statement_id == pcf6.pk
    with tenant_context(employer_a.employer.pk):
        [event] = AuditEvent.objects.filter(action="pdp_objective.created")
    assert event.changes["achieve_by"] == SMART["achieve_by"].isoformat()


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("objective", "Enter the objective: what you will be able to do, or do differently"),
        ("measure", "Enter how you will measure this objective"),
        ("actions", "Enter the actions you will take and the support you need"),
        ("relevance", "Enter why this objective matters to your practice"),
        ("achieve_by", "Enter the date you will achieve this objective by"),
    ],
)
def test_each_missing_smart_part_is_asked_for(employer_a, registration, missing, message):
    with pytest.raises(ValidationError) as raised:
        add(employer_a, registration, **{missing: None if missing == "achieve_by" else "  "})
    assert raised.value.message_dict == {missing: [message]}


@pytest.mark.parametrize("day", [TODAY, TODAY - datetime.timedelta(days=1)])
def test_a_new_objectives_date_must_be_in_the_future(employer_a, registration, day):
    with pytest.raises(ValidationError) as raised:
        add(employer_a, registration, achieve_by=day)
    assert raised.value.message_dict == {
        "achieve_by": ["The date you will achieve this objective by must be in the future"]
    }


def test_a_capability_outside_the_portfolio_is_refused(employer_a, registration):
    adults = linked_registration(
        employer_a, service_area="adults", swe_number="SW8200001", email="x@a.example"
    )
    kss = statement(portfolio_of(employer_a, adults), "adults-kss", 1)
    with pytest.raises(ValidationError) as raised:
        add(employer_a, registration, statement_id=kss.pk)
    assert "statement" in raised.value.message_dict


@pytest.mark.parametrize("who", ["assessor", "line_manager", "coordinator"])
def test_only_the_nqsw_writes_objectives(employer_a, registration, who):
    with pytest.raises(PermissionDenied):
        add(employer_a, registration, getattr(employer_a, who))


def test_the_nqsw_and_their_assessor_update_progress_and_others_cannot(employer_a, registration):
    objective = add(employer_a, registration)
    progress(employer_a, employer_a.nqsw, objective, status="open", progress="Booked the training")
    done = progress(
        employer_a, employer_a.assessor, objective, status="achieved", progress="Three good chronologies"
    )
    assert done.status == PdpObjective.Status.ACHIEVED and done.progress == "Three good chronologies"
    with pytest.raises(PermissionDenied):
        progress(employer_a, employer_a.line_manager, objective, status="open", progress="x")
    other = person(role="assessor", employer=employer_a.employer, email="other@a.example")
    with pytest.raises(PermissionDenied):
        progress(employer_a, other, objective, status="open", progress="x")


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("achieved", "Enter what you achieved and how you know"),
        ("dropped", "Enter why this objective is no longer relevant"),
        ("open", "Enter the progress made so far"),
    ],
)
def test_a_status_update_needs_a_progress_note(employer_a, registration, status, message):
    objective = add(employer_a, registration)
    with pytest.raises(ValidationError) as raised:
        progress(employer_a, employer_a.nqsw, objective, status=status, progress="")
    assert raised.value.message_dict == {"progress": [message]}


def test_a_stale_progress_update_is_a_conflict(employer_a, registration):
    objective = add(employer_a, registration)
    stale = objective.version
    progress(employer_a, employer_a.assessor, objective, status="open", progress="Assessor's note")
    with pytest.raises(Conflict):
        progress(employer_a, employer_a.nqsw, objective, status="open", progress="Mine", version=stale)


def test_changing_an_objective_keeps_an_unchanged_past_date_but_a_new_date_must_be_future(
    employer_a, registration
):
    objective = add(employer_a, registration, achieve_by=TODAY + datetime.timedelta(days=10))
    later = TODAY + datetime.timedelta(days=30)
    with tenant_context(employer_a.employer.pk):
        actor = actor_for(employer_a.nqsw, employer_a.employer)
        # Weeks later, the date has passed: rewording it keeps the old date.
        changed = services.pdp_objective_update(
            actor=actor,
            pdp_objective=objective,
            version=objective.version,
            **{**SMART, "achieve_by": objective.achieve_by, "measure": "Two chronologies"},
            today=later,
        )
        assert changed.measure == "Two chronologies"
        with pytest.raises(ValidationError) as raised:
            services.pdp_objective_update(
                actor=actor,
                pdp_objective=changed,
                version=changed.version,
                **{**SMART, "achieve_by": later},
                today=later,
            )
        assert "achieve_by" in raised.value.message_dict


def test_an_achieved_objective_is_kept_as_it_was(employer_a, registration):
    objective = add(employer_a, registration)
    done = progress(employer_a, employer_a.nqsw, objective, status="achieved", progress="Done")
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError, match="kept as it was"):
        services.pdp_objective_update(
            actor=actor_for(employer_a.nqsw, employer_a.employer),
            pdp_objective=done,
            version=done.version,
            **SMART,
            today=TODAY,
        )


# Pages ------------------------------------------------------------------------------------------------


def test_the_form_prompts_for_every_missing_part_at_once(client, login, employer_a, registration):
    login(employer_a.nqsw)
    response = client.post(
        reverse("portfolios:pdp_add", args=[registration.pk]),
        {"objective": "Run a family group conference", **date_data("achieve_by", "2020-01-01")},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    for message in (
        "Enter how you will measure this objective",
        "Enter the actions you will take and the support you need",
        "Enter why this objective matters to your practice",
        "The date you will achieve this objective by must be in the future",
    ):
        assert message in body
    with tenant_context(employer_a.employer.pk):
        assert not PdpObjective.objects.exists()


def test_an_empty_date_is_asked_for(client, login, employer_a, registration):
    login(employer_a.nqsw)
    data = {k: v for k, v in SMART.items() if k != "achieve_by"}
    response = client.post(reverse("portfolios:pdp_add", args=[registration.pk]), data)
    assert "Enter the date you will achieve this objective by" in response.content.decode()


def test_the_nqsw_adds_an_objective_and_the_assessor_updates_its_progress(
    client, login, employer_a, registration
):
    login(employer_a.nqsw)
    data = {k: v for k, v in SMART.items() if k != "achieve_by"} | date_data("achieve_by", FAR_OFF)
    response = client.post(reverse("portfolios:pdp_add", args=[registration.pk]), data)
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        objective = PdpObjective.objects.get()
    assert objective.achieve_by == FAR_OFF

    login(employer_a.assessor)
    url = reverse("portfolios:pdp_objective", args=[objective.pk])
    assert "Update progress" in client.get(url).content.decode()
    response = client.post(url, {"status": "open", "progress": "Good start", "version": objective.version})
    assert response.status_code == 302
    assert client.get(reverse("portfolios:pdp_add", args=[registration.pk])).status_code == 403

    login(employer_a.line_manager)
    page = client.get(url).content.decode()
    assert "Good start" in page and "Update progress" not in page
    assert client.post(url, {"status": "achieved", "progress": "x", "version": 2}).status_code == 403
    assert client.get(reverse("portfolios:pdp", args=[registration.pk])).status_code == 200


def test_a_stale_progress_form_shows_the_conflict_and_keeps_the_words(
    client, login, employer_a, registration
):
    objective = add(employer_a, registration)
    stale = objective.version
    progress(employer_a, employer_a.assessor, objective, status="open", progress="Assessor's note")
    login(employer_a.nqsw)
    response = client.post(
        reverse("portfolios:pdp_objective", args=[objective.pk]),
        {"status": "open", "progress": "My words", "version": stale},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this objective" in body and "My words" in body


def test_the_nqsw_changes_an_objective_on_its_change_page(client, login, employer_a, registration):
    objective = add(employer_a, registration)
    login(employer_a.nqsw)
    url = reverse("portfolios:pdp_objective_change", args=[objective.pk])
    form = client.get(url).content.decode()
    achieve_by = SMART["achieve_by"]
    assert f'value="{achieve_by.day}"' in form and f'value="{achieve_by.year}"' in form
    assert SMART["measure"] in form
    data = {k: v for k, v in SMART.items() if k != "achieve_by"} | date_data(
        "achieve_by", SMART["achieve_by"]
    )
    response = client.post(url, {**data, "measure": "Two chronologies", "version": objective.version})
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        assert PdpObjective.objects.get(pk=objective.pk).measure == "Two chronologies"
    login(employer_a.assessor)
    assert client.get(url).status_code == 403
