"""The Celery application. Tasks take ids, refetch inside the tenant context and call a service."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asye.settings")

app = Celery("asye")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _resend_lost_jobs(sender=None, **kwargs):
    """A worker that starts (after a crash, or with a broker that came back empty) first has the jobs whose
    tasks were lost sent again (``asye.jobs.recovery``); the minute sweep does the same while workers run."""
    sender.app.send_task("asye.jobs.tasks.jobs_resend_stalled")
