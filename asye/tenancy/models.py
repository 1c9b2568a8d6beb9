"""Employers (the tenants) and the base every employer-owned model inherits."""

from __future__ import annotations

from typing import Protocol

from django.db import models


class ActsForEmployer(Protocol):
    """What scoping reads of whoever is acting: the employer they act for. ``asye.accounts.actor.Actor``
    is the one implementation; naming only this keeps the tenancy models free of the accounts app, which
    builds on them."""

    @property
    def employer_id(self) -> int | None: ...


class EmployerType(models.TextChoices):
    # Spelled as in the national annual report's tables.
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    PVI = "pvi", "Private, voluntary and independent (PVI)"
    FOSTERING = "fostering", "Fostering"
    NHS = "nhs", "NHS"
    SCHOOL = "school", "School"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE_AND_HUMBER = "yorkshire_and_humber", "Yorkshire and Humber"
    EAST_OF_ENGLAND = "east_of_england", "East of England"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    LONDON = "london", "London"


class ServiceArea(models.TextChoices):
    CHILD_AND_FAMILY = "child_and_family", "Child and family"
    ADULTS = "adults", "Adults"


class EmployerQuerySet(models.QuerySet):
    def visible_to(self, actor: ActsForEmployer) -> EmployerQuerySet:
        """The employer the actor is acting for, and nothing else."""
        if actor.employer_id is None:
            return self.none()
        return self.filter(pk=actor.employer_id)


class Employer(models.Model):
    """An organisation that employs NQSWs and runs the ASYE: the platform's tenant."""

    name = models.CharField(max_length=200)
    employer_type = models.CharField(max_length=32, choices=EmployerType.choices)
    region = models.CharField(max_length=32, choices=Region.choices)
    serves_child_and_family = models.BooleanField("Child and family services", default=False)
    serves_adults = models.BooleanField("Adult services", default=False)
    primary_contact_name = models.CharField(max_length=200, blank=True)
    primary_contact_email = models.EmailField(blank=True)
    primary_contact_phone = models.CharField(max_length=40, blank=True)
    # The employer's reference in the national legacy portal, for imports of past cohorts.
    legacy_ref = models.CharField(max_length=64, blank=True, null=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="tenancy_employer_unique_name")]
        indexes = [models.Index(fields=["employer_type", "region"])]

    def __str__(self) -> str:
        return self.name

    @property
    def service_areas(self) -> list[str]:
        areas = []
        if self.serves_child_and_family:
            areas.append(ServiceArea.CHILD_AND_FAMILY.label)
        if self.serves_adults:
            areas.append(ServiceArea.ADULTS.label)
        return areas


class EmployerOwnedQuerySet(models.QuerySet):
    def visible_to(self, actor: ActsForEmployer) -> EmployerOwnedQuerySet:
        """Rows of the employer the actor is acting for; none at all when there is no such employer."""
        if actor.employer_id is None:
            return self.none()
        return self.filter(employer_id=actor.employer_id)

    def for_employer(self, employer_id: int) -> EmployerOwnedQuerySet:
        return self.filter(employer_id=employer_id)


class EmployerOwned(models.Model):
    """Base of every tenant-owned model, child rows too.

    Subclasses put ``employer`` first in their indexes and unique constraints, and their migration
    enables row-level security with ``asye.tenancy.rls.EnableRowLevelSecurity``.
    """

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")

    objects = EmployerOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class EmployerOrNational(models.Model):
    """Base of the rows that belong to an employer or, with no employer, to the national scope (an audit
    event, a job, a notification, an email): their row-level security policies give the rows with no
    employer to the national scope alone. Not ``EmployerOwned``: each reads its rows through its own
    ``visible_to``."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        abstract = True


def employer_index(*fields: str, **options) -> models.Index:
    """An index of a table whose rows carry an employer: ``employer`` first, as every read of an employer's
    rows filters on it (its row-level security policy too), then ``fields``. ``options`` (``name``,
    ``condition``) as ``models.Index`` takes them."""
    return models.Index(fields=["employer", *fields], **options)


def employer_unique(*fields: str, name: str, **options) -> models.UniqueConstraint:
    """``fields`` unique within one employer: a unique constraint led by ``employer``, so the index behind
    it serves that employer's reads too. ``options`` (``condition``) as ``models.UniqueConstraint`` takes
    them."""
    return models.UniqueConstraint(fields=["employer", *fields], name=name, **options)
