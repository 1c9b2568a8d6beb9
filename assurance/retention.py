"""Retention: assurance's part of the registry (``asye.retention``, docs/equity-and-retention.md). A
confidential concern raised by an NQSW whose account is anonymised keeps its dates, status and employer,
but its details and the actions' descriptions go: they tell the person's story."""

from __future__ import annotations

from assurance.models import ConcernAction, ConfidentialConcern
from asye.retention import Batch, RetentionPart, counts


def anonymise(batch: Batch) -> int:
    people = batch.released_user_ids
    changed = ConfidentialConcern.objects.filter(nqsw_id__in=people).exclude(details="").update(details="")
    changed += ConcernAction.objects.filter(nqsw_id__in=people).exclude(description="").update(description="")
    return changed


def preview(batch: Batch) -> dict[str, int]:
    people = batch.released_user_ids
    return counts(
        {
            "assurance_confidentialconcern": ConfidentialConcern.objects.filter(nqsw_id__in=people),
            "assurance_concernaction": ConcernAction.objects.filter(nqsw_id__in=people),
        }
    )


PARTS = [RetentionPart("assurance", anonymise=anonymise, preview=preview, order=60)]
