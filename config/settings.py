"""Django settings, every one read from the environment with a default that works
on a laptop: SQLite and a file-system broker under VAR_DIR, DEBUG off."""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_rate, env_size, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# Everything the embedded default keeps on disk lives under one folder.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    # Generated once and kept, so sessions survive a restart.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", ["http://localhost", "http://127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "competition",
    "accounts",
    "discussion",
    "results",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "competition.middleware.RejectNulBytes",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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

_database_url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    # A process keeps its connection this long (checked before each reuse, below): a new
    # PostgreSQL session costs a process fork and cold caches, and all of a host's processes
    # reconnecting at once showed as a spike of slow uploads.
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 600, 0)
        )
    }
except Exception as exc:
    raise ImproperlyConfigured(f"DATABASE_URL={_database_url!r} cannot be used: {exc}")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and a worker write the same file: WAL lets readers go on beside a
    # writer; IMMEDIATE takes the write lock when a transaction begins, so two writers
    # queue on the busy timeout instead of one failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 30, 1),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Bounded sessions: a client that vanishes mid-transaction (a worker host cut off) has
    # its locks released within DB_IDLE_IN_TRANSACTION_TIMEOUT seconds, no statement waits
    # on a lock longer than DB_LOCK_TIMEOUT, and dead peers are noticed by TCP keepalives.
    _idle = env_int("DB_IDLE_IN_TRANSACTION_TIMEOUT", 10, 1)
    _lock = env_int("DB_LOCK_TIMEOUT", 10, 1)
    _keepalive = env_int("DB_KEEPALIVE_SECONDS", 5, 1)
    # A kept connection is checked before each request reuses it: after a database
    # restart the first request reconnects instead of failing.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5, 1),
            "keepalives": 1,
            "keepalives_idle": _keepalive,
            "keepalives_interval": _keepalive,
            "keepalives_count": 2,
            "options": (
                f"-c idle_in_transaction_session_timeout={_idle * 1000} "
                f"-c lock_timeout={_lock * 1000} "
                f"-c tcp_keepalives_idle={_keepalive} -c tcp_keepalives_interval={_keepalive} "
                "-c tcp_keepalives_count=2"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Throttle counters and log-in failures must be shared by every web process: a folder
# under VAR_DIR by default, Redis in production (CACHE_URL=redis://host:6379/1).
CACHE_URL = env_str("CACHE_URL", "")
# Every cache user (throttles, log-in failures) fails open: with the cache unreachable a
# request goes on without it, and the server logs a warning (config/cache.py).
if CACHE_URL.startswith(("redis://", "rediss://")):
    _timeout = env_int("CACHE_TIMEOUT_MS", 200, 1) / 1000
    CACHES = {"default": {"BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": CACHE_URL,
                          "OPTIONS": {"socket_connect_timeout": _timeout,
                                      "socket_timeout": _timeout}}}  # fmt: skip
elif CACHE_URL in ("", "file"):
    CACHES = {"default": {"BACKEND": "config.cache.FailOpenFileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}  # fmt: skip
elif CACHE_URL == "memory":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: use redis://host:port/db or file")

# A submission file above this size is refused before it is read whole.
SUBMISSION_MAX_BYTES = env_size("SUBMISSION_MAX_BYTES", 10 * 1024 * 1024)
# An XACLE package (ZIP): its limit holds for the archive and for what it unpacks to.
PACKAGE_MAX_BYTES = env_size("PACKAGE_MAX_BYTES", 32 * 1024 * 1024)
# A team's technical report (PDF), uploaded alone or inside a package.
REPORT_MAX_BYTES = env_size("REPORT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = SUBMISSION_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The size limit is enforced while the body streams in, before the default handlers keep it.
FILE_UPLOAD_HANDLERS = [
    "competition.upload_handlers.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
CSRF_FAILURE_VIEW = "competition.views.errors.csrf_failure"

# How many proxies in front of the site append to X-Forwarded-For (0: none, the client
# address is REMOTE_ADDR). Every throttle and the log-in lockout use the address it gives.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0, 0)

# Failed log-ins (the site's and /admin/login/) are counted by django-axes, per user name
# (NFKC and case folded, as names are compared) and per client address: at the limit, that
# name or address may not log in for the window, whatever the password.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, 1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900, 1)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_FAILURE_WINDOW_SECONDS)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "competition.throttling.login_username"
AXES_CLIENT_IP_CALLABLE = "competition.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "competition.throttling.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Public-split scores of a cut test phase are shown to participants to this many decimals
# until the reveal (the overview paper's precision): fine enough to compare, too coarse to
# fit the hidden labels by repeated probing.
PUBLIC_SCORE_DECIMALS = env_int("PUBLIC_SCORE_DECIMALS", 4, 0)

# Content-Security-Policy: scripts, styles and everything else only from this site (the
# pages have no inline scripts); no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# E-mail: EMAIL_URL=smtp://user:pass@host:587?tls=1 (or ?ssl=1), console://, or by default
# one file per message under VAR_DIR/mail. Messages are always sent by a worker.
EMAIL_URL = env_str("EMAIL_URL", "")
if EMAIL_URL:
    _email = dj_email_url.parse(EMAIL_URL)
    if "EMAIL_BACKEND" not in _email:
        raise ImproperlyConfigured(
            f"EMAIL_URL={EMAIL_URL!r}: use smtp://, submission://, console:// or file://"
        )
    globals().update({key: value for key, value in _email.items() if value is not None})
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "XACLE competition <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in messages the worker sends (it has no request to take the address from).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Celery. The embedded default is kombu's file-system transport: a real broker
# that needs no server, so the newcomer runs the same worker production does.
# "localhost" only so that kombu does not warn that no host was given.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost//")
_TRANSPORTS = {"filesystem", "redis", "rediss", "amqp", "sqla+sqlite", "sqla+postgresql", "memory"}
if CELERY_BROKER_URL.split("://", 1)[0] not in _TRANSPORTS:
    raise ImproperlyConfigured(f"CELERY_BROKER_URL={CELERY_BROKER_URL!r} names no known transport")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_queue_dir / "control"),
    }
elif CELERY_BROKER_URL.startswith("redis"):
    # A task a dead worker had taken goes back to the queue once it has been unacknowledged
    # this long; workers look for such tasks every restore interval.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300, 1),
        "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10, 1),
        "unacked_restore_throttle": 1,
        # A broker connection is given up on when a command waits 2 s or a BRPOP reply is
        # overdue by the health check interval (kombu), and the worker reconnects. Redis
        # answers in well under a millisecond; every wait here stalls the worker's whole
        # event loop (acks, restores, health checks), so it is kept short. No retry on a
        # timeout: that would only double the wait.
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
        "socket_keepalive": True,
        "health_check_interval": env_int("CELERY_BROKER_HEALTH_CHECK", 3, 1),
    }
# Senders (web requests) give up on the broker after this long; the sweep sends later.
PUBLISH_TIMEOUT = env_int("PUBLISH_TIMEOUT_MS", 200, 1) / 1000
CELERY_BROKER_HEARTBEAT = 10  # AMQP; Redis uses the health check above
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for its broker forever
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes a worker's database connection before and after every task
# unless this is set: a new PostgreSQL session (a server process, cold caches) per
# submission scored, which cost more CPU than the scoring. With it, a connection serves up
# to this many tasks; config.celery checks it before each task as Django does before a
# request (DB_CONN_MAX_AGE, health check, errors).
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A submission queued longer than this is sent to the workers again.
STALE_QUEUED_SECONDS = env_int("STALE_QUEUED_SECONDS", 120, 1)
STALE_SCORING_SECONDS = env_int("STALE_SCORING_SECONDS", 600, 1)
SWEEP_INTERVAL_SECONDS = env_int("SWEEP_INTERVAL_SECONDS", 60, 1)
# A worker handed one submission also scores up to this many minus one that wait longest, in
# the same pass: a queue that grows is caught up in batches (competition.scorer.score_next).
SCORING_BATCH = env_int("SCORING_BATCH", 20, 1)
# The results analysis (bootstrap, ceiling) of a phase runs this long after its scores
# last changed, once, however many arrive meanwhile.
RESULTS_ANALYSIS_DEBOUNCE_SECONDS = env_int("RESULTS_ANALYSIS_DEBOUNCE_SECONDS", 300, 0)
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-submissions": {
        "task": "competition.tasks.sweep_stale_submissions",
        "schedule": float(SWEEP_INTERVAL_SECONDS),
    },
    "phase-notices": {
        "task": "accounts.tasks.phase_notices",
        "schedule": float(SWEEP_INTERVAL_SECONDS),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "competition.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("THROTTLE_ANON", "120/min"),
        "user": env_rate("THROTTLE_USER", "600/min"),
        "uploads": env_rate("THROTTLE_UPLOADS", "20/min"),
        "signup": env_rate("THROTTLE_SIGNUP", "10/hour"),
        "password_reset": env_rate("THROTTLE_PASSWORD_RESET", "5/hour"),
    },
    "NUM_PROXIES": TRUSTED_PROXIES,
}
# New discussion topics and replies per user.
THROTTLE_POSTS = env_rate("THROTTLE_POSTS", "6/min")

# API tokens are knox's (only a digest stored), sent as `Authorization: Token KEY`.
# They expire after this many days; 0: never.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 0, 0)
KNOX_TOKEN_MODEL = "knox.AuthToken"  # knox's own; accounts.TokenInfo adds name and last use
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS) if API_TOKEN_TTL_DAYS else None,
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "XACLE competition API",
    "DESCRIPTION": "Submit predictions, follow their scoring and read the leaderboards.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's scripts are served from here, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"brief": {"()": "config.logfilters.Brief"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "brief": {"class": "logging.StreamHandler", "filters": ["brief"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Expected refusals: one line each, no traceback.
    "loggers": {
        "django.security.RequestDataTooBig": {"handlers": ["brief"], "propagate": False},
    },
}

# Behind HTTPS (HTTPS=1): redirect plain HTTP, send HSTS, mark the cookies secure. With a
# trusted proxy terminating TLS, its X-Forwarded-Proto says whether the request was HTTPS.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000 if HTTPS else 0, 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
if HTTPS and TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
