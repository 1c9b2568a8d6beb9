"""Employer-scoped API tokens, national staff's API tokens and the record of idempotent POSTs."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from asye.tenancy.models import EmployerOwned


class SecretToken(models.Model):
    """What every API token holds: a name, the SHA-256 of its secret (the secret itself is shown once,
    when it is created, and never stored), the first characters to tell tokens apart, who created it,
    when it was last used and whether it was revoked."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiToken(EmployerOwned, SecretToken):
    """A secret an employer's own systems use to call the API as that employer.

    A token acts with the roles its creator holds at the employer at the time of each call, so it stops
    working when the creator stops being a co-ordinator there.
    """

    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["employer", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_apitoken_unique_active_name",
            )
        ]


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
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "key", "method", "path"], name="api_idempotency_unique_key"
            )
        ]
        indexes = [models.Index(fields=["employer", "created_at"])]


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

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_nationalapitoken_unique_active_name",
            )
        ]
