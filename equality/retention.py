"""Retention: what is kept of an NQSW's equality answers once their registration ended more than four
years ago (docs/equity-and-retention.md), equality's part of the registry (``asye.retention``). Only what
the equity analysis reads stays: gender, ethnic group (not the detailed category) and age band. The
detailed category, nationality and disability become "prefer not to say", and the link to the person's
account goes: the row then describes no one who can be found. The date of birth is never stored."""

from __future__ import annotations

from asye.retention import Batch, RetentionPart, counts
from equality.models import Disability, EqualityMonitoring, Nationality


def anonymise(batch: Batch) -> int:
    """Returns the rows changed."""
    return EqualityMonitoring.objects.filter(registration_id__in=batch.registration_ids).update(
        person=None,
        ethnicity_detail="",
        nationality=Nationality.PREFER_NOT_TO_SAY,
        disability=Disability.PREFER_NOT_TO_SAY,
    )


def preview(batch: Batch) -> dict[str, int]:
    return counts(
        {
            "equality_equalitymonitoring": EqualityMonitoring.objects.filter(
                registration_id__in=batch.registration_ids
            )
        }
    )


PARTS = [RetentionPart("equality", anonymise=anonymise, preview=preview, order=40)]
