"""The completion certificate: who may download it, and its audited issue."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from asye.accounts.actor import Actor
from asye.audit.services import audit_record
from portfolios.access import is_assessor, is_coordinator, is_owner
from programmes.models import Registration


def can_download_certificate(*, actor: Actor, registration: Registration) -> bool:
    """The NQSW, their assessor and the co-ordinator, in person."""
    return actor.api_token_id is None and (
        is_owner(actor, registration)
        or is_assessor(actor, registration)
        or is_coordinator(actor, registration)
    )


def certificate_issue(*, actor: Actor, registration: Registration) -> bytes:
    """The completion certificate of an endorsed pass as PDF bytes, for the people allowed; each download
    is audited (``certificate.downloaded``). The caller checks ``certificate_available`` first."""
    from reviews.certificate import certificate_pdf

    if not can_download_certificate(actor=actor, registration=registration):
        raise PermissionDenied("The certificate is for the NQSW, their assessor and the co-ordinator.")
    pdf = certificate_pdf(registration=registration)
    audit_record(actor=actor, obj=registration, action="certificate.downloaded", changes={"bytes": len(pdf)})
    return pdf
