"""Retention: anonymising the portfolio of a registration that ended more than four years ago
(docs/equity-and-retention.md), portfolios' part of the registry (``asye.retention``). Set-based UPDATEs:
every free text of the portfolio goes (evidence, reflections, observations, feedback and who gave it, the
learning agreement, PDP objectives, self-assessment comments, amendments); uploaded files and kept
portfolio packs are deleted (the rows now, the stored bytes once the transaction commits). What stays: that
records existed, their status, dates and capability tags (no person in them)."""

from __future__ import annotations

from django.core.files.storage import default_storage

from asye.retention import Batch, RetentionPart, counts
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
from programmes.models import Registration

PORTFOLIO = "portfolio__registration_id__in"


def _querysets(ids: list[int]) -> dict:
    return {
        "portfolios_evidencefile": EvidenceFile.objects.filter(evidence__portfolio__registration_id__in=ids),
        "portfolios_evidence": Evidence.objects.filter(**{PORTFOLIO: ids}),
        "portfolios_observation": Observation.objects.filter(**{PORTFOLIO: ids}),
        "portfolios_evidenceamendment": EvidenceAmendment.objects.filter(
            evidence__portfolio__registration_id__in=ids
        ),
        "portfolios_observationamendment": ObservationAmendment.objects.filter(
            observation__portfolio__registration_id__in=ids
        ),
        "portfolios_feedbackrequest": FeedbackRequest.objects.filter(**{PORTFOLIO: ids}),
        "portfolios_learningagreement": LearningAgreement.objects.filter(**{PORTFOLIO: ids}),
        "portfolios_pdpobjective": PdpObjective.objects.filter(**{PORTFOLIO: ids}),
        "portfolios_selfassessmentrating": SelfAssessmentRating.objects.filter(
            self_assessment__portfolio__registration_id__in=ids
        ).exclude(comment=""),
    }


# The free text of each kind of record (by its table in ``_querysets``), blanked by ``anonymise``; the
# self-assessment's comments too, below.
FREE_TEXT = {
    "portfolios_evidence": ("title", "description", "reflection", "response_comment"),
    "portfolios_observation": (
        "observer_name",
        "setting",
        "preparation",
        "nqsw_reflection",
        "observer_assessment",
        "person_feedback",
    ),
    "portfolios_evidenceamendment": ("old_value", "new_value", "reason"),
    "portfolios_observationamendment": ("old_value", "new_value", "reason"),
    "portfolios_feedbackrequest": (
        "recipient_name",
        "recipient_email",
        "context",
        "what_went_well",
        "what_could_be_better",
        "anything_else",
    ),
    "portfolios_learningagreement": (
        "review_dates",
        "supervision_plan",
        "workload_arrangements",
        "protected_time",
        "other_support",
        "reason",
    ),
    "portfolios_pdpobjective": ("objective", "measure", "actions", "relevance", "progress"),
}


def _pack_files(ids: list[int]) -> list[str]:
    """The kept portfolio packs of these registrations (``portfolios.pack.pack_storage_name``)."""
    names = []
    for pk, employer_id in Registration.objects.filter(pk__in=ids).values_list("pk", "employer_id"):
        folder = f"employers/{employer_id}/packs/{pk}"
        try:
            _, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        names += [f"{folder}/{name}" for name in files]
    return names


def anonymise(batch: Batch) -> int:
    """Returns the rows changed; the files go through ``batch.delete_files``."""
    ids = batch.registration_ids
    files = EvidenceFile.objects.filter(evidence__portfolio__registration_id__in=ids)
    batch.delete_files(evidence_storage(), list(files.values_list("storage_name", flat=True)))
    changed, _ = files.delete()
    batch.delete_files(default_storage, _pack_files(ids))
    querysets = _querysets(ids)
    for table, fields in FREE_TEXT.items():
        changed += querysets[table].update(**dict.fromkeys(fields, ""))
    changed += SelfAssessmentRating.objects.filter(
        self_assessment__portfolio__registration_id__in=ids
    ).update(comment="")
    return changed


def preview(batch: Batch) -> dict[str, int]:
    return counts(_querysets(batch.registration_ids))


PARTS = [RetentionPart("portfolios", anonymise=anonymise, preview=preview, order=20)]
