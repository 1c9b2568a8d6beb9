"""Transfers between employers are requests (#12 finding 2): the sending co-ordinator asks, a co-ordinator of
the receiving employer accepts or declines; nothing is written into the receiving employer until it
accepts, duplicates are caught on the way in, and the NQSW confirms before the new registration is linked.

Alice is A's co-ordinator (the sender), Charlie B's (the receiver). Employer C is a third employer.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from programmes import transfer_acceptance, transfers
from programmes.models import (
    Deferral,
    NationalReview,
    Registration,
    RegistrationStatus,
    RegistrationTransfer,
)
from programmes.services import registration_defer
from programmes.timeline import end_date
from tests.conftest import _tenant
from tests.programmes.conftest import STARTED, actor_for
from tests.today import TODAY, days_ago, days_ahead

pytestmark = pytest.mark.django_db

Status = RegistrationTransfer.Status


# --- Helpers (also used by other apps' tests of what a transfer does) ------------------------------------


def request_transfer(sender, receiver, registration, *, on: datetime.date = TODAY) -> RegistrationTransfer:
    """Ask, as the sender's co-ordinator, for ``receiver`` to take the registration on after ``on``."""
    with tenant_context(sender.employer.pk):
        return transfers.transfer_request(
            actor=actor_for(sender.coordinator, sender.employer),
            registration=registration,
            to_employer_id=receiver.employer.pk,
            transfer_on=on,
        )


def accept_transfer(receiver, transfer, *, joins_on=None, hours=None, assessor=None, line_manager=None):
    """Accept, as the receiver's co-ordinator: the receiver's new registration."""
    with tenant_context(receiver.employer.pk):
        return transfer_acceptance.transfer_accept(
            actor=actor_for(receiver.coordinator, receiver.employer),
            transfer=transfer,
            joins_on=joins_on or transfer.transfer_on + datetime.timedelta(days=1),
            contracted_hours=hours or transfer.contracted_hours,
            assessor_id=assessor,
            line_manager_id=line_manager,
        )


def transfer(sender, receiver, registration, *, on: datetime.date = TODAY, **accept) -> Registration:
    """Request and accept: the receiver's new registration."""
    return accept_transfer(receiver, request_transfer(sender, receiver, registration, on=on), **accept)


def date_data(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


@pytest.fixture
def registration(register, employer_a):
    return register(employer_a)


@pytest.fixture
def employer_c(db):
    return _tenant("Gammaton Children's Trust")


def registrations_at(tenant) -> list[Registration]:
    with tenant_context(tenant.employer.pk):
        return list(Registration.objects.filter(employer=tenant.employer))


def fresh(registration, unscoped) -> Registration:
    with unscoped():
        return Registration.objects.get(pk=registration.pk)


# --- The attack, replayed over HTTP ----------------------------------------------------------------------


def test_a_transfer_writes_nothing_into_the_receiving_employer_until_it_accepts(
    client, login, employer_a, employer_b, registration, unscoped
):
    """Before: the POST made a registration at B at once, with nobody at B asked."""
    login(employer_a.coordinator)
    url = reverse("programmes:transfer", args=[registration.pk])
    data = {"to_employer": employer_b.employer.pk, **date_data("on", TODAY), "version": registration.version}
    assert client.post(url, {**data, "confirm": "yes"}).status_code == 302
    assert registrations_at(employer_b) == []
    assert fresh(registration, unscoped).status == RegistrationStatus.ACTIVE
    # B's co-ordinator finds the request and accepts it: only now is the programme continued at B.
    login(employer_b.coordinator)
    incoming = client.get(reverse("programmes:transfers_incoming")).content.decode()
    assert "Ada Okafor" in incoming and employer_a.employer.name in incoming
    with tenant_context(employer_b.employer.pk):
        request = RegistrationTransfer.objects.get(to_employer=employer_b.employer)
    accept = reverse("programmes:transfer_accept", args=[request.pk])
    form = {**date_data("joins_on", TODAY + datetime.timedelta(days=1)), "contracted_hours": "37"}
    response = client.post(accept, {**form, "version": request.version})
    [moved] = registrations_at(employer_b)
    assert response.status_code == 302 and response["Location"] == reverse(
        "programmes:detail", args=[moved.pk]
    )
    assert moved.transferred_from_id == registration.pk and moved.swe_number == registration.swe_number
    ended = fresh(registration, unscoped)
    assert (ended.status, ended.ended_at) == (RegistrationStatus.TRANSFERRED, TODAY)


def test_the_new_registration_is_never_linked_to_an_nqsw_by_email_alone(
    client, login, employer_a, employer_b, register, unscoped
):
    """Before: B's NQSW whose email the sender typed was silently linked on opening /my-programme/."""
    registration = register(employer_a, email=employer_b.nqsw.email)
    moved = transfer(employer_a, employer_b, registration)
    login(employer_b.nqsw)
    page = client.get(reverse("support:my_programme")).content.decode()
    assert "Confirm it is yours" in page
    assert fresh(moved, unscoped).nqsw_id is None
    # The NQSW confirms with the Social Work England number the registration carries.
    confirm = reverse("support:confirm_registration", args=[moved.pk])
    assert client.post(confirm, {"swe_number": "SW000001"}).status_code == 200
    assert fresh(moved, unscoped).nqsw_id is None
    assert client.post(confirm, {"swe_number": moved.swe_number.lower()}).status_code == 302
    assert fresh(moved, unscoped).nqsw_id == employer_b.nqsw.pk


def test_the_request_carries_the_registrations_details_not_free_form_identity(
    client, login, employer_a, employer_b, registration
):
    login(employer_a.coordinator)
    url = reverse("programmes:transfer", args=[registration.pk])
    smuggled = {
        "to_employer": employer_b.employer.pk,
        **date_data("on", TODAY),
        "version": registration.version,
        "confirm": "yes",
        "first_name": "Mallory",
        "email": employer_b.nqsw.email,
        "swe_number": "SW666666",
    }
    assert client.post(url, smuggled).status_code == 302
    with tenant_context(employer_b.employer.pk):
        request = RegistrationTransfer.objects.get()
    assert (request.first_name, request.email, request.swe_number) == (
        "Ada",
        "ada.okafor@example.org",
        "SW123456",
    )


# --- Both sides see the state ------------------------------------------------------------------------------


def test_declined_with_a_reason_the_sender_sees(
    client, login, employer_a, employer_b, registration, unscoped
):
    request = request_transfer(employer_a, employer_b, registration)
    login(employer_a.coordinator)
    page = client.get(reverse("programmes:detail", args=[registration.pk])).content.decode()
    assert f"Waiting for {employer_b.employer.name}" in page
    assert reverse("programmes:transfer_cancel", args=[request.pk]) in page
    login(employer_b.coordinator)
    decline = reverse("programmes:transfer_decline", args=[request.pk])
    refused = client.post(decline, {"reason": "", "version": request.version})
    assert "Enter the reason you are declining the transfer" in refused.content.decode()
    assert client.post(decline, {"reason": "No post for them", "version": request.version}).status_code == 302
    assert registrations_at(employer_b) == []
    login(employer_a.coordinator)
    page = client.get(reverse("programmes:detail", args=[registration.pk])).content.decode()
    assert "Transfer declined" in page and "No post for them" in page
    assert fresh(registration, unscoped).status == RegistrationStatus.ACTIVE
    # Both employers' audit trails record the decision.
    with tenant_context(employer_a.employer.pk):
        assert AuditEvent.objects.filter(action="transfer.declined").count() == 1
    with tenant_context(employer_b.employer.pk):
        assert AuditEvent.objects.filter(action="transfer.declined").count() == 1


def test_a_cancelled_request_can_no_longer_be_accepted(client, login, employer_a, employer_b, registration):
    request = request_transfer(employer_a, employer_b, registration)
    login(employer_a.coordinator)
    cancel = reverse("programmes:transfer_cancel", args=[request.pk])
    assert client.post(cancel, {"version": request.version}).status_code == 302
    with pytest.raises(ValidationError, match="cancelled"):
        accept_transfer(employer_b, request)
    assert registrations_at(employer_b) == []
    # And a new request can be made.
    assert request_transfer(employer_a, employer_b, registration).status == Status.REQUESTED


def test_one_request_at_a_time_and_never_for_a_closed_registration(employer_a, employer_b, registration):
    request_transfer(employer_a, employer_b, registration)
    with pytest.raises(ValidationError, match="already waiting"):
        request_transfer(employer_a, employer_b, registration)


def test_a_transfer_needs_a_sensible_date_and_an_employer_running_the_area(
    employer_a, employer_b, registration, unscoped
):
    with pytest.raises(ValidationError) as refused:
        request_transfer(employer_a, employer_b, registration, on=STARTED - datetime.timedelta(days=1))
    assert "on or after the programme's start date" in str(refused.value.message_dict["on"])
    with pytest.raises(ValidationError) as refused:
        request_transfer(employer_a, employer_b, registration, on=TODAY + datetime.timedelta(days=400))
    assert "within a year" in str(refused.value.message_dict["on"])
    with unscoped():
        type(employer_b.employer).objects.filter(pk=employer_b.employer.pk).update(
            serves_child_and_family=False
        )
    with pytest.raises(ValidationError) as refused:
        request_transfer(employer_a, employer_b, registration)
    assert "does not run child and family services" in str(refused.value.message_dict["to_employer"])
    with pytest.raises(ValidationError) as refused:
        request_transfer(employer_a, employer_a, registration)
    assert "Select the employer" in str(refused.value.message_dict["to_employer"])


# --- Duplicates on the way in -------------------------------------------------------------------------------


def test_the_receiver_cannot_accept_an_nqsw_it_already_has(register, employer_a, employer_b, registration):
    register(employer_b)  # B registered the same person itself
    request = request_transfer(employer_a, employer_b, registration)
    with pytest.raises(ValidationError, match="already registered with you"):
        accept_transfer(employer_b, request)
    assert len(registrations_at(employer_b)) == 1
    with tenant_context(employer_b.employer.pk):
        assert RegistrationTransfer.objects.get(pk=request.pk).status == Status.REQUESTED


def test_the_national_duplicate_check_runs_on_the_way_in(
    register, employer_a, employer_b, employer_c, registration, unscoped
):
    elsewhere = register(employer_c)  # a third employer has the same person in progress
    moved = transfer(employer_a, employer_b, registration)
    # National staff are asked to look; the receiving employer's registration looks like any other (#12.8).
    assert moved.funding_status == fresh(registration, unscoped).funding_status
    with unscoped():
        reviews = list(NationalReview.objects.filter(registration=moved))
    assert [r.other_registration_id for r in reviews] == [elsewhere.pk]  # not the programme's own


# --- What the receiver sees, and what the database lets each side do ----------------------------------------


def test_the_receiver_sees_the_request_and_nothing_else_of_the_senders(
    client, login, employer_a, employer_b, employer_c, registration
):
    with tenant_context(employer_a.employer.pk):
        registration_defer(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=registration,
            started_on=STARTED + datetime.timedelta(days=20),
            reason="Private medical matter",
        )
        registration.refresh_from_db()
    request = request_transfer(employer_a, employer_b, registration)
    login(employer_b.coordinator)
    page = client.get(reverse("programmes:transfer_incoming", args=[request.pk])).content.decode()
    assert "Ada Okafor" in page and "SW123456" in page and "ada.okafor@example.org" in page
    assert "Private medical matter" not in page
    with tenant_context(employer_b.employer.pk):
        assert RegistrationTransfer.objects.filter(pk=request.pk).exists()
        assert not Registration.objects.filter(pk=registration.pk).exists()
        assert not Deferral.objects.filter(registration=registration).exists()
    with tenant_context(employer_c.employer.pk):
        assert not RegistrationTransfer.objects.exists()
    # The sender cannot answer its own request, and a third employer cannot see it at all.
    for tenant in (employer_a, employer_c):
        login(tenant.coordinator)
        for name in ("transfer_incoming", "transfer_accept", "transfer_decline"):
            assert client.get(reverse(f"programmes:{name}", args=[request.pk])).status_code == 404
    login(employer_b.coordinator)
    assert client.get(reverse("programmes:transfer_cancel", args=[request.pk])).status_code == 404


def test_only_the_sender_can_create_a_request_in_the_database(employer_a, employer_b, registration):
    """Row-level security: the receiver may read and answer a request, never forge one "from" someone else."""
    with pytest.raises(DatabaseError), transaction.atomic(), tenant_context(employer_b.employer.pk):
        RegistrationTransfer.objects.create(
            employer=employer_a.employer,
            to_employer=employer_b.employer,
            registration_id=registration.pk,
            transfer_on=TODAY,
            first_name="Forged",
            last_name="Request",
            swe_number="SW123456",
            qualification_date=registration.qualification_date,
            framework_version_id=registration.framework_version_id,
            start_date=registration.start_date,
            contracted_hours=Decimal("37"),
            funding_year=registration.funding_year,
            requested_by=employer_b.coordinator,
        )


# --- Dates, pauses and the end of the sending registration ---------------------------------------------------


def test_a_transfer_from_a_later_date_ends_the_sending_registration_on_that_day(
    employer_a, employer_b, registration, unscoped
):
    later = days_ahead(30)
    moved = transfer(employer_a, employer_b, registration, on=later)
    sending = fresh(registration, unscoped)
    assert sending.status == RegistrationStatus.ACTIVE
    assert (sending.ending_status, sending.ending_on) == (RegistrationStatus.TRANSFERRED, later)
    assert moved.status == RegistrationStatus.ACTIVE


def test_days_between_employers_pause_the_programme(employer_a, employer_b, registration, unscoped):
    from programmes.selectors import timeline_input

    last_day = days_ago(20)
    moved = transfer(
        employer_a, employer_b, registration, on=last_day, joins_on=last_day + datetime.timedelta(days=15)
    )
    with tenant_context(employer_b.employer.pk):
        pauses = list(Deferral.objects.filter(registration=moved).values_list("started_on", "ended_on"))
        moved_end = end_date(timeline_input(moved), today=TODAY)
    assert pauses == [(last_day + datetime.timedelta(days=1), last_day + datetime.timedelta(days=15))]
    with tenant_context(employer_a.employer.pk):
        original_end = end_date(timeline_input(Registration.objects.get(pk=registration.pk)), today=TODAY)
    assert moved_end == original_end + datetime.timedelta(days=14)


def test_acceptance_refuses_people_of_another_employer(employer_a, employer_b, registration):
    request = request_transfer(employer_a, employer_b, registration)
    with pytest.raises(ValidationError) as refused:
        accept_transfer(
            employer_b, request, assessor=employer_a.assessor.pk, line_manager=employer_a.line_manager.pk
        )
    assert set(refused.value.message_dict) == {"assessor", "line_manager"}
    assert registrations_at(employer_b) == []
    moved = accept_transfer(
        employer_b, request, assessor=employer_b.assessor.pk, line_manager=employer_b.line_manager.pk
    )
    assert (moved.assessor_id, moved.line_manager_id) == (employer_b.assessor.pk, employer_b.line_manager.pk)


def test_a_sending_registration_withdrawn_meanwhile_cannot_be_accepted(employer_a, employer_b, registration):
    from programmes.services import registration_withdraw

    request = request_transfer(employer_a, employer_b, registration)
    with tenant_context(employer_a.employer.pk):
        registration_withdraw(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=Registration.objects.get(pk=registration.pk),
            on=TODAY,
            reason="Left social work",
        )
    with pytest.raises(ValidationError, match="can no longer be transferred"):
        accept_transfer(employer_b, request)
    assert registrations_at(employer_b) == []


def test_an_nqsw_can_confirm_only_a_registration_here_naming_their_email(
    client, login, register, employer_a, employer_b, unscoped
):
    """The confirm page addresses a registration by id: another employer's (even one naming this NQSW's
    email), someone else's, a linked one and a missing one all give 404, and nothing is linked."""
    theirs_elsewhere = register(employer_b, email=employer_a.nqsw.email)
    someone_else = register(employer_a, swe_number="SW123457", email="someone.else@example.org")
    login(employer_a.nqsw)
    for registration in (theirs_elsewhere, someone_else):
        url = reverse("support:confirm_registration", args=[registration.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"swe_number": registration.swe_number}).status_code == 404
        assert fresh(registration, unscoped).nqsw_id is None
    assert client.get(reverse("support:confirm_registration", args=[10**9])).status_code == 404
    login(employer_a.coordinator)
    assert client.get(reverse("support:confirm_registration", args=[someone_else.pk])).status_code == 403


def test_the_new_registration_starts_with_its_progress_worked_out(employer_a, employer_b, registration):
    """The receiving employer's lists filter on the progress kept on each registration: it is worked out in
    the same transaction as the acceptance, not left empty until the nightly job."""
    moved = transfer(employer_a, employer_b, registration)
    with tenant_context(employer_b.employer.pk):
        stored = Registration.objects.get(pk=moved.pk)
    assert stored.next_due_kind and stored.next_due_on is not None
