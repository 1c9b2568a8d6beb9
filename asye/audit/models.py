"""The single audit trail written by services."""

from django.db import models

from asye.records import person_field
from asye.tenancy.models import EmployerOrNational, employer_index


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The trail of the employer the actor is acting for."""
        if actor.employer_id is None:
            return self.none()
        return self.filter(employer_id=actor.employer_id)


class AuditEvent(EmployerOrNational):
    """Who did what to which object, for which employer, and what changed.

    ``employer`` is empty for national and account events. The trail is append-only: in PostgreSQL the
    application role has no UPDATE or DELETE on this table (``asye.tenancy.pgroles.APPEND_ONLY_TABLES``),
    and a person with events in it cannot be deleted (PROTECT), only made inactive.
    """

    actor_user = person_field(optional=True)
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
            employer_index("-created_at"),
            employer_index("object_type", "object_id"),
            employer_index("action"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
