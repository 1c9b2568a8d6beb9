"""Retention: what is kept of an NQSW's equality answers once their registration ended more than four
years ago (docs/equity-and-retention.md). Called by ``reporting.retention`` inside its transaction, in the
system national context. Only what the equity analysis reads stays: gender, ethnic group (not the detailed
category) and age band. The detailed category, nationality and disability become "prefer not to say", and
the link to the person's account goes: the row then describes no one who can be found."""

from __future__ import annotations

from equality.models import Disability, EqualityMonitoring, Nationality


def anonymise_equality(registration_ids: list[int]) -> int:
    """Returns the rows changed."""
    return EqualityMonitoring.objects.filter(registration_id__in=registration_ids).update(
        person=None,
        ethnicity_detail="",
        nationality=Nationality.PREFER_NOT_TO_SAY,
        disability=Disability.PREFER_NOT_TO_SAY,
    )
