"""The Celery application. Tasks take ids, refetch inside the tenant context and call a service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asye.settings")

app = Celery("asye")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
