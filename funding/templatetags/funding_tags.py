"""Status tags for the funding pages: ``{% load funding_tags %}``. Money is the ``money`` filter every
template has (asye.web.formats)."""

from __future__ import annotations

from django import template

from funding.models import ClaimStatus, GrantApplication, PaymentStatement, Recovery

register = template.Library()

TAG_COLOURS = {
    ClaimStatus.DRAFT: "blue",
    ClaimStatus.SUBMITTED: "yellow",
    ClaimStatus.APPROVED: "turquoise",
    ClaimStatus.ON_STATEMENT: "purple",
    ClaimStatus.PAID: "green",
    ClaimStatus.REJECTED: "red",
    ClaimStatus.VOIDED: "grey",
}
STATEMENT_COLOURS = {
    PaymentStatement.Status.DRAFT: "grey",
    PaymentStatement.Status.AUTHORISED: "blue",
    PaymentStatement.Status.PAID: "green",
}
APPLICATION_COLOURS = {
    GrantApplication.Status.DRAFT: "grey",
    GrantApplication.Status.SUBMITTED: "blue",
    GrantApplication.Status.RETURNED: "orange",
    GrantApplication.Status.ACCEPTED: "green",
}
RECOVERY_COLOURS = {
    Recovery.Status.PENDING: "orange",
    Recovery.Status.ON_STATEMENT: "purple",
    Recovery.Status.RECOVERED: "green",
    Recovery.Status.CANCELLED: "grey",
}


@register.filter
def claim_colour(status: str) -> str:
    return TAG_COLOURS.get(status, "grey")


@register.filter
def statement_colour(status: str) -> str:
    return STATEMENT_COLOURS.get(status, "grey")


@register.filter
def application_colour(status: str) -> str:
    return APPLICATION_COLOURS.get(status, "grey")


@register.filter
def recovery_colour(status: str) -> str:
    return RECOVERY_COLOURS.get(status, "grey")


@register.filter
def unbroken(value) -> str:
    """A funding year like 2026-27 with a non-breaking hyphen, so a narrow table column keeps it whole."""
    return str(value).replace("-", "\u2011")
