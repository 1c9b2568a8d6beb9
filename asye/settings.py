"""Settings for the ASYE platform, read from the environment with safe defaults.

With no DATABASE_URL the platform runs on SQLite in the project folder; with no REDIS_URL Celery runs
tasks eagerly and the cache is in process. Production and the test suite set both (see docs/operations.md).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
TESTING = env_bool("ASYE_TESTING", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production-" + "x" * 20
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see docs/operations.md)."
        )

# Old keys still accepted for signatures while a new key rolls out (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "asye.web.admin_apps.NationalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Cross-cutting apps.
    "asye.tenancy",
    "asye.accounts",
    "asye.audit",
    "asye.api",
    "asye.web",
    "asye.files",
    "asye.jobs",
    "asye.notifications",
    "asye.operations",
    # Domain apps.
    "programmes",
    "portfolios",
    "reviews",
    "funding",
    "forums",
    "evaluations",
    "surveys",
    "assurance",
    "reporting",
    "equality",
    # The demo data's command (manage.py seed_demo), which gathers every app's demo.
    "demo",
]

# What each domain app adds to the cross-cutting apps' pages and lists, which never import a domain app
# themselves (asye.contributions): navigation entries, home-page sections and API routes, in this order.
ASYE_CONTRIBUTIONS = {
    "navigation": [
        "portfolios.navigation",
        "reviews.navigation",
        "funding.navigation",
        "reporting.navigation",
        "evaluations.navigation",
        "surveys.navigation",
        "assurance.navigation",
        "forums.navigation",
        "asye.jobs.navigation",
    ],
    "home_sections": [
        "programmes.home",
        "reviews.home",
        "portfolios.home",
        "funding.home",
        "assurance.home",
        "forums.home",
    ],
    "api_routes": [
        "programmes.api_routes",
        "funding.api_routes",
        "reviews.api_routes",
        "evaluations.api_routes",
        "forums.api_routes",
        "surveys.api_routes",
    ],
    # The audit trail in words (asye.audit.readable): each app's audit_sentences.py declares SENTENCES.
    "audit_sentences": ["programmes.audit_sentences", "funding.audit_sentences"],
    # Kinds of background job (asye.jobs.kinds): payment statement exports, the portfolio pack.
    "job_kinds": [
        "funding.jobs",
        "portfolios.jobs",
        "reporting.jobs",
        "programmes.jobs",
        "reviews.jobs",
        "reporting.equity_jobs",
        "evaluations.jobs",
    ],
    # Retention (asye.retention): each app's retention.py declares PARTS (reporting.retention runs them).
    "retention": [
        *("programmes.retention", "portfolios.retention", "reviews.retention", "equality.retention"),
        *("funding.retention", "assurance.retention", "forums.retention", "evaluations.retention"),
        *("asye.notifications.retention", "asye.jobs.retention", "asye.audit.retention"),
        "asye.accounts.retention",
    ],
    # What follows a person being given a role (asye.accounts.welcome): forum invitations at once.
    "membership_created": ["forums.welcome"],
    # Reminder scans (asye.notifications.reminders): each app's reminders.py declares SCANS.
    "reminders": [
        "programmes.reminders",
        "portfolios.reminders",
        "reviews.reminders",
        "funding.reminders",
        "evaluations.reminders",
        "assurance.reminders",
        "forums.reminders",
    ],
    # Sections of the national overview (/national/): reporting's registrations for a chosen year and area.
    "national_overview": ["reporting.overview"],
}

# The service navigation (asye.web.navigation) names domain apps, so it is set here: its sections in header
# order; the sections that fold into another (in this order) while a person would see more than six; the
# section of an app's entries that name none (an app named like a section goes to it); and, with those, of a
# page that no entry's URL leads to (a portfolio a co-ordinator opens), by its URL namespace.
ASYE_NAVIGATION = {
    "sections": ("home", "nqsws", "registrations", "reviews", "moderation", "funding", "forums", "reports"),
    "folds": {"registrations": "nqsws", "moderation": "reviews"},
    "app_sections": dict.fromkeys(("programmes", "portfolios"), "nqsws")
    | dict.fromkeys(("evaluations", "surveys", "reporting"), "reports")
    | {"assurance": "moderation"},
    "namespace_sections": dict.fromkeys(("support", "registration_upload"), "nqsws")
    | {"national": "registrations", "national_outcomes": "reports"},
}

# The service's own address (https://asye.example.gov.uk), for links in emails sent without a request
# (reminders, digests); empty: emails give paths only.
ASYE_BASE_URL = os.environ.get("ASYE_BASE_URL", "")

# An export of more lines than this is made by a background job, with a progress page (asye/jobs).
ASYE_EXPORT_JOB_THRESHOLD = int(os.environ.get("ASYE_EXPORT_JOB_THRESHOLD", "2000"))
# Likewise: a CSV registration of more rows than this, a moderation pack of a portfolio of more records, and
# building more payment statements than this at once (docs/operations.md, "Background jobs").
ASYE_UPLOAD_JOB_THRESHOLD = int(os.environ.get("ASYE_UPLOAD_JOB_THRESHOLD", "50"))
ASYE_UPLOAD_CHECK_JOB_THRESHOLD = int(os.environ.get("ASYE_UPLOAD_CHECK_JOB_THRESHOLD", "200"))  # its check
ASYE_PACK_JOB_THRESHOLD = int(os.environ.get("ASYE_PACK_JOB_THRESHOLD", "20"))
ASYE_STATEMENTS_JOB_THRESHOLD = int(os.environ.get("ASYE_STATEMENTS_JOB_THRESHOLD", "10"))

# How many proxies of our own stand in front of the service and append to X-Forwarded-For (0: none). The
# client's address is read once, by asye.web.proxy.TrustedProxyMiddleware (docs/operations.md).
ASYE_TRUSTED_PROXY_COUNT = int(os.environ.get("ASYE_TRUSTED_PROXY_COUNT", "0"))

MIDDLEWARE = [
    "asye.web.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy, Permissions-Policy, and no-store on signed-in pages and the API.
    "asye.web.security_headers.SecurityHeadersMiddleware",
    # An API body over its limit is a 413 before anything reads it (asye/files/limits.py).
    "asye.files.limits.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Moves a signed-in session's expiry on at most once a minute (not a write on every request).
    "asye.accounts.session_touch.SessionTouchMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Opens the request's transaction, sets the tenant for row-level security, builds request.actor.
    "asye.tenancy.middleware.TenantMiddleware",
    # The second-factor step of signing in reads the authenticators of the person it is for, alone.
    "asye.accounts.sign_in.PendingSignInMiddleware",
    "asye.accounts.middleware.RequireMfaMiddleware",
    # A NUL or other control character in a query parameter is a 400, before any view can pass it on.
    "asye.web.middleware.RejectControlCharactersMiddleware",
]

ROOT_URLCONF = "asye.urls"
WSGI_APPLICATION = "asye.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "asye.web.context_processors.service",
            ],
            # The money and govuk_date filters (asye.web.formats) in every template, emails and PDFs too.
            "builtins": ["asye.web.templatetags.formats"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# DATABASE_URL is the application's connection: in PostgreSQL a role that is not superuser, has no
# BYPASSRLS and owns no table, so row-level security applies to it. DATABASE_OWNER_URL is the role that
# owns the schema and runs migrations. Without DATABASE_URL the platform runs on SQLite.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    owner_url = os.environ.get("DATABASE_OWNER_URL", "")
    if owner_url:
        DATABASES["owner"] = dj_database_url.parse(owner_url)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("ASYE_SQLITE_PATH", str(BASE_DIR / "asye.sqlite3")),
        }
    }
# The backup role (BYPASSRLS, SELECT only) that manage.py backup runs pg_dump as; only the backup job's
# environment needs its password. Unset: asye_backup on DATABASE_URL's server (docs/operations.md, Backups).
DATABASE_BACKUP_URL = os.environ.get("DATABASE_BACKUP_URL", "")
for _alias, _db in DATABASES.items():
    _db.setdefault("TEST", {})
    if _db["ENGINE"].endswith("postgresql"):
        _db.setdefault("OPTIONS", {})
        _db["OPTIONS"].setdefault("application_name", f"asye-{_alias}")
        # Prepared reads (asye/prepared.py) planned once per connection: docs/operations.md, "Connections".
        _db["OPTIONS"].setdefault("prepare_threshold", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache, sessions, Celery ---------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("ASYE_CACHE_PREFIX", "asye"),
            # The cache only saves work: while Redis is unreachable it misses (logged) instead of failing
            # every page (fault drill "Redis restarted", docs/operations.md); rate limits then count nothing.
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Database sessions whose rows only the request holding the key can read (row-level security, #12.6).
SESSION_ENGINE = "asye.accounts.sessions"
# Messages ride in the session: the service sets no cookies beyond the session and CSRF ones.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Sessions end after 30 minutes without activity (activity moves the expiry on, at most once a minute).
SESSION_COOKIE_AGE = int(os.environ.get("ASYE_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = False  # asye.accounts.session_touch: at most once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Without Redis, tasks run eagerly; the in-memory broker names a host so kombu does not warn on each task.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With late acknowledgement a task unacknowledged for longer than the visibility timeout is redelivered,
# so it must exceed the longest task and ETA/countdown we use (Celery's Redis transport docs).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 60 * 60}
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ASYE_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("ASYE_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Authentication: django-allauth with MFA ----------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "asye.accounts.adapters.AccountAdapter"
# Sign-in steps that read one person's authenticators and email addresses before anyone is signed in
# (row-level security keyed on the person: asye/accounts/sign_in.py, docs/security.md).
ACCOUNT_FORMS = {
    "login": "asye.accounts.sign_in.SignInForm",
    "user_token": "asye.accounts.sign_in.ResetLinkForm",
}
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "asye.accounts.reset_tokens.PasswordResetTokenGenerator"  # noqa: S105
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
# A reset asked for an address with no account shows the same page and sends nothing (allauth would
# otherwise email that address a sign-up link, and nobody signs up here on their own).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins per address and per account (allauth counts them in the cache).
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ASYE platform"
MFA_ADAPTER = "asye.accounts.adapters.MfaAdapter"
# allauth refuses a second factor while an address is unverified, against someone signing up with
# another's address. Nobody signs up here: an account is made only from an invitation emailed to its
# address, and a password reset (which records the address unverified) must not lock a co-ordinator out.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Fernet keys for MFA secrets at rest, newest first (rotate by prepending); empty: derived from SECRET_KEY.
ASYE_MFA_ENCRYPTION_KEYS = env_list("ASYE_MFA_ENCRYPTION_KEYS")
# Roles that must have an authenticator before they reach anything else (docs/service-rules/).
ASYE_MFA_REQUIRED = env_bool("ASYE_MFA_REQUIRED", True)

# --- Email ---------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEBUG or TESTING)
    else "django.core.mail.backends.smtp.EmailBackend",
)
# For the file backend (django.core.mail.backends.filebased.EmailBackend): where messages are written.
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", 25))
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "ASYE platform <no-reply@asye.invalid>")

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # TrustedProxyMiddleware has already put the client's address in REMOTE_ADDR and dropped the header.
    "NUM_PROXIES": 0,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "asye.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "asye.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "asye.api.schema.AsyeAutoSchema",
    "EXCEPTION_HANDLER": "asye.api.problems.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "asye.api.throttling.ClientRateThrottle",
        "asye.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "client": os.environ.get("ASYE_API_RATE", "600/minute"),
        "anon": os.environ.get("ASYE_API_ANON_RATE", "30/minute"),
        # Failed token checks per client address (docs/security.md).
        "bad_token": os.environ.get("ASYE_API_BAD_TOKEN_RATE", "20/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ASYE platform API",
    "DESCRIPTION": (
        "Employer-scoped API of the Assessed and Supported Year in Employment platform. "
        "Authenticate with an API token created by your ASYE co-ordinator: "
        "`Authorization: Bearer <token>`. Every object belongs to the token's employer; another "
        "employer's object is indistinguishable from a missing one (404). Errors are RFC 9457 problem "
        "details (`application/problem+json`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the problem details the shared API layer can answer (asye/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "asye.api.schema.document_every_status",
    ],
}

# --- Security ------------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_secure = not (DEBUG or TESTING) and not env_bool("ASYE_INSECURE_HTTP", False)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", _secure)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000 if _secure else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "asye.web.errors.csrf_failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Every upload is counted as it arrives and the request is no longer read once a file passes
# ASYE_UPLOAD_MAX_BYTES (asye/files/limits.py).
FILE_UPLOAD_HANDLERS = [
    "asye.files.limits.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploaded evidence is readable by the service's own user alone, never by other accounts on the host.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
SILENCED_SYSTEM_CHECKS = []

# --- The platform --------------------------------------------------------------------------------
ASYE_SERVICE_NAME = "Assessed and Supported Year in Employment"
ASYE_PHASE = os.environ.get("ASYE_PHASE", "beta")
ASYE_INVITATION_DAYS = 14
ASYE_UPLOAD_MAX_BYTES = int(os.environ.get("ASYE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))  # evidence files
# Virus scanning of uploads by ClamAV's daemon (asye/files/clamav.py): tcp://host:3310 or
# unix:///run/clamav/clamd.ctl. Empty: files are not scanned, and `manage.py check` says so. When the
# daemon cannot be reached uploads are refused, unless ASYE_CLAMAV_FAIL_OPEN (not for production).
ASYE_CLAMAV_URL = os.environ.get("ASYE_CLAMAV_URL", "")
ASYE_CLAMAV_TIMEOUT = float(os.environ.get("ASYE_CLAMAV_TIMEOUT", 30))
ASYE_CLAMAV_FAIL_OPEN = env_bool("ASYE_CLAMAV_FAIL_OPEN", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ASYE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Without Redis every task runs eagerly inside the command or request that starts it, and Celery's
        # line per task ("Task … succeeded") is noise (seeding the demo would print thousands of them).
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
    },
}
