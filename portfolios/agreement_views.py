"""The learning agreement's pages: the agreement and its history, drafting or revising it, changing a
revision nobody has signed, and signing. Shared page parts are in ``record_pages``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from asye.web.decorators import GET_ONLY, GET_OR_POST, employer_view, opens
from asye.web.flow import FormFlow, Latest, form_flow, form_page
from asye.web.forms import posted
from portfolios import agreements
from portfolios import record_selectors as selectors
from portfolios.access import portfolio_registration_get
from portfolios.record_forms import AgreementForm, AgreementSignForm
from portfolios.record_pages import READERS, record_context
from programmes.models import Registration

SIGNED_AS = agreements.SIGNED_AS


def _person(user) -> str:
    return (user.full_name or user.email) if user is not None else "Not allocated yet"


def signature_rows(revision, registration: Registration) -> list[dict]:
    """Each of the three parts: who signs it and their signature, if they have signed. Until someone
    signs, a revision is signed by the registration's people as they are now."""
    by_role = {s.signed_as: s for s in revision.signatures.all()}
    use_revision = bool(by_role)
    names = {
        SIGNED_AS.NQSW: registration.full_name,
        SIGNED_AS.ASSESSOR: _person(revision.assessor if use_revision else registration.assessor),
        SIGNED_AS.LINE_MANAGER: _person(revision.line_manager if use_revision else registration.line_manager),
    }
    return [
        {"role": label, "person": names[value], "signature": by_role.get(value)}
        for value, label in SIGNED_AS.choices
    ]


@employer_view(*READERS)
@opens(portfolio_registration_get, GET_ONLY)
def agreement(request, registration):
    actor = request.actor
    portfolio = selectors.portfolio_of(registration)
    revisions = selectors.agreement_revisions(portfolio)
    state = selectors.agreement_state(registration, revisions)
    current = state.current
    can_sign = []
    if current is not None and not state.needs_new_revision and not current.completed_at:
        can_sign = [r for r in agreements.signer_roles(actor, registration) if r not in state.signed]
    can_draft = agreements.can_draft_agreement(actor, registration)
    return render(
        request,
        "portfolios/records/agreement.html",
        record_context(
            request,
            registration,
            portfolio,
            state=state,
            current=current,
            rows=signature_rows(current, registration) if current else [],
            history=[(r, signature_rows(r, registration)) for r in revisions[1:]],
            can_draft=can_draft,
            can_change=bool(can_draft and current and not current.completed_at and not state.signed),
            can_start_revision=bool(can_draft and current and state.signed),
            can_sign=can_sign,
            people_changed=bool(
                current and state.signed and agreements.agreement_people_changed(current, registration)
            ),
        ),
    )


def _agreement_initial(source) -> dict:
    return {name: getattr(source, name) for name in agreements.AGREEMENT_TEXT_FIELDS}


def _agreement_values(data: dict) -> dict:
    values = {name: data.get(name, "") for name in agreements.AGREEMENT_TEXT_FIELDS}
    values["reason"] = data.get("reason", "")
    return values


@employer_view(*READERS)
@opens(portfolio_registration_get, GET_OR_POST)
def agreement_add(request, registration):
    """Draft the first agreement, or start a new revision from the latest one's text."""
    actor = request.actor
    if not agreements.can_draft_agreement(actor, registration):
        raise PermissionDenied("Only the NQSW, their assessor or the co-ordinator drafts the agreement.")
    portfolio = selectors.portfolio_of(registration)
    revisions = selectors.agreement_revisions(portfolio)
    latest = revisions[0] if revisions else None
    if latest is not None and not latest.signatures.all():
        # Nobody has signed the latest revision: it is changed, not replaced.
        return redirect("portfolios:agreement_change", pk=latest.pk)
    form = AgreementForm(
        posted(request),
        asks_reason=latest is not None,
        initial=_agreement_initial(latest) if latest else {},
    )
    return form_page(
        request,
        form,
        template="portfolios/records/agreement_form.html",
        context=lambda _flow: record_context(request, registration, portfolio, latest=latest, revision=None),
        save=lambda data: agreements.agreement_create(
            actor=actor, registration=registration, **_agreement_values(data)
        ),
        done=lambda _created: redirect("portfolios:agreement", pk=registration.pk),
        message=lambda created: (
            f"Revision {created.revision} of the learning agreement saved. The NQSW, the assessor and "
            "the line manager now each sign it."
        ),
    )


@employer_view(*READERS)
@opens(selectors.agreement_get, GET_OR_POST)
def agreement_change(request, revision):
    """Change a revision nobody has signed yet."""
    actor = request.actor
    registration = revision.portfolio.registration
    if not agreements.can_draft_agreement(actor, registration):
        raise PermissionDenied("Only the NQSW, their assessor or the co-ordinator changes the agreement.")
    portfolio = revision.portfolio
    signed = revision.signatures.exists()
    newer = portfolio.agreements.filter(revision__gt=revision.revision).exists()
    initial = {**_agreement_initial(revision), "reason": revision.reason, "version": revision.version}
    asks_reason = revision.revision > 1
    form = AgreementForm(posted(request), asks_reason=asks_reason, initial=initial)
    latest = Latest(lambda: selectors.agreement_get(actor=actor, pk=revision.pk))
    flow = FormFlow(form=form)
    if not (signed or newer):
        flow = form_flow(
            request,
            form,
            save=lambda data: agreements.agreement_update(
                actor=actor, agreement=revision, version=data["version"] or 0, **_agreement_values(data)
            ),
            done=lambda _saved: redirect("portfolios:agreement", pk=registration.pk),
            message=f"Revision {revision.revision} of the learning agreement updated",
            current_version=latest.version,
            rebind=lambda data: AgreementForm(data, asks_reason=asks_reason),
        )
        if flow.response:
            return flow.response
    return render(
        request,
        "portfolios/records/agreement_form.html",
        record_context(
            request,
            registration,
            portfolio,
            form=flow.form,
            revision=latest.or_(revision),
            refused="signed" if signed else ("earlier" if newer else ""),
            conflict=flow.conflict,
        ),
        status=flow.status,
    )


def _sign_blocker(revision, registration, roles: list[str], signed: set[str]) -> str:
    """Why this person cannot sign this revision now; "" if they can."""
    if revision.portfolio.agreements.filter(revision__gt=revision.revision).exists():
        return "This is an earlier revision of the agreement, kept as history. Sign the latest one."
    if revision.completed_at:
        return "The NQSW, the assessor and the line manager have all signed this revision."
    if signed and agreements.agreement_people_changed(revision, registration):
        return (
            "The assessor or line manager has changed since this revision was signed. A new revision needs "
            "to be started for everyone to sign."
        )
    if not roles:
        return "You have signed this revision. It is waiting for the others to sign."
    if registration.assessor_id is None or registration.line_manager_id is None:
        return "The NQSW needs an assessor and a line manager before the agreement can be signed."
    return ""


@employer_view(*READERS)
@opens(selectors.agreement_get, GET_OR_POST)
def agreement_sign(request, revision):
    """The confirmation page on which the NQSW, the assessor or the line manager signs a revision."""
    actor = request.actor
    registration = revision.portfolio.registration
    all_roles = agreements.signer_roles(actor, registration)
    if not all_roles:
        raise PermissionDenied("Only the NQSW, their assessor and their line manager sign the agreement.")
    signed = {s.signed_as for s in revision.signatures.all()}
    roles = [role for role in all_roles if role not in signed]
    blocker = _sign_blocker(revision, registration, roles, signed)
    flow = FormFlow(form=None)
    latest = Latest(lambda: selectors.agreement_get(actor=actor, pk=revision.pk))
    if not blocker:
        flow = form_flow(
            request,
            AgreementSignForm(posted(request), roles=roles, initial={"version": revision.version}),
            save=lambda data: agreements.agreement_sign(
                actor=actor, agreement=revision, signed_as=data["signed_as"], version=data["version"] or 0
            ),
            done=lambda _signed: redirect("portfolios:agreement", pk=registration.pk),
            message=lambda signed: (
                "Agreement signed. All three have now signed it."
                if signed.completed_at
                else "Agreement signed"
            ),
            current_version=latest.version,
            # After a stale save the signature is asked for again, from the start, with the version now.
            rebind=lambda data: AgreementSignForm(roles=roles, initial={"version": data["version"]}),
        )
        if flow.response:
            return flow.response
    revision = latest.or_(revision)
    return render(
        request,
        "portfolios/records/agreement_sign.html",
        record_context(
            request,
            registration,
            revision.portfolio,
            form=flow.form,
            blocker=blocker,
            revision=revision,
            rows=signature_rows(revision, registration),
            conflict=flow.conflict,
        ),
        status=flow.status,
    )
