"""Settings for the load benchmarks only (benchmarks/load.py): production settings, plus two bare views.

PostgreSQL as the application role (row-level security in force) and Redis come from DATABASE_URL and
REDIS_URL as in production; DEBUG stays off. What differs, for a benchmark on a local HTTP port only:
no HTTPS redirect or secure-only cookies, no second factor demanded of the demo logins (they have none),
API rate limits out of the way, and ``benchmarks.urls_bench`` adds the bare view and the bare one-row
lookup the product's pages are compared with. Never use this module for anything but a benchmark.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-service-0123456789")
os.environ.setdefault("ASYE_API_RATE", "100000000/minute")
os.environ.setdefault("ASYE_INSECURE_HTTP", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

from asye.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "benchmarks.urls_bench"
ASYE_MFA_REQUIRED = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
