"""Retention: evaluations' part of the registry (``asye.retention``, docs/equity-and-retention.md). A 360
invitation sent to an anonymised person keeps its cycle, type and whether it was answered (response rates
stay), but loses the email address. Ratings were never linked to a person."""

from __future__ import annotations

from asye.retention import Batch, RetentionPart, counts
from evaluations.models import EvaluationInvitation

REMOVED_ADDRESS = "removed@invalid.example"


def _invitations(batch: Batch):
    return EvaluationInvitation.objects.filter(person_id__in=batch.released_user_ids).exclude(
        email=REMOVED_ADDRESS
    )


def anonymise(batch: Batch) -> int:
    return _invitations(batch).update(email=REMOVED_ADDRESS)


def preview(batch: Batch) -> dict[str, int]:
    return counts({"evaluations_evaluationinvitation": _invitations(batch)})


PARTS = [RetentionPart("evaluations", anonymise=anonymise, preview=preview, order=60)]
