"""Retention: anonymising registrations that ended more than four years ago (docs/equity-and-retention.md).

Called by ``reporting.retention`` for a batch of registration ids, inside its transaction and the system
national context. Set-based UPDATEs, one a table. What goes: names, contact details, the Social Work England
number (replaced by ``SW9`` and the id, which no real number looks like: real ones have six digits), the
link to the NQSW's account, the legacy reference and every free text. What stays, for the reports: the
employer, programme (service area), dates, funding year and status, status, outcome and deferrals (their
dates; the reasons go). A registration is anonymised when its names are empty (they are required otherwise).
"""

from __future__ import annotations

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad

from programmes.models import (
    Deferral,
    ProtectedTimeLog,
    Registration,
    RegistrationCorrection,
    RegistrationTransfer,
    SupportNeed,
)

ANONYMOUS_SWE_PREFIX = "SW9"


def _anonymous_swe(id_field: str = "id"):
    return Concat(Value(ANONYMOUS_SWE_PREFIX), LPad(Cast(id_field, CharField()), 9, Value("0")))


def anonymise_registrations(registration_ids: list[int]) -> int:
    """Anonymise the registrations and their programme records; returns the rows changed."""
    changed = Registration.objects.filter(pk__in=registration_ids).update(
        first_name="",
        last_name="",
        email="",
        swe_number=_anonymous_swe(),
        nqsw=None,
        legacy_ref=None,
        funding_note="",
        end_reason="",
    )
    changed += Deferral.objects.filter(registration_id__in=registration_ids).update(reason="")
    changed += RegistrationCorrection.objects.filter(registration_id__in=registration_ids).update(
        old_value="", new_value="", reason=""
    )
    changed += RegistrationTransfer.objects.filter(registration_id__in=registration_ids).update(
        first_name="", last_name="", email="", swe_number=_anonymous_swe("registration_id"), decline_reason=""
    )
    changed += ProtectedTimeLog.objects.filter(registration_id__in=registration_ids).update(activity="")
    changed += SupportNeed.objects.filter(registration_id__in=registration_ids).update(detail="")
    return changed


def anonymised_filter() -> dict:
    """The lookup that finds registrations already anonymised (names are required otherwise)."""
    return {"first_name": "", "last_name": ""}
