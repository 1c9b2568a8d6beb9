"""Reviews and moderation: the 3-, 6- and 12-month reviews, support plans, the final recommendation, the
employer's internal moderation panel, and national moderation by the NQAP."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from asye.records import (
    Amendment,
    Authored,
    AuthoredVersioned,
    CreatedVersioned,
    Decided,
    Submitted,
    person_field,
)
from asye.tenancy.models import EmployerOwned, ServiceArea, employer_index, employer_unique

# --- Progressive assessment: reviews ---------------------------------------------------------------


class ReviewOutcome(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    NOT_ON_TRACK = "not_on_track", "Not on track"


class Review(EmployerOwned, AuthoredVersioned):
    """A review point from the framework (3, 6, 12 months for the ASYE; an extra review after a support
    plan). The assessor writes and signs; then the NQSW and the line manager comment and sign; then it is
    locked. Changes after locking are amendments with a reason, kept in ReviewAmendment."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Being written"
        AWAITING_COMMENTS = "awaiting_comments", "Waiting for comments and signatures"
        LOCKED = "locked", "Signed and locked"

    registration = models.ForeignKey(
        "programmes.Registration", on_delete=models.PROTECT, related_name="reviews"
    )
    month = models.PositiveSmallIntegerField(help_text="The review point, in months of the programme.")
    extra = models.BooleanField(default=False, help_text="An extra review set by a support plan.")
    due_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    progress_pcf = models.TextField(blank=True, help_text="Progress against the PCF domains.")
    progress_standards = models.TextField(blank=True, help_text="Progress against the PQS or KSS.")
    outcome = models.CharField(max_length=16, choices=ReviewOutcome.choices, blank=True)
    nqsw_comments = models.TextField(blank=True)
    line_manager_comments = models.TextField(blank=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    assessor_signed_by = person_field(optional=True)
    assessor_signed_at = models.DateTimeField(null=True, blank=True)
    nqsw_signed_by = person_field(optional=True)
    nqsw_signed_at = models.DateTimeField(null=True, blank=True)
    line_manager_signed_by = person_field(optional=True)
    line_manager_signed_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["registration", "month", "id"]
        indexes = [
            employer_index("status"),
            # The API's sync: keyset pages on (updated_at, id) (asye.api.pagination.SyncPagination).
            employer_index("updated_at", "id", name="reviews_review_sync_idx"),
            employer_index("month", "outcome"),
        ]
        constraints = [
            employer_unique(
                "registration", "month", condition=Q(extra=False), name="reviews_review_one_per_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month}-month review of registration {self.registration_id}"


class PracticeExample(EmployerOwned):
    """A practice example quoted in a review, linked to the portfolio evidence or observation it draws on."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="practice_examples")
    text = models.TextField()
    evidence = models.ForeignKey(
        "portfolios.Evidence", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    observation = models.ForeignKey(
        "portfolios.Observation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statement = models.ForeignKey(
        "portfolios.CapabilityStatement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        indexes = [employer_index("review")]


class ReviewAmendment(EmployerOwned, Amendment):
    """A change to a locked review: what changed, from what, to what, why and by whom."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="amendments")
    reason = models.TextField()

    class Meta(Amendment.Meta):
        indexes = [employer_index("review")]


class SupportPlan(EmployerOwned, AuthoredVersioned):
    """What a "not on track" review starts: actions with owners and dates, and an extra review."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    registration = models.ForeignKey(
        "programmes.Registration", on_delete=models.PROTECT, related_name="support_plans"
    )
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="support_plans")
    concerns = models.TextField(blank=True)
    extra_review = models.ForeignKey(
        Review, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [employer_index("status")]
        constraints = [employer_unique("review", name="reviews_supportplan_one_per_review")]


class SupportPlanAction(EmployerOwned):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField()
    owner = person_field(optional=True)
    owner_name = models.CharField(max_length=200, blank=True, help_text="When the owner is not a user.")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [employer_index("plan")]


# --- The end of the year: recommendation and the internal moderation panel -------------------------


class Recommendation(models.TextChoices):
    PASS = "pass", "Pass"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


class FinalRecommendation(EmployerOwned, AuthoredVersioned, Submitted):
    """The assessor's recommendation at 12 months, which the internal moderation panel endorses (the
    employer then owns the outcome) or refers back with reasons (the assessor revises and resubmits)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Being written"
        SUBMITTED = "submitted", "With the moderation panel"
        REFERRED_BACK = "referred_back", "Referred back"
        ENDORSED = "endorsed", "Endorsed"

    registration = models.ForeignKey(
        "programmes.Registration", on_delete=models.PROTECT, related_name="final_recommendations"
    )
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices)
    evidence_summary = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            employer_index("status"),
            employer_index("updated_at", "id", name="reviews_final_sync_idx"),
        ]
        constraints = [
            # One recommendation in play per registration; a referred-back one is revised, not duplicated.
            employer_unique(
                "registration",
                condition=Q(status__in=["draft", "submitted", "endorsed"]),
                name="reviews_finalrecommendation_one_in_play",
            )
        ]


class ModerationPanel(EmployerOwned, AuthoredVersioned):
    """A meeting of the employer's internal moderation panel."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    held_on = models.DateField()
    chair = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [employer_index("held_on")]


class PanelMember(EmployerOwned):
    panel = models.ForeignKey(ModerationPanel, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, help_text="e.g. Principal social worker, independent member.")
    user = person_field(optional=True)

    class Meta:
        ordering = ["id"]
        indexes = [employer_index("panel")]


class PanelDecision(EmployerOwned):
    """The panel's decision on one case: endorse the recommendation, or refer it back with reasons."""

    class Decision(models.TextChoices):
        ENDORSE = "endorse", "Endorse the recommendation"
        REFER_BACK = "refer_back", "Refer back to the assessor"

    panel = models.ForeignKey(ModerationPanel, on_delete=models.PROTECT, related_name="decisions")
    recommendation = models.ForeignKey(
        FinalRecommendation, on_delete=models.PROTECT, related_name="decisions"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices)
    reasons = models.TextField(blank=True)
    decided_by = person_field()
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [employer_unique("panel", "recommendation", name="reviews_paneldecision_once_per_case")]


# --- National moderation (NQAP) ---------------------------------------------------------------------


class ModerationRound(Authored):
    """A national moderation round: the strata national staff chose and the sample drawn. National only."""

    class Status(models.TextChoices):
        OPEN = "open", "Moderation under way"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    funding_year = models.CharField(max_length=7)
    strata = models.JSONField(default=dict, blank=True, help_text="The strata and how many from each.")
    seed = models.BigIntegerField(help_text="The random seed, so the draw can be reproduced.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ModerationCase(EmployerOwned, CreatedVersioned):
    """One portfolio in national moderation: sampled into a round or submitted voluntarily by its
    employer; moderated by one NQAP moderator (never from the same employer), whose findings the
    employer's co-ordinator receives."""

    class Source(models.TextChoices):
        SAMPLED = "sampled", "Sampled"
        VOLUNTARY = "voluntary", "Submitted voluntarily by the employer"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for a moderator"
        ASSIGNED = "assigned", "With a moderator"
        FINDINGS_SENT = "findings_sent", "Findings sent to the employer"

    class Agreement(models.TextChoices):
        # The answer to the moderator's question, which matches the case (reviews.moderation_selectors):
        # whether the evidence supports the assessor's recommendation, when there is one…
        AGREE = "agree", "The evidence supports the recommendation"
        PARTLY = "partly", "The evidence partly supports the recommendation"
        DISAGREE = "disagree", "The evidence does not support the recommendation"
        # …and, when there is none, whether it shows the NQSW meeting the capabilities at the expected level.
        MEETS = "meets", "The evidence shows the NQSW meeting the capabilities at the expected level"
        PARTLY_MEETS = "partly_meets", "The evidence shows some of the capabilities at the expected level"
        NOT_MET = "not_met", "The evidence does not show the capabilities at the expected level"

    portfolio = models.ForeignKey("portfolios.Portfolio", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(
        ModerationRound, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    stratum = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    moderator = person_field(optional=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    agreement = models.CharField(max_length=16, choices=Agreement.choices, blank=True)
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    advice = models.TextField(blank=True)
    findings_sent_at = models.DateTimeField(null=True, blank=True)
    submitted_by = person_field(optional=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            employer_index("status"),
            models.Index(fields=["moderator", "status"], name="reviews_case_moderator_idx"),
        ]
        constraints = [employer_unique("portfolio", name="reviews_moderationcase_once_per_portfolio")]


class Exemplar(AuthoredVersioned):
    """An annotated, anonymised extract of practice evidence in the NQAP's library. National only."""

    title = models.CharField(max_length=200)
    service_area = models.CharField(max_length=32, choices=ServiceArea.choices, blank=True)
    statement = models.ForeignKey(
        "portfolios.CapabilityStatement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extract = models.TextField(help_text="The anonymised extract.")
    annotation = models.TextField(help_text="What makes it good, and what could be stronger.")
    published = models.BooleanField(default=False)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class GoodPracticeApplication(EmployerOwned, Decided):
    """An employer's application for the NQAP's good-practice endorsement, and national staff's decision."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        ENDORSED = "endorsed", "Endorsed"
        NOT_ENDORSED = "not_endorsed", "Not endorsed"

    title = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    decision_note = models.TextField(blank=True)
    submitted_by = person_field()
    submitted_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [employer_index("status")]
