"""Settings for the test suite: PostgreSQL with row-level security and Redis, as in production.

The defaults below match the machines' local services; scripts/test creates the roles and database.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("ASYE_TESTING", "1")
os.environ.setdefault("DATABASE_URL", "postgresql://asye_app@127.0.0.1:5432/asye_test")
os.environ.setdefault("DATABASE_OWNER_URL", "postgresql://asye_owner@127.0.0.1:5432/asye_test")
os.environ.setdefault("ASYE_DB_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/10")
os.environ.setdefault("ASYE_CACHE_PREFIX", "asye-test")

# Under pytest-xdist (scripts/test runs the suite on every core) each worker has a database and a Redis
# database of its own: the database name gets the worker's id (asye_test_gw0, asye_test_gw1...) and the
# Redis database number the worker's index (.../10 gives gw0 10, gw1 11...; Redis has 16 and the benchmarks
# use 14, hence the default of 10 and scripts/test's 4 workers at most). Done once per process tree: a
# subprocess that a test starts inherits the adjusted URLs and must not add the suffix again.
REDIS_DATABASES = 16  # Redis's default number of databases (`databases` in redis.conf)


def _per_worker(url: str, worker: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"{parts.path.rstrip('/')}_{worker}").geturl()


def _redis_per_worker(url: str, index: int) -> str:
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + index
    if number >= REDIS_DATABASES:
        raise ImproperlyConfigured(
            f"pytest-xdist worker {index} would use Redis database {number} of {url}: Redis has "
            f"{REDIS_DATABASES} (0-{REDIS_DATABASES - 1}). Give REDIS_URL a lower database number or run "
            "fewer workers (scripts/test -n N)."
        )
    return parts._replace(path=f"/{number}").geturl()


_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.environ.get("ASYE_TEST_WORKER_URLS") != _worker:
    for _name in ("DATABASE_URL", "DATABASE_OWNER_URL"):
        os.environ[_name] = _per_worker(os.environ[_name], _worker)
    os.environ["REDIS_URL"] = _redis_per_worker(os.environ["REDIS_URL"], int(_worker.removeprefix("gw")))
    os.environ["ASYE_TEST_WORKER_URLS"] = _worker
# Playwright's sync API runs an event loop in the test thread; the test code itself stays synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from asye.settings import *  # noqa: E402, F403

# Tasks run in the test's own process and transaction; Redis still backs the cache and rate limits.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ASYE_MFA_REQUIRED = True
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Uploaded files go to a directory of this test run's own, never the project's media/ folder.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="asye-test-media-"))
