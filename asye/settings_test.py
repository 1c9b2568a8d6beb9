"""Settings for the test suite: PostgreSQL with row-level security and Redis, as in production.

The defaults below match the machines' local services; scripts/test creates the roles and database.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("ASYE_TESTING", "1")
os.environ.setdefault("DATABASE_URL", "postgresql://asye_app@127.0.0.1:5432/asye_test")
os.environ.setdefault("DATABASE_OWNER_URL", "postgresql://asye_owner@127.0.0.1:5432/asye_test")
os.environ.setdefault("ASYE_DB_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("ASYE_CACHE_PREFIX", "asye-test")
# Playwright's sync API runs an event loop in the test thread; the test code itself stays synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from asye.settings import *  # noqa: F403

# Tasks run in the test's own process and transaction; Redis still backs the cache and rate limits.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ASYE_MFA_REQUIRED = True
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Uploaded files go to a directory of this test run's own, never the project's media/ folder.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="asye-test-media-"))
