"""Settings of the worker the SIGKILL drill starts (tests/notifications/test_worker_drill.py): production's,
with a short visibility timeout (so the task a killed worker held comes back within seconds) and emails
written to files the drill counts."""

import os

from asye.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 5}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["ASYE_DRILL_MAILDIR"]
