"""An NQSW's equality monitoring answers (every question can be answered 'prefer not to say'), the
disclosure rule national staff set, and the snapshots of figures that may be shown."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from asye.records import person_field
from asye.tenancy.models import EmployerOwned, employer_index, employer_unique
from equality.disclosure import DEFAULT_MINIMUM_ANSWERS, LOWEST_MINIMUM_ANSWERS

PREFER_NOT_TO_SAY = ("prefer_not_to_say", "Prefer not to say")


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "In another way"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class AgeBand(models.TextChoices):
    UNDER_25 = "under_25", "Under 25"
    FROM_25_TO_34 = "25_34", "25 to 34"
    FROM_35_TO_44 = "35_44", "35 to 44"
    FROM_45_TO_54 = "45_54", "45 to 54"
    FROM_55 = "55_plus", "55 and over"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class EthnicGroup(models.TextChoices):
    """The GOV.UK list of ethnic groups (the five high-level groups)."""

    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Nationality(models.TextChoices):
    BRITISH = "british", "British"
    IRISH = "irish", "Irish"
    EU = "eu", "A citizen of an EU country"
    OTHER = "other", "Another nationality"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Disability(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class EqualityMonitoring(EmployerOwned):
    """One NQSW's answers for one registration. The age band is stored, not the date of birth."""

    class Source(models.TextChoices):
        SELF = "self", "Given by the NQSW"
        LEGACY_IMPORT = "legacy_import", "Imported from the national legacy portal"

    registration = models.OneToOneField("programmes.Registration", on_delete=models.PROTECT, related_name="+")
    person = person_field(optional=True)
    gender = models.CharField(max_length=32, choices=Gender.choices)
    age_band = models.CharField(max_length=32, choices=AgeBand.choices)
    ethnic_group = models.CharField(max_length=32, choices=EthnicGroup.choices)
    ethnicity_detail = models.CharField(max_length=100, blank=True, help_text="The detailed GOV.UK category.")
    nationality = models.CharField(max_length=32, choices=Nationality.choices)
    disability = models.CharField(max_length=32, choices=Disability.choices)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.SELF)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [employer_index("registration")]

    def __str__(self) -> str:
        return f"Equality monitoring for registration {self.registration_id}"


class EqualityDisclosureRule(models.Model):
    """The minimum number of answers below which no equality table is shown (one row; national staff
    change it in the admin, audited). Read by the snapshot job only: the figures it makes record the
    minimum they used. National-only row-level security."""

    minimum_answers = models.PositiveIntegerField(
        default=DEFAULT_MINIMUM_ANSWERS,
        validators=[MinValueValidator(LOWEST_MINIMUM_ANSWERS), MaxValueValidator(1000)],
        help_text=(
            f"No equality table is shown for a group of NQSWs until at least this many have answered, and "
            f"shown figures change only once this many answers have been given or changed since. At least "
            f"{LOWEST_MINIMUM_ANSWERS}. A change applies from each group's next snapshot."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "equality disclosure rule"

    def __str__(self) -> str:
        return f"Equality tables need at least {self.minimum_answers} answers"


class SnapshotFields(models.Model):
    """Figures that may be shown, as ``equality.disclosure.publish`` made them (JSON), taken at a moment.

    A snapshot is shown from the day after the day it was taken (``taken_on``, London): an answer never
    shows the day it was given. It holds no count that is not shown.
    """

    funding_year = models.CharField(max_length=7)
    taken_on = models.DateField()
    taken_at = models.DateTimeField()
    minimum_answers = models.PositiveIntegerField()
    figures = models.JSONField()

    class Meta:
        abstract = True


class EqualitySnapshot(EmployerOwned, SnapshotFields):
    """One employer's figures for one funding year, as they may be shown to its co-ordinators."""

    class Meta:
        constraints = [employer_unique("funding_year", "taken_on", name="equality_snapshot_one_a_day")]
        indexes = [employer_index("funding_year", "-taken_on")]

    def __str__(self) -> str:
        return f"Equality figures {self.funding_year} taken on {self.taken_on}"


class EqualityNationalSnapshot(SnapshotFields):
    """Everyone's figures for one funding year, for national staff. National-only row-level security."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["funding_year", "taken_on"], name="equality_national_one_a_day")
        ]
        indexes = [models.Index(fields=["funding_year", "-taken_on"])]

    def __str__(self) -> str:
        return f"National equality figures {self.funding_year} taken on {self.taken_on}"
