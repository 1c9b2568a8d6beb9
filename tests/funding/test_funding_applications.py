"""Grant applications: one per employer per funding year; the contact, the director, the declarations and
the action plan; submitted only when complete (at least one action); accepted or returned with comments by
national staff; changed and submitted again; progress kept up through the year."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import system_national_context, tenant_context
from funding.application_services import (
    DECLARATION_FIELDS,
    action_add,
    action_remove,
    action_update,
    application_years,
    grant_application_accept,
    grant_application_return,
    grant_application_start,
    grant_application_submit,
    grant_application_update,
)
from funding.models import ActionPlanItem, FundingYear, GrantApplication
from tests.programmes.conftest import TODAY, actor_for
from tests.today import days_ahead, funding_year_label

pytestmark = pytest.mark.django_db

# The application is for this funding year (written as 2026-27), its actions due in ten weeks (written
# as 31 January 2027).
YEAR = funding_year_label(TODAY)
DUE = days_ahead(69)


@pytest.fixture
def coordinator(employer_a):
    return actor_for(employer_a.coordinator, employer_a.employer)


@pytest.fixture
def application(employer_a, coordinator):
    with tenant_context(employer_a.employer.pk):
        return grant_application_start(
            actor=coordinator, funding_year_id=FundingYear.objects.get(label=YEAR).pk, today=TODAY
        )


def as_a(employer_a, func, **kwargs):
    with tenant_context(employer_a.employer.pk):
        return func(**kwargs)


def complete(employer_a, coordinator, application) -> GrantApplication:
    application = as_a(
        employer_a,
        grant_application_update,
        actor=coordinator,
        application=application,
        director_name="Alex Morgan",
        director_job_title="Director of Children's Services",
        director_email="Alex@Example.org",
        **dict.fromkeys(DECLARATION_FIELDS, True),
    )
    as_a(
        employer_a,
        action_add,
        actor=coordinator,
        application=application,
        action="Act",
        owner="Me",
        due_on=DUE,
    )
    return _fresh(employer_a, application)


def _fresh(employer_a, application):
    with tenant_context(employer_a.employer.pk):
        return GrantApplication.objects.get(pk=application.pk)


def test_an_application_starts_with_the_employers_primary_contact_once_per_year(
    employer_a, coordinator, application
):
    assert (application.contact_name, application.contact_email) == (
        employer_a.employer.primary_contact_name,
        employer_a.employer.primary_contact_email,
    )
    again = as_a(
        employer_a,
        grant_application_start,
        actor=coordinator,
        funding_year_id=application.funding_year_id,
        today=TODAY,
    )
    assert again.pk == application.pk


def test_only_open_years_can_be_applied_for(employer_a, coordinator):
    past = FundingYear.objects.get(label=funding_year_label(TODAY - relativedelta(years=1)))
    assert past not in application_years(today=TODAY)
    with pytest.raises(ValidationError):
        as_a(employer_a, grant_application_start, actor=coordinator, funding_year_id=past.pk, today=TODAY)


def test_submitting_needs_the_contact_director_declarations_and_an_action(
    employer_a, coordinator, application
):
    with pytest.raises(ValidationError) as raised:
        as_a(employer_a, grant_application_submit, actor=coordinator, application=application)
    assert set(raised.value.message_dict) == {
        "director_name",
        "director_job_title",
        "director_email",
        *DECLARATION_FIELDS,
        "actions",
    }
    application = as_a(
        employer_a,
        grant_application_update,
        actor=coordinator,
        application=application,
        director_name="Alex Morgan",
        director_job_title="DCS",
        director_email="alex@example.org",
        **dict.fromkeys(DECLARATION_FIELDS, True),
    )
    with pytest.raises(ValidationError) as raised:
        as_a(employer_a, grant_application_submit, actor=coordinator, application=application)
    assert raised.value.message_dict == {"actions": ["Add at least one action to the action plan"]}
    as_a(
        employer_a,
        action_add,
        actor=coordinator,
        application=application,
        action="Act",
        owner="Me",
        due_on=DUE,
    )
    submitted = as_a(
        employer_a, grant_application_submit, actor=coordinator, application=_fresh(employer_a, application)
    )
    assert (
        submitted.status == GrantApplication.Status.SUBMITTED
        and submitted.submitted_by == employer_a.coordinator
    )
    assert submitted.director_email == "alex@example.org"


def test_action_rules(employer_a, coordinator, application):
    with pytest.raises(ValidationError) as raised:
        as_a(
            employer_a,
            action_add,
            actor=coordinator,
            application=application,
            action=" ",
            owner="",
            due_on=None,
        )
    assert set(raised.value.message_dict) == {"action", "owner", "due_on"}
    with pytest.raises(ValidationError) as raised:
        as_a(
            employer_a,
            action_add,
            actor=coordinator,
            application=application,
            action="Act",
            owner="Me",
            due_on=application.funding_year.starts_on - datetime.timedelta(days=1),
        )
    assert (
        f"on or after {application.funding_year.starts_on:%-d %B %Y}"
        in raised.value.message_dict["due_on"][0]
    )


def test_a_submitted_application_cannot_change_until_returned(employer_a, coordinator, national, application):
    application = complete(employer_a, coordinator, application)
    application = as_a(employer_a, grant_application_submit, actor=coordinator, application=application)
    with tenant_context(employer_a.employer.pk):
        item = ActionPlanItem.objects.get()
    for attempt in (
        lambda: grant_application_update(actor=coordinator, application=application, director_name="Someone"),
        lambda: action_add(actor=coordinator, application=application, action="More", owner="Me", due_on=DUE),
        lambda: action_update(actor=coordinator, item=item, progress="done"),
        lambda: action_remove(actor=coordinator, item=item),
    ):
        with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError):
            attempt()
    returned = grant_application_return(
        actor=national, application_id=application.pk, comments="Add a date for the second action"
    )
    assert returned.status == GrantApplication.Status.RETURNED
    as_a(
        employer_a, action_add, actor=coordinator, application=returned, action="More", owner="Me", due_on=DUE
    )
    again = as_a(
        employer_a, grant_application_submit, actor=coordinator, application=_fresh(employer_a, returned)
    )
    assert again.status == GrantApplication.Status.SUBMITTED
    accepted = grant_application_accept(actor=national, application_id=again.pk, version=again.version)
    assert accepted.status == GrantApplication.Status.ACCEPTED and accepted.decided_by_id == national.user.pk


def test_after_acceptance_only_progress_changes(employer_a, coordinator, national, application):
    application = complete(employer_a, coordinator, application)
    application = as_a(employer_a, grant_application_submit, actor=coordinator, application=application)
    grant_application_accept(actor=national, application_id=application.pk)
    with tenant_context(employer_a.employer.pk):
        item = ActionPlanItem.objects.get()
        updated = action_update(actor=coordinator, item=item, progress="in_progress", progress_note="Started")
        assert (updated.progress, updated.progress_note) == ("in_progress", "Started")
        with pytest.raises(ValidationError):
            action_update(actor=coordinator, item=updated, action="Something else")
        with pytest.raises(ValidationError):
            action_remove(actor=coordinator, item=updated)


def test_national_decisions_need_a_submitted_application_comments_to_return_and_the_role(
    employer_a, coordinator, national, application
):
    with pytest.raises(ValidationError):
        grant_application_accept(actor=national, application_id=application.pk)
    application = complete(employer_a, coordinator, application)
    application = as_a(employer_a, grant_application_submit, actor=coordinator, application=application)
    with pytest.raises(ValidationError):
        grant_application_return(actor=national, application_id=application.pk, comments=" ")
    with pytest.raises(PermissionDenied):
        grant_application_accept(actor=coordinator, application_id=application.pk)
    with pytest.raises(Conflict):
        grant_application_accept(
            actor=national, application_id=application.pk, version=application.version - 1
        )


def test_stale_versions_are_refused(employer_a, coordinator, application):
    with tenant_context(employer_a.employer.pk):
        grant_application_update(actor=coordinator, application=application, director_name="A", version=1)
        with pytest.raises(Conflict):
            grant_application_update(actor=coordinator, application=application, director_name="B", version=1)
        item = action_add(actor=coordinator, application=application, action="Act", owner="Me", due_on=DUE)
        action_update(actor=coordinator, item=item, owner="You", version=item.version)
        with pytest.raises(Conflict):
            action_update(actor=coordinator, item=item, owner="Them", version=item.version)


def test_other_roles_and_employers_cannot_write(employer_a, employer_b, application):
    assessor = actor_for(employer_a.assessor, employer_a.employer)
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        grant_application_update(actor=assessor, application=application, director_name="x")
    other = actor_for(employer_b.coordinator, employer_b.employer)
    with tenant_context(employer_b.employer.pk), pytest.raises(PermissionDenied):
        grant_application_update(actor=other, application=application, director_name="x")


def test_every_change_is_audited_with_its_actor(employer_a, coordinator, national, application):
    application = complete(employer_a, coordinator, application)
    application = as_a(employer_a, grant_application_submit, actor=coordinator, application=application)
    grant_application_return(actor=national, application_id=application.pk, comments="More detail")
    with system_national_context():
        events = list(AuditEvent.objects.filter(employer=employer_a.employer).order_by("id"))
    actions = [
        (e.action, e.actor_user_id)
        for e in events
        if e.action.startswith(("grant_application", "action_plan"))
    ]
    assert actions == [
        ("grant_application.started", employer_a.coordinator.pk),
        ("grant_application.updated", employer_a.coordinator.pk),
        ("action_plan.action_added", employer_a.coordinator.pk),
        ("grant_application.submitted", employer_a.coordinator.pk),
        ("grant_application.returned", national.user.pk),
    ]
