"""Portfolios: the capability frameworks evidence is mapped to (reference data), and each NQSW's portfolio
of evidence, observations, feedback, learning agreement, PDP and self-assessments."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from asye.records import Amendment, Authored, AuthoredVersioned, CreatedVersioned, person_field
from asye.tenancy.models import EmployerOwned, ServiceArea, employer_index, employer_unique

# --- Reference data: capability frameworks, edited by national staff in the admin ---------------------


class CapabilitySet(models.Model):
    """One version of a capability framework: the PCF, the child and family PQS, the adults KSS, or a
    successor such as the early career standards. Published versions are frozen; a portfolio keeps the
    versions it started with, so both old and new sets live side by side."""

    class Kind(models.TextChoices):
        PCF = "pcf", "Professional Capabilities Framework"
        STANDARDS = "standards", "Post-qualifying standards"

    code = models.SlugField(max_length=50, help_text="Stable across versions, e.g. pcf, cf-pqs, adults-kss.")
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=20, help_text="Used in tags and tables, e.g. PCF, PQS, KSS.")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    service_area = models.CharField(
        max_length=32, choices=ServiceArea.choices, blank=True, help_text="Empty when it applies to all."
    )
    has_self_assessment = models.BooleanField(
        default=False, help_text="NQSWs rate themselves against it at the start, midway and near the end."
    )
    source = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty for a draft; new portfolios take the newest published version.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="portfolios_capset_unique")]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class CapabilityStatement(models.Model):
    """A PCF domain or a PQS/KSS statement, numbered within its set."""

    capability_set = models.ForeignKey(CapabilitySet, on_delete=models.PROTECT, related_name="statements")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["capability_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["capability_set", "number"], name="portfolios_statement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.capability_set.short_name} {self.number}: {self.title}"

    @property
    def label(self) -> str:
        return f"{self.capability_set.short_name} {self.number}"


# --- The portfolio -------------------------------------------------------------------------------------


class Portfolio(EmployerOwned):
    """An NQSW's portfolio for one registration. The NQSW owns it; their assessor, line manager and
    co-ordinator read it; NQAP moderators only once it is submitted for moderation."""

    registration = models.OneToOneField(
        "programmes.Registration", on_delete=models.PROTECT, related_name="portfolio"
    )
    capability_sets = models.ManyToManyField(
        CapabilitySet, through="PortfolioCapabilitySet", related_name="+"
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When it went to the internal panel and may be sampled nationally."
    )
    submitted_by = person_field(optional=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [employer_index("submitted_at")]

    def __str__(self) -> str:
        return f"Portfolio of registration {self.registration_id}"


class PortfolioCapabilitySet(EmployerOwned):
    """A capability framework version the portfolio is mapped to, fixed when the portfolio starts."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="+")
    capability_set = models.ForeignKey(CapabilitySet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [employer_unique("portfolio", "capability_set", name="portfolios_portfolioset_unique")]


class CapabilityTag(EmployerOwned):
    """A record mapped to a capability statement (its ``statements``): one row per statement, the through
    table of evidence's and observations' tags."""

    statement = models.ForeignKey(CapabilityStatement, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class Evidence(EmployerOwned, AuthoredVersioned):
    """Evidence of progression: a text entry or uploaded documents, mapped to the capabilities it
    supports, with the NQSW's critical reflection; shared with the assessor, who responds."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SHARED = "shared", "Shared with assessor"
        ACCEPTED = "accepted", "Accepted"
        MORE_NEEDED = "more_needed", "More needed"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="The evidence itself, for a text entry.")
    reflection = models.TextField(blank=True, help_text="The NQSW's critical reflection.")
    occurred_on = models.DateField(null=True, blank=True)
    statements = models.ManyToManyField(CapabilityStatement, through="EvidenceTag", related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    shared_at = models.DateTimeField(null=True, blank=True)
    response_comment = models.TextField(blank=True)
    responded_by = person_field(optional=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [employer_index("portfolio", "status")]

    def __str__(self) -> str:
        return self.title


class EvidenceTag(CapabilityTag):
    """Evidence → a capability statement it supports."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="tags")

    class Meta:
        constraints = [employer_unique("evidence", "statement", name="portfolios_evidencetag_unique")]


class EvidenceFile(EmployerOwned):
    """An uploaded document. Stored under a server-made name below the employer's prefix; served only
    through a view that checks the reader's right, as an attachment."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="files")
    storage_name = models.CharField(max_length=300, unique=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = person_field()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [employer_index("evidence")]

    def __str__(self) -> str:
        return self.original_name


class Observation(EmployerOwned, AuthoredVersioned):
    """A direct observation of practice (the framework sets how many: 3 for the ASYE)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        COMPLETE = "complete", "Complete"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="observations")
    number = models.PositiveSmallIntegerField()
    observer = person_field(optional=True)
    observer_name = models.CharField(max_length=200, blank=True, help_text="When not a user of the service.")
    observed_on = models.DateField()
    setting = models.CharField(max_length=300)
    preparation = models.TextField(blank=True, help_text="The NQSW's preparation.")
    nqsw_reflection = models.TextField(blank=True)
    observer_assessment = models.TextField(blank=True)
    person_feedback = models.TextField(blank=True, help_text="The feedback of the person observed.")
    statements = models.ManyToManyField(CapabilityStatement, through="ObservationTag", related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        ordering = ["number", "id"]
        constraints = [employer_unique("portfolio", "number", name="portfolios_observation_unique_number")]


class ObservationTag(CapabilityTag):
    """An observation → a capability statement it shows."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="tags")

    class Meta:
        constraints = [employer_unique("observation", "statement", name="portfolios_observationtag_unique")]


# --- Amendments of assessed records ------------------------------------------------------------------


class RecordAmendment(EmployerOwned, Amendment):
    """A change to what an assessor relied on, once they have assessed it (a complete observation,
    accepted evidence): the field, its old and new value as people read them, why, by whom and when.
    The NQSW's later reflection on such a record is kept the same way, with no old value or reason."""

    LATER_REFLECTION = "later_reflection"

    reason = models.TextField(blank=True, help_text="Empty only for a later reflection.")

    class Meta(Amendment.Meta):
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason="") | Q(field="later_reflection"),
                name="portfolios_%(class)s_reason",
            )
        ]


class ObservationAmendment(RecordAmendment):
    observation = models.ForeignKey(Observation, on_delete=models.PROTECT, related_name="amendments")

    class Meta(RecordAmendment.Meta):
        indexes = [employer_index("observation")]


class EvidenceAmendment(RecordAmendment):
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="amendments")

    class Meta(RecordAmendment.Meta):
        indexes = [employer_index("evidence")]


class FeedbackRequest(EmployerOwned, Authored):
    """A single-use link the NQSW sends to someone they worked with, who answers without an account.

    Only the hash of the link's secret is stored; the row is found by it (row-level security lets the
    holder of the secret read this one row). It expires, and a used link cannot be used again."""

    class Kind(models.TextChoices):
        PERSON = "person", "A person who draws on care and support (or their family or carer)"
        CHILD = "child", "A child or young person"
        PROFESSIONAL = "professional", "Another professional"

    class Status(models.TextChoices):
        SENT = "sent", "Waiting for an answer"
        ANSWERED = "answered", "Answered"
        CANCELLED = "cancelled", "Cancelled"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="feedback_requests")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    recipient_name = models.CharField(
        max_length=200, help_text="For the NQSW's own list; not shown publicly."
    )
    recipient_email = models.EmailField(blank=True)
    context = models.CharField(max_length=300, help_text="What the feedback is about, shown on the form.")
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    # The answers: plain-language questions (simpler wording for children).
    what_went_well = models.TextField(blank=True)
    what_could_be_better = models.TextField(blank=True)
    felt_listened_to = models.CharField(max_length=16, blank=True)
    anything_else = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [employer_index("portfolio", "status")]


class LearningAgreement(EmployerOwned, AuthoredVersioned):
    """The support and assessment agreement. Each revision is signed by the NQSW, the assessor and the
    line manager; a change of assessor starts a new revision that all three sign again."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="agreements")
    revision = models.PositiveSmallIntegerField()
    assessor = person_field(optional=True)
    line_manager = person_field(optional=True)
    review_dates = models.TextField(help_text="When the reviews will be held.")
    supervision_plan = models.TextField()
    workload_arrangements = models.TextField()
    protected_time = models.TextField(help_text="How protected development time will be taken.")
    other_support = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True, help_text="Why this revision, e.g. a new assessor.")
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When the last of the three signed.")

    class Meta:
        ordering = ["-revision"]
        constraints = [employer_unique("portfolio", "revision", name="portfolios_agreement_unique_revision")]


class AgreementSignature(EmployerOwned):
    class SignedAs(models.TextChoices):
        NQSW = "nqsw", "NQSW"
        ASSESSOR = "assessor", "Assessor"
        LINE_MANAGER = "line_manager", "Line manager"

    agreement = models.ForeignKey(LearningAgreement, on_delete=models.PROTECT, related_name="signatures")
    signed_as = models.CharField(max_length=16, choices=SignedAs.choices)
    signed_by = person_field()
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [employer_unique("agreement", "signed_as", name="portfolios_signature_once_per_role")]


class PdpObjective(EmployerOwned, AuthoredVersioned):
    """A professional development plan objective: SMART, so it has a measure and a date."""

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "No longer relevant"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="objectives")
    objective = models.TextField(help_text="Specific: what will be different.")
    measure = models.TextField(help_text="Measurable: how we will know it is achieved.")
    actions = models.TextField(blank=True, help_text="Achievable: the steps and the support needed.")
    relevance = models.TextField(blank=True, help_text="Relevant: why it matters to the NQSW's practice.")
    achieve_by = models.DateField(help_text="Time-bound.")
    statement = models.ForeignKey(
        CapabilityStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    progress = models.TextField(blank=True)

    class Meta:
        ordering = ["achieve_by", "id"]
        indexes = [employer_index("portfolio", "status")]


class SelfAssessment(EmployerOwned, CreatedVersioned):
    """The NQSW's self-assessment against the standards at the start, midway and near the end."""

    class Stage(models.TextChoices):
        START = "start", "Start of the programme"
        MIDWAY = "midway", "Midway"
        END = "end", "Near the end"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="self_assessments")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    capability_set = models.ForeignKey(CapabilitySet, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [employer_unique("portfolio", "stage", name="portfolios_selfassessment_unique_stage")]


class SelfAssessmentRating(EmployerOwned):
    class Level(models.IntegerChoices):
        NOT_YET = 1, "Not yet confident"
        DEVELOPING = 2, "Developing"
        CONFIDENT = 3, "Confident"
        STRENGTH = 4, "A strength"

    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    statement = models.ForeignKey(CapabilityStatement, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        choices=Level.choices, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            employer_unique("self_assessment", "statement", name="portfolios_rating_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="portfolios_rating_level"),
        ]
