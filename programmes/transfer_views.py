"""The transfer pages. The sending co-ordinator asks from the registration's page (and may cancel while the
request waits); the receiving co-ordinator finds requests under "Incoming transfers", reads what the
request carries, and accepts (their registration continues the programme) or declines with a reason.

Each side reads through its own selector in ``programmes.transfers``: a transfer the actor's employer
neither sent nor received is a 404, and so is the other side's page (a sender cannot open the accept page).
"""

from __future__ import annotations

import datetime

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from asye.accounts.models import Role
from asye.web.dates import date_data
from asye.web.decorators import GET_ONLY, employer_view, opens
from asye.web.flow import form_page
from asye.web.forms import answers, posted
from programmes import transfer_acceptance, transfers
from programmes.forms import hours_text
from programmes.models import RegistrationTransfer
from programmes.transfer_forms import (
    TransferAcceptForm,
    TransferAnswerForm,
    TransferDeclineForm,
    TransferRequestForm,
)
from programmes.views import people_holding, registration_action, versioned_form


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def transfer_request(request, pk: int):
    """Ask another employer to take the NQSW on: the form, a confirmation page, then the request."""
    employers = transfers.transfer_destinations(actor=request.actor)
    return registration_action(
        request,
        pk,
        make_form=versioned_form(TransferRequestForm, employers=employers),
        perform=lambda registration, data: transfers.transfer_request(
            actor=request.actor,
            registration=registration,
            to_employer_id=data["to_employer"].pk,
            transfer_on=data["on"],
            version=data["version"],
        ),
        success=lambda registration, data: (
            f"{data['to_employer'].name} has been asked to take on {registration.full_name}'s programme. "
            "Nothing changes here until they accept."
        ),
        template="programmes/transfer.html",
        confirm_template="programmes/transfer_confirm.html",
    )


# The answer pages take a GET (the form) and a POST (the answer); the transfer is read first, so another
# employer's is a 404 whatever the method.
ANSWER_METHODS = ("GET", "POST")


def _answer(request, transfer: RegistrationTransfer, *, form, template: str, context=None, **flow_options):
    """Bind, call the service, and show a stale version or the service's refusal on the page."""
    return form_page(
        request,
        form,
        template=template,
        context=lambda flow: {"transfer": transfer, "conflict": flow.status == 409, **(context or {})},
        **flow_options,
    )


@employer_view(Role.COORDINATOR)
@opens(transfers.transfer_get_outgoing, ANSWER_METHODS)
def transfer_cancel(request, transfer):
    """The sender withdraws a request that is still waiting."""
    return _answer(
        request,
        transfer,
        form=TransferAnswerForm(posted(request), initial={"version": transfer.version}),
        save=lambda data: transfers.transfer_cancel(
            actor=request.actor, transfer=transfer, version=data["version"]
        ),
        done=lambda _saved: redirect("programmes:detail", pk=transfer.registration_id),
        message=f"The transfer request to {transfer.to_employer.name} has been cancelled",
        template="programmes/transfer_cancel.html",
    )


@employer_view(Role.COORDINATOR)
@require_GET
def transfers_incoming(request):
    """Transfers into this employer: waiting ones first, then those already answered."""
    incoming = list(transfers.transfers_incoming(actor=request.actor)[:200])
    waiting = [t for t in incoming if t.status == RegistrationTransfer.Status.REQUESTED]
    answered = [t for t in incoming if t.status != RegistrationTransfer.Status.REQUESTED]
    return render(request, "programmes/transfers_incoming.html", {"waiting": waiting, "answered": answered})


def _paused_periods(transfer: RegistrationTransfer) -> list[tuple[datetime.date, datetime.date | None]]:
    return [
        (datetime.date.fromisoformat(started), datetime.date.fromisoformat(ended) if ended else None)
        for started, ended in transfer.paused
    ]


def _incoming_context(transfer: RegistrationTransfer) -> dict:
    return {
        "paused": _paused_periods(transfer),
        "hours": hours_text(transfer.contracted_hours),
        "waiting": transfer.status == RegistrationTransfer.Status.REQUESTED,
    }


@employer_view(Role.COORDINATOR)
@opens(transfers.transfer_get_incoming, GET_ONLY)
def transfer_incoming_detail(request, transfer):
    """What the request carries: the NQSW, the programme so far and the dates; then accept or decline."""
    return render(
        request,
        "programmes/transfer_incoming_detail.html",
        {"transfer": transfer, **_incoming_context(transfer)},
    )


@employer_view(Role.COORDINATOR)
@opens(transfers.transfer_get_incoming, ANSWER_METHODS)
def transfer_accept(request, transfer):
    initial = {
        "version": transfer.version,
        "contracted_hours": hours_text(transfer.contracted_hours),
        **date_data("joins_on", transfer.transfer_on + datetime.timedelta(days=1)),
    }
    form = TransferAcceptForm(
        posted(request),
        initial=initial,
        assessors=people_holding(request, Role.ASSESSOR),
        line_managers=people_holding(request, Role.LINE_MANAGER),
    )

    return _answer(
        request,
        transfer,
        form=form,
        save=lambda data: transfer_acceptance.transfer_accept(
            actor=request.actor,
            transfer=transfer,
            assessor_id=data["assessor"],
            line_manager_id=data["line_manager"],
            **answers(data, "joins_on", "contracted_hours", "version"),
        ),
        done=lambda registration: redirect("programmes:detail", pk=registration.pk),
        message=lambda registration: (
            f"{registration.full_name}'s programme continues with you. Invite them to the service if they "
            "have no account here: they confirm the programme is theirs on their programme page."
        ),
        template="programmes/transfer_accept.html",
        context=_incoming_context(transfer),
    )


@employer_view(Role.COORDINATOR)
@opens(transfers.transfer_get_incoming, ANSWER_METHODS)
def transfer_decline(request, transfer):
    return _answer(
        request,
        transfer,
        form=TransferDeclineForm(posted(request), initial={"version": transfer.version}),
        save=lambda data: transfers.transfer_decline(
            actor=request.actor, transfer=transfer, reason=data["reason"], version=data["version"]
        ),
        done=lambda _saved: redirect("programmes:transfers_incoming"),
        message=f"You have declined the transfer of {transfer.full_name}",
        template="programmes/transfer_decline.html",
    )
