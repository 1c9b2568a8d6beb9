"""Retention: anonymising registrations that ended more than four years ago (docs/equity-and-retention.md),
programmes' part of the registry (``asye.retention``).

Set-based UPDATEs, one a table. What goes: names, contact details, the Social Work England number (replaced
by ``SW9`` and the id, which no real number looks like: real ones have six digits), the link to the NQSW's
account, the legacy reference and every free text (deferral reasons, corrections' old and new values,
transfer requests' copies of the person, protected-time activities, support needs, duplicate reviews'
reasons and notes). What stays, for the reports: the employer, programme (service area), dates, funding
year and status, status, outcome and deferrals (their dates). A registration is anonymised when its names
are empty (they are required otherwise).
"""

from __future__ import annotations

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad

from asye.retention import Batch, RetentionPart, counts
from programmes.models import (
    Deferral,
    NationalReview,
    ProtectedTimeLog,
    Registration,
    RegistrationCorrection,
    RegistrationTransfer,
    SupportNeed,
)

ANONYMOUS_SWE_PREFIX = "SW9"
IDENTIFYING_FIELDS = ("first_name", "last_name", "email", "swe_number")


def anonymous_swe_number(registration_id: int) -> str:
    """The number a registration's SWE number becomes (``SW9`` and the id in nine digits)."""
    return f"{ANONYMOUS_SWE_PREFIX}{registration_id:09d}"


def _anonymous_swe(id_field: str = "id"):
    return Concat(Value(ANONYMOUS_SWE_PREFIX), LPad(Cast(id_field, CharField()), 9, Value("0")))


def _querysets(ids: list[int]) -> dict:
    return {
        "programmes_registration": Registration.objects.filter(pk__in=ids),
        "programmes_deferral": Deferral.objects.filter(registration_id__in=ids).exclude(reason=""),
        "programmes_registrationcorrection": RegistrationCorrection.objects.filter(registration_id__in=ids),
        "programmes_registrationtransfer": RegistrationTransfer.objects.filter(registration_id__in=ids),
        "programmes_protectedtimelog": ProtectedTimeLog.objects.filter(registration_id__in=ids).exclude(
            activity=""
        ),
        "programmes_supportneed": SupportNeed.objects.filter(registration_id__in=ids).exclude(detail=""),
        "programmes_nationalreview": NationalReview.objects.filter(registration_id__in=ids),
    }


def identifiers(batch: Batch) -> None:
    """The NQSWs' names, emails and numbers, as registered and as copied on transfer requests."""
    ids = batch.registration_ids
    rows = list(
        Registration.objects.filter(pk__in=ids).values_list("first_name", "last_name", "email", "swe_number")
    )
    rows += RegistrationTransfer.objects.filter(registration_id__in=ids).values_list(
        "first_name", "last_name", "email", "swe_number"
    )
    for first, last, email, swe in rows:
        batch.add_terms(f"{first} {last}", email, swe)
        batch.add_weak_terms(first, last)
    # Names, emails and numbers the registration had before a correction still appear in older text.
    corrected = RegistrationCorrection.objects.filter(registration_id__in=ids, field__in=IDENTIFYING_FIELDS)
    for field, old, new in corrected.values_list("field", "old_value", "new_value"):
        if field in ("first_name", "last_name"):
            batch.add_weak_terms(old, new)
        else:
            batch.add_terms(old, new)


def anonymise(batch: Batch) -> int:
    """Anonymise the registrations and their programme records; returns the rows changed."""
    ids = batch.registration_ids
    changed = Registration.objects.filter(pk__in=ids).update(
        first_name="",
        last_name="",
        email="",
        swe_number=_anonymous_swe(),
        nqsw=None,
        legacy_ref=None,
        funding_note="",
        end_reason="",
    )
    changed += Deferral.objects.filter(registration_id__in=ids).update(reason="")
    changed += RegistrationCorrection.objects.filter(registration_id__in=ids).update(
        old_value="", new_value="", reason=""
    )
    changed += RegistrationTransfer.objects.filter(registration_id__in=ids).update(
        first_name="", last_name="", email="", swe_number=_anonymous_swe("registration_id"), decline_reason=""
    )
    changed += ProtectedTimeLog.objects.filter(registration_id__in=ids).update(activity="")
    changed += SupportNeed.objects.filter(registration_id__in=ids).update(detail="")
    # A review of a live registration that found this one keeps its note: national staff may still need it.
    changed += NationalReview.objects.filter(registration_id__in=ids).update(reason="", decision_note="")
    return changed


def preview(batch: Batch) -> dict[str, int]:
    return counts(_querysets(batch.registration_ids))


def anonymised_filter() -> dict:
    """The lookup that finds registrations already anonymised (names are required otherwise)."""
    return {"first_name": "", "last_name": ""}


PARTS = [RetentionPart("programmes", anonymise=anonymise, preview=preview, identifiers=identifiers, order=10)]
