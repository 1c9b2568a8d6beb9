"""The single audit trail written by services."""

from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The trail of the employer the actor is acting for."""
        if actor.employer_id is None:
            return self.none()
        return self.filter(employer_id=actor.employer_id)


class AuditEvent(models.Model):
    """Who did what to which object, for which employer, and what changed.

    ``employer`` is empty for national and account events. The trail is append-only: in PostgreSQL the
    application role has no UPDATE or DELETE on this table (``asye.tenancy.pgroles.APPEND_ONLY_TABLES``),
    and a person with events in it cannot be deleted (PROTECT), only made inactive.
    """

    employer = models.ForeignKey(
        "tenancy.Employer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["employer", "-created_at"]),
            models.Index(fields=["employer", "object_type", "object_id"]),
            models.Index(fields=["employer", "action"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
