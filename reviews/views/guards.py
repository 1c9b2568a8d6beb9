"""The review pages' guards: a 403 in the page's own words for anyone the rule leaves out (as
``portfolios.access.require_owner`` does for the portfolio's pages)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from reviews.services.access import can_manage_support_plan, can_write_assessment


def require_assessment_writer(actor, registration, refusal: str) -> None:
    """403 (``refusal``) unless the actor writes the NQSW's assessment (``can_write_assessment``)."""
    if not can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied(refusal)


def require_support_plan_manager(actor, registration, refusal: str) -> None:
    """403 (``refusal``) unless the actor manages the NQSW's support plan (``can_manage_support_plan``)."""
    if not can_manage_support_plan(actor=actor, registration=registration):
        raise PermissionDenied(refusal)
