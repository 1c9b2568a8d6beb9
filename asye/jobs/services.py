"""Starting a background job: ``job_start`` records it and hands its id to Celery (``asye.jobs.tasks``)
once the transaction commits; ``asye.jobs.runner`` runs it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from asye.audit.services import audited_create
from asye.jobs.kinds import job_kind
from asye.jobs.models import Job
from asye.jobs.tasks import job_send

if TYPE_CHECKING:
    from asye.accounts.actor import Actor



def _safe_back_url(url: str) -> str:
    """Only a path on this site: never another site's address."""
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else ""


@transaction.atomic
def job_start(
    *,
    actor: Actor,
    kind: str,
    label: str,
    params: dict | None = None,
    national: bool = False,
    back_url: str = "",
    total: int = 0,
) -> Job:
    """Record a job for the actor (for their employer, or national with ``national=True``) and run it
    once the transaction commits. The caller has decided the actor may have what it makes. A job of the
    same kind and parameters that the same person started and that has not finished is returned instead
    of starting another (a second press of the button)."""
    job_kind(kind)  # fail now, not in the worker, for a kind nobody registered
    if national and not actor.national_roles:
        raise PermissionDenied("Only national staff run national jobs.")
    if not national and actor.employer_id is None:
        raise PermissionDenied("Choose the employer you are acting for first.")
    employer_id = None if national else actor.employer_id
    params = params or {}
    waiting = (
        Job.objects.filter(
            employer_id=employer_id,
            created_by_id=actor.user.pk,
            kind=kind,
            params=params,
            status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
        )
        .order_by("-created_at")
        .first()
    )
    if waiting is not None:
        return waiting
    job = audited_create(
        Job,
        actor=actor,
        action="job.started",
        audit=("kind", "label"),
        employer_id=employer_id,
        kind=kind,
        label=label[:200],
        params=params,
        back_url=_safe_back_url(back_url)[:300],
        created_by=actor.user,
        progress_total=total,
    )
    job_id = job.pk
    transaction.on_commit(lambda: job_send(job_id, employer_id))
    return job

