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


def _status_colour_filter(name: str, colours: dict[str, str]) -> None:
    """Register the filter ``name``: the tag colour of a status by ``colours``, grey for any other."""

    def colour(status: str) -> str:
        return colours.get(status, "grey")

    register.filter(name, colour)


_status_colour_filter("claim_colour", TAG_COLOURS)
_status_colour_filter("statement_colour", STATEMENT_COLOURS)
_status_colour_filter("application_colour", APPLICATION_COLOURS)
_status_colour_filter("recovery_colour", RECOVERY_COLOURS)


@register.filter
def unbroken(value) -> str:
    """A funding year like 2026-27 with a non-breaking hyphen, so a narrow table column keeps it whole."""
    return str(value).replace("-", "\u2011")
