"""Settings for the BPO Vendor Portal, read from the environment (django-environ).

With no environment at all the app runs embedded: a SQLite file in the project folder
and Celery tasks executed eagerly in-process, so a new user needs nothing else installed.
Set ``DATABASE_URL`` and ``CELERY_BROKER_URL`` (or ``REDIS_URL``) for the real thing.
Production hardening lives in ``bpo_portal.settings_production``.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-insecure-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tables2",
    "django_countries",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "csp",
    "simple_history",
    "core",
    "vendors",
    "contracts",
    "documents",
    "reports",
    "slas",
    "savings",
    "reminders",
    "scorecards",
    "overview",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Its process_view runs before the CSRF check, which reads the body: an oversized upload is refused unread.
    "core.middleware.UploadSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Who saved a service level or contract, for the recompute run it triggers (slas.receivers).
    "crum.CurrentRequestUserMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # the audit trail records who
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
    # Innermost: answers a repeated poll of sla-status or compliance from the page cache
    # (core.api.fastpath); every middleware above treats its answer as the view's.
    "core.api.fastpath.PolledListMiddleware",
]

ROOT_URLCONF = "bpo_portal.urls"

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
            ],
        },
    },
]
# Every Django form renders as Bootstrap 5 markup (labels, help text, errors) via these templates.
FORM_RENDERER = "core.forms.BootstrapFormRenderer"

WSGI_APPLICATION = "bpo_portal.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# Server-side prepared statements for the polled lists' cold pages (core.api.coldpath), with
# persistent connections only. Off by default: a pooler in transaction mode loses them.
DB_PREPARED_STATEMENTS = env.bool("DB_PREPARED_STATEMENTS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead log: the page polling an import's progress reads while the import writes
    # (in SQLite's default journal mode a large write transaction locks readers out).
    # A write waits up to 20 s for the lock an import holds, rather than failing at once.
    # synchronous=NORMAL is SQLite's advice for WAL: no corruption on a crash, only the last
    # commits lost on a power cut; it spares an fsync per commit (migrate commits once per migration).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["bpo_portal.formats"]  # dates as YYYY-MM-DD on every page

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
WHITENOISE_USE_FINDERS = DEBUG  # serve from the source folders until collectstatic has run
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env("STATICFILES_STORAGE", default="django.contrib.staticfiles.storage.StaticFilesStorage")
    },
}

# --- Sign-in protection ---------------------------------------------------------------------
# django-axes counts failed sign-ins (browser and token endpoint alike) and locks out a user
# name after AXES_FAILURE_LIMIT failures, and separately an address, for AXES_COOLOFF_HOURS.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with each user's permissions cached per data version (not two queries a request).
    "core.permissions.CachedPermissionsBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)  # trusted proxies in front of the app
# API tokens expire this many days after they were issued (0: never); the profile page renews and revokes them.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)

# --- Content-Security-Policy (django-csp): scripts and styles from our own origin only --------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="bpo-portal@localhost")

# --- Celery -----------------------------------------------------------------------------------
# No broker configured means the embedded mode: tasks run eagerly inside the web process.
_redis_url = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=_redis_url) or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
# Embedded mode: long tasks (imports) run on a thread of the web process, not inside the
# request, so the upload page answers at once and its progress bar moves.
BACKGROUND_EAGER_TASKS = env.bool("BACKGROUND_EAGER_TASKS", default=CELERY_TASK_ALWAYS_EAGER)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
# Two queues, so that a recomputation never delays an import: ``imports`` (an upload's import
# and the import sweep) and ``compute`` (every recompute and every other periodic task), each
# consumed by its own workers (docker-compose.yml, README "Queues and workers"). Anything not
# routed below (Celery's own tasks, messages queued before the queues were split) goes to the
# default queue, which the compute workers also consume. The names come from the environment
# so that several deployments, or the test suite's private workers, can share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="bpo_portal")
CELERY_IMPORTS_QUEUE = env("CELERY_IMPORTS_QUEUE", default="imports")
CELERY_COMPUTE_QUEUE = env("CELERY_COMPUTE_QUEUE", default="compute")
CELERY_TASK_ROUTES = {
    "reports.tasks.import_report": {"queue": CELERY_IMPORTS_QUEUE},
    "reports.tasks.requeue_stalled_imports": {"queue": CELERY_IMPORTS_QUEUE},
    "slas.tasks.*": {"queue": CELERY_COMPUTE_QUEUE},
    "savings.tasks.*": {"queue": CELERY_COMPUTE_QUEUE},
    "reminders.tasks.*": {"queue": CELERY_COMPUTE_QUEUE},
    "contracts.tasks.*": {"queue": CELERY_COMPUTE_QUEUE},
    "vendors.tasks.*": {"queue": CELERY_COMPUTE_QUEUE},
    "scorecards.tasks.*": {"queue": CELERY_COMPUTE_QUEUE},
}
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# A task is acknowledged only after it finished, and re-queued if its worker dies, so an
# import interrupted by a crash is redone; every task must therefore be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A broker that goes away (Redis restarted) must not end the worker: retry connecting at
# start-up and after a lost connection, for ever (docker-compose also restarts a dead worker).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60 * 55)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
# Redis redelivers unacknowledged tasks after this timeout; it must exceed the hard limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 300),
    # How often a worker looks for messages whose worker died (seconds, and every Nth look).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # The contract lifecycle: expire ended contracts, create the next term of auto-renewing ones.
    # Daily just after midnight; idempotent, so the beat's database schedule may also run it by hand.
    "expire-ended-contracts": {
        "task": "contracts.tasks.expire_ended_contracts",
        "schedule": crontab(hour=0, minute=15),
    },
    "close-finished-periods": {
        "task": "slas.tasks.close_finished_periods",
        "schedule": crontab(hour=2, minute=30),
    },
    # Finds a dead import within a minute (its heartbeat stops), an upload whose task never
    # reached the broker, and a lost compliance recompute; cheap when there is nothing to do.
    "requeue-stalled-imports": {
        "task": "reports.tasks.requeue_stalled_imports",
        "schedule": 30,
    },
    # A recompute run whose worker died (or whose task was lost) is queued again.
    "resume-unfinished-recompute-runs": {
        "task": "slas.tasks.resume_unfinished_runs",
        "schedule": 60,
    },
    # Deadline reminders (notice, contract end, certification expiry, missing report): each sent once.
    "send-reminders": {
        "task": "reminders.tasks.send_reminders",
        "schedule": crontab(hour=6, minute=15),
    },
}

# Import progress travels through the cache: Redis whenever there is a Redis broker (so the
# web process sees what a worker writes), process memory in the embedded mode (the import
# runs on a thread of the web process), and files for any other broker (a worker process).
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CELERY_BROKER_URL,
            # A Redis that is down or unreachable fails fast instead of stalling an import.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
        if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if CELERY_BROKER_URL == "memory://"
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("CACHE_DIR", default=str(BASE_DIR / ".cache")),
        }
    )
}

# --- Savings --------------------------------------------------------------------------------
# Every amount is converted to this currency (exchange rates: /savings/rates/, /api/v1/exchange-rates/).
REPORTING_CURRENCY = env("REPORTING_CURRENCY", default="USD")

# --- Reminders --------------------------------------------------------------------------------
# Days before each deadline a reminder goes out (each threshold once; a run sends only the
# tightest one reached; an empty list turns that kind off). The notice deadline is the
# contract's end date minus its notice period.
REMINDER_NOTICE_DAYS = tuple(env.list("REMINDER_NOTICE_DAYS", cast=int, default=[90, 60, 30]))
REMINDER_CONTRACT_END_DAYS = tuple(env.list("REMINDER_CONTRACT_END_DAYS", cast=int, default=[30]))
REMINDER_CERTIFICATION_DAYS = tuple(env.list("REMINDER_CERTIFICATION_DAYS", cast=int, default=[60, 30]))
# From this day of a month on, a contract in force last month without a completed report
# covering it (for each of its processes) gets a "report missing" reminder; 0 turns these off.
REMINDER_REPORT_DUE_DAY = env.int("REMINDER_REPORT_DUE_DAY", default=10)
# Addresses every reminder goes to besides the contract's owner (comma-separated).
REMINDER_RECIPIENTS = env.list("REMINDER_RECIPIENTS", default=[])

# --- Vendor reports ---------------------------------------------------------------------------
# Both in bytes. Uploads are refused by their Content-Length first (413, before the body is
# read); a proxy in front must refuse chunked bodies over the limit itself (see README).
REPORT_MAX_UPLOAD_BYTES = env.int("REPORT_MAX_UPLOAD_BYTES", default=1024 * 1024 * 1024)
# What an XLSX (a zip) may declare once unpacked, checked before openpyxl inflates anything.
REPORT_MAX_XLSX_UNCOMPRESSED_BYTES = env.int("REPORT_MAX_XLSX_UNCOMPRESSED_BYTES", default=500 * 1024 * 1024)
# Documents (signed contracts, amendments, certificates) attached to contracts and providers.
DOCUMENT_MAX_UPLOAD_BYTES = env.int("DOCUMENT_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
REPORT_IMPORT_MAX_ATTEMPTS = env.int("REPORT_IMPORT_MAX_ATTEMPTS", default=3)
# Uploads stream to a temporary file above this size instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "core.api.permissions.ModelPermissions",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.StrictDjangoFilterBackend",
        "core.api.filters.StrictOrderingFilter",
    ],
    # The JSON parser checks nesting depth first (a deeply nested body is a 400, not a 500).
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ErrorDocumentingAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    # Throttles fail open when the cache is down (core.api.throttling): a Redis hiccup must
    # not turn good requests into errors.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonRateThrottle",
        "core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/minute"),
        "user": env("API_THROTTLE_USER", default="3000/minute"),
        "token": env("API_THROTTLE_TOKEN", default="10/minute"),
    },
}
# Polled lists (sla-status, compliance) keep their rendered pages in the cache, keyed by the
# data version (core.api.conditional); off only for the benchmark's "cold" server.
API_CACHE_PAGES = env.bool("API_CACHE_PAGES", default=True)
SPECTACULAR_SETTINGS = {
    "TITLE": "BPO Vendor Portal API",
    "DESCRIPTION": "Providers, contracts, service levels and their compliance.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs describe the API, not its data: readable without signing in.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "django_countries.countries",
        "ReportKindEnum": "reports.models.ReportKind",
        "ServiceLevelKindEnum": "slas.models.ServiceLevel.Kind",
        "CertificationKindEnum": "vendors.models.Certification.Kind",
        "ComplianceStatusEnum": "slas.models.ComplianceStatus",
        "DocumentKindEnum": "documents.models.Document.Kind",
        "ScorecardReviewStatusEnum": "scorecards.models.ScorecardReview.Status",
        "ScorecardReviewDecisionEnum": "scorecards.models.ScorecardReview.Decision",
        "ImprovementPlanStatusEnum": "scorecards.models.ImprovementPlan.Status",
        "StandingConsequenceStatusEnum": "scorecards.models.StandingConsequence.Status",
        "StandingConsequenceKindEnum": "scorecards.models.StandingConsequence.Kind",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
