"""Retention: forums' part of the registry (``asye.retention``, docs/equity-and-retention.md). An anonymised
person's forum memberships go (a GEMS membership says how they identified themselves); their sign-ups and
attendance stay, on an account that no longer names anyone, so attendance figures do not change. Poll
answers were never linked to a person."""

from __future__ import annotations

from asye.retention import Batch, RetentionPart, counts
from forums.models import ForumMembership


def anonymise(batch: Batch) -> int:
    return ForumMembership.objects.filter(person_id__in=batch.released_user_ids).delete()[0]


def preview(batch: Batch) -> dict[str, int]:
    return counts(
        {"forums_forummembership": ForumMembership.objects.filter(person_id__in=batch.released_user_ids)}
    )


PARTS = [RetentionPart("forums", anonymise=anonymise, preview=preview, order=60)]
