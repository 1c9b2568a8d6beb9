"""Employer-scoped API tokens and the record of idempotent POSTs."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from asye.tenancy.models import EmployerOwned


class ApiToken(EmployerOwned):
    """A secret an employer's own systems use to call the API as that employer.

    Only the SHA-256 of the secret is stored; the secret is shown once, when it is created. A token acts
    with the roles its creator holds at the employer at the time of each call, so it stops working
    when the creator stops being a co-ordinator there.
    """

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

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

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


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
