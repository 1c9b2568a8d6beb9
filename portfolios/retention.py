"""Retention: anonymising the portfolio of a registration that ended more than four years ago
(docs/equity-and-retention.md). Called by ``reporting.retention`` inside its transaction, in the system
national context, with set-based UPDATEs: every free text of the portfolio goes (evidence, reflections,
observations, feedback and who gave it, the learning agreement, PDP objectives, self-assessment comments,
amendments); uploaded files are deleted (their rows now, the stored bytes once the transaction commits).
What stays: that records existed, their status, dates and capability tags (no person in them)."""

from __future__ import annotations

from django.db import transaction

from portfolios.models import (
    Evidence,
    EvidenceAmendment,
    EvidenceFile,
    FeedbackRequest,
    LearningAgreement,
    Observation,
    ObservationAmendment,
    PdpObjective,
    SelfAssessmentRating,
)
from portfolios.uploads import evidence_storage

PORTFOLIO = "portfolio__registration_id__in"


def _delete_stored(names: list[str]) -> None:
    storage = evidence_storage()
    for name in names:
        storage.delete(name)


def anonymise_portfolios(registration_ids: list[int]) -> tuple[int, int]:
    """Returns (rows changed, files deleted)."""
    files = EvidenceFile.objects.filter(evidence__portfolio__registration_id__in=registration_ids)
    names = list(files.values_list("storage_name", flat=True))
    files.delete()
    if names:
        transaction.on_commit(lambda: _delete_stored(names))
    changed = Evidence.objects.filter(**{PORTFOLIO: registration_ids}).update(
        title="", description="", reflection="", response_comment=""
    )
    changed += Observation.objects.filter(**{PORTFOLIO: registration_ids}).update(
        observer_name="",
        setting="",
        preparation="",
        nqsw_reflection="",
        observer_assessment="",
        person_feedback="",
    )
    for model, path in (
        (EvidenceAmendment, "evidence__portfolio__registration_id__in"),
        (ObservationAmendment, "observation__portfolio__registration_id__in"),
    ):
        changed += model.objects.filter(**{path: registration_ids}).update(
            old_value="", new_value="", reason=""
        )
    changed += FeedbackRequest.objects.filter(**{PORTFOLIO: registration_ids}).update(
        recipient_name="",
        recipient_email="",
        context="",
        what_went_well="",
        what_could_be_better="",
        anything_else="",
    )
    changed += LearningAgreement.objects.filter(**{PORTFOLIO: registration_ids}).update(
        review_dates="",
        supervision_plan="",
        workload_arrangements="",
        protected_time="",
        other_support="",
        reason="",
    )
    changed += PdpObjective.objects.filter(**{PORTFOLIO: registration_ids}).update(
        objective="", measure="", actions="", relevance="", progress=""
    )
    changed += SelfAssessmentRating.objects.filter(
        self_assessment__portfolio__registration_id__in=registration_ids
    ).update(comment="")
    return changed, len(names)
