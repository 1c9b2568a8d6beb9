"""Employer-scoped API tokens, national staff's API tokens and the record of idempotent POSTs."""

from django.db import models
from django.db.models import Q

from asye.records import Authored, person_field
from asye.tenancy.models import EmployerOwned, employer_index, employer_unique


class SecretToken(Authored):
    """What every API token holds: a name, the SHA-256 of its secret (the secret itself is shown once,
    when it is created, and never stored), the first characters to tell tokens apart, who created it,
    when it was last used and whether it was revoked."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = person_field(optional=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


def one_active_name_per(owner: str, *, name: str) -> models.UniqueConstraint:
    """No two of one owner's tokens that are not revoked share a name (a revoked token's name is free
    again): the owner is the employer for an employer's tokens, the person for national ones."""
    return models.UniqueConstraint(fields=[owner, "name"], condition=Q(revoked_at__isnull=True), name=name)


class ApiToken(EmployerOwned, SecretToken):
    """A secret an employer's own systems use to call the API as that employer.

    A token acts with the roles its creator holds at the employer at the time of each call, so it stops
    working when the creator stops being a co-ordinator there.
    """

    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta(SecretToken.Meta):
        indexes = [employer_index("-created_at")]
        constraints = [one_active_name_per("employer", name="api_apitoken_unique_active_name")]


class IdempotencyRecord(EmployerOwned):
    """The response to a POST made with an ``Idempotency-Key``, replayed if the same POST comes again."""

    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [employer_unique("key", "method", "path", name="api_idempotency_unique_key")]
        indexes = [employer_index("created_at")]


class NationalApiToken(SecretToken):
    """A secret a national staff member's own systems use to call the national endpoints
    (``/api/v1/national/…``) as them: read-only figures across employers, each call read in the audited
    national scope. Not an employer's: it cannot call any employer endpoint.

    Hashed and shown once as an employer's token is; it always expires (national access is time-limited),
    and it acts with its creator's national role at the time of each call, so it stops working when they
    stop being national staff. Its row is readable only by the national scope and, while authenticating,
    by whoever presents its secret (the api migration)."""

    expires_at = models.DateTimeField()

    # Read by the shared API layer (asye.tenancy.api, throttling) without importing this model.
    is_national = True

    class Meta(SecretToken.Meta):
        indexes = [models.Index(fields=["created_by", "-created_at"])]
        constraints = [one_active_name_per("created_by", name="api_nationalapitoken_unique_active_name")]
