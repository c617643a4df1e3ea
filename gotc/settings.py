"""Settings for gotc, read from the environment (12-factor).

Every variable is optional for local development (`make run` sets DEBUG=1); in production
SECRET_KEY is required and DATABASE_URL / REDIS_URL point at PostgreSQL and Redis.
See the table in README.md. A value that does not parse stops the start with one line
naming the variable (manage.py prints ImproperlyConfigured without a traceback).
"""

import datetime as dt
from functools import partial
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gotc.environment import (
    addresses,
    boolean,
    database_url,
    env,
    names,
    networks,
    number,
    one_of,
    rate,
    site_url,
    time_zone,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env("DEBUG", False, boolean)

SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [], names)
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS", [], names)

TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai", time_zone)
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats of our own (program days) next to Django's per language: gotc/formats/<locale>.
FORMAT_MODULE_PATH = ["gotc.formats"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
# Program texts (titles, abstracts, bios...) in both languages; an empty one falls back.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "zh-hans")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "zh-hans")}

INSTALLED_APPS = [
    "modeltranslation",  # before admin: program texts in English and Chinese
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_ratelimit",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_countries",  # country names in both languages (registration questions)
    "gotc.apps.PostOfficeConfig",  # django-post-office, named "Emails sent" for organizers
    "agenda",
    "registration",
    # The REST API at /api/v1/ (docs/api.md): DRF, its OpenAPI schema, Swagger UI served here.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads REMOTE_ADDR (rate limits, lockouts, logs).
    "gotc.clientaddress.ClientAddress",
    # Under /api/: every error (404, 405, 429, 500...) in the API's one JSON shape.
    "api.errors.JsonErrors",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gotc.methods.AllowedMethods",
    "gotc.middleware.FirstVisitLanguage",
    # Cached program pages are answered here, before sessions and the database.
    "gotc.pagecache.PageCache",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A view's database connection error: the honest 503 page (gotc.database).
    "gotc.database.DatabaseDown",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "agenda.middleware.ConferenceTimezoneMiddleware",
    # django-axes turns a locked-out admin login into its 429 page.
    "axes.middleware.AxesMiddleware",
    # Last: it calls the views that may read on the replica itself (gotc.replica).
    "gotc.replica.LaggingReads",
]

ROOT_URLCONF = "gotc.urls"
WSGI_APPLICATION = "gotc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registration.staff.scope.context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default so `make run` needs nothing installed; PostgreSQL via DATABASE_URL. A
# PostgreSQL URL may list several hosts (postgres://gotc@db1,db2/gotc): libpq connects to the
# one that accepts writes, so a promoted replica is found without restarting the app.
# DATABASE_REPLICA_URL (optional): a hot standby for the reads that may lag (gotc.replica).
DATABASES = {
    "default": env(
        "DATABASE_URL",
        database_url(f"sqlite:///{BASE_DIR / 'db.sqlite3'}", session_attrs="read-write"),
        partial(database_url, session_attrs="read-write"),
    )
}
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env(
        "DATABASE_REPLICA_URL", None, partial(database_url, session_attrs="prefer-standby")
    )
# A host that does not answer (frozen, cable pulled) costs this many seconds per try instead
# of the kernel's minutes; libpq then tries the next host.
DATABASE_CONNECT_TIMEOUT = env("DATABASE_CONNECT_TIMEOUT", 5, number(int, 1, 600))
for _database in DATABASES.values():
    _database["CONN_MAX_AGE"] = env("CONN_MAX_AGE", 60, number(int, 0))
    _database["CONN_HEALTH_CHECKS"] = True
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite serialises writers: IMMEDIATE takes the write lock at BEGIN, so two
        # registrations never both read "one seat left"; WAL lets readers continue while one
        # writer works.
        _database["CONN_MAX_AGE"] = 0
        _database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif _database["ENGINE"] == "django.db.backends.postgresql":
        # Server-side parameters and prepared statements: a statement run five times on a
        # connection is parsed and planned once, and psycopg sends values instead of quoting
        # them into the SQL in Python. PostgreSQL's CPU per registration drops, and so does
        # ours. (Behind a transaction-mode pgbouncer older than 1.21, set
        # DATABASE_PREPARE_THRESHOLD=0.)
        prepare_threshold = env("DATABASE_PREPARE_THRESHOLD", 5, number(int, 0))
        _database["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": prepare_threshold if prepare_threshold > 0 else None,
            "connect_timeout": DATABASE_CONNECT_TIMEOUT,
            **_database.get("OPTIONS", {}),  # the URL's own ?sslmode=... etc.
        }
if "replica" in DATABASES:
    DATABASE_ROUTERS = ["gotc.replica.ReplicaRouter"]
    # The replica is only for reads that may lag; tests mirror it onto the default database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# How long the replica is skipped after it failed (its reads go to the primary meanwhile).
REPLICA_BREAKER_SECONDS = env("REPLICA_BREAKER_SECONDS", 30.0, number(float, 0, 3600))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", "")
SILENCED_SYSTEM_CHECKS = []
if REDIS_URL:
    # django-redis keeps one client per connection pool (Django's own RedisCache builds a
    # new one for every call). gotc.cache adds what it lacks: Redis is an accelerator, so an
    # unreachable Redis is a cache miss, and after a failure it is skipped for
    # REDIS_BREAKER_SECONDS instead of costing a timeout on every call.
    CACHES = {
        "default": {
            "BACKEND": "gotc.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "gotc"),
            "OPTIONS": {
                # Short: Redis answers in well under a millisecond when it is well; a frozen
                # one must not hold a worker (every sync worker would queue behind it).
                "SOCKET_CONNECT_TIMEOUT": env(
                    "REDIS_CONNECT_TIMEOUT", 0.25, number(float, 0.001, 60)
                ),
                "SOCKET_TIMEOUT": env("REDIS_SOCKET_TIMEOUT", 0.25, number(float, 0.001, 60)),
            },
        }
    }
    # With Sentinel (REDIS_SENTINELS=host:port,...), REDIS_URL names the monitored primary,
    # redis://<master name>/0: each new connection asks the Sentinels where the primary is,
    # so after a failover the app follows as soon as the breaker lets it try again.
    REDIS_SENTINELS = env("REDIS_SENTINELS", [], addresses)
    if REDIS_SENTINELS:
        redis_timeouts = {
            "socket_timeout": CACHES["default"]["OPTIONS"]["SOCKET_TIMEOUT"],
            "socket_connect_timeout": CACHES["default"]["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"],
        }
        CACHES["default"]["OPTIONS"].update(
            {
                "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
                "SENTINELS": REDIS_SENTINELS,
                "SENTINEL_KWARGS": redis_timeouts,
            }
        )
    REDIS_BREAKER_SECONDS = env("REDIS_BREAKER_SECONDS", 5.0, number(float, 0, 3600))
    # django-ratelimit knows supported backends by class path; ours is django-redis's, subclassed.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001"]
else:
    # One process only (make run): the local-memory cache is shared by nothing else.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001", "axes.W001"]
# Sessions (staff logins only: the done page is a signed cookie) live in the database, never
# in the cache alone: a Redis outage then neither logs staff out nor turns a page into a 500.
# Not "cached_db": a logout while Redis is unreachable deletes the database row but leaves the
# cached copy, which would log the session back in once Redis returns. The cost is one
# primary-key read per staff request, which attendees never pay.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Cached pages and remembered reads (gotc.pagecache): each process re-reads the shared version
# numbers at most this often, so a cache hit needs no round trip to Redis. A change shows on
# other processes and hosts within this time, at once on the process that made it.
PAGE_CACHE_CHECK_SECONDS = env("PAGE_CACHE_CHECK_SECONDS", 0.25, number(float, 0, 60))

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failed admin logins, locks out
    "django.contrib.auth.backends.ModelBackend",
]

# --- Abuse: rate limits (django-ratelimit) and admin login lockout (django-axes) -------------
# Both count in the default cache: Redis when REDIS_URL is set, so limits hold across processes
# and hosts. Rates are "<count>/<s|m|h|d>"; benchmarks raise them through the environment.
RATELIMIT_ENABLE = env("RATELIMIT_ENABLE", True, boolean)
RATELIMIT_VIEW = "gotc.views.rate_limited"
# Redis unreachable (gotc.cache logs it): nobody is counted, so let everybody through rather
# than block everybody. django-axes fails open the same way (the cache's incr answers 0).
RATELIMIT_FAIL_OPEN = True
# The client address (rate limits, lockouts, logs) is decided in one place,
# gotc.clientaddress: a forwarding header counts only from these proxies' addresses.
TRUSTED_PROXIES = env("TRUSTED_PROXIES", (), networks)
if env("RATELIMIT_IP_META_KEY", ""):
    raise ImproperlyConfigured(
        "RATELIMIT_IP_META_KEY is replaced by TRUSTED_PROXIES: list your proxies' addresses "
        "there (any client can send its own X-Real-IP header)."
    )
RATE_LIMITS = {
    # A company registering a dozen colleagues from one address is not blocked.
    "register": env("RATELIMIT_REGISTER", "30/h", rate),
    "manage": env("RATELIMIT_MANAGE", "120/m", rate),
    "new_link": env("RATELIMIT_NEW_LINK", "10/h", rate),
    "checkin": env("RATELIMIT_CHECKIN", "240/m", rate),
    # Starring talks from the program pages: a person clicks, a script hammers.
    "stars": env("RATELIMIT_STARS", "120/m", rate),
    # The API (api.throttles): per client address without a token, per token with one.
    "api_address": env("RATELIMIT_API_ADDRESS", "300/m", rate),
    "api_token": env("RATELIMIT_API_TOKEN", "1200/m", rate),
}
AXES_ENABLED = env("AXES_ENABLED", True, boolean)
AXES_FAILURE_LIMIT = env("AXES_FAILURE_LIMIT", 5, number(int, 1))
AXES_COOLOFF_TIME = dt.timedelta(minutes=env("AXES_COOLOFF_MINUTES", 15, number(int, 1)))
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env("EMAIL_PORT", 25, number(int, 1, 65535))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", False, boolean)
# An SMTP server that stops answering holds a mail worker (or, with immediate delivery, a
# request) this long at most; the email is then retried with backoff (registration.delivery).
EMAIL_TIMEOUT = env("EMAIL_TIMEOUT", 30, number(int, 1, 600))
# Targeted emails to attendees (Admin → Emails to attendees) go out at most this many a minute.
MAILING_RATE_PER_MINUTE = env("MAILING_RATE_PER_MINUTE", 60, number(int, 1, 100000))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "GOTC <noreply@gotc.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Attendee emails go through django-post-office's queue (rows written in the same transaction
# as the registration). "immediate": try to send right after commit (failures stay queued for
# the worker); "worker": only `manage.py mail_worker` sends.
EMAIL_DELIVERY = env(
    "EMAIL_DELIVERY", "immediate" if DEBUG else "worker", one_of("immediate", "worker")
)
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_BACKEND},
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": env("EMAIL_MAX_RETRIES", 8, number(int, 0)),
    "RETRY_INTERVAL": dt.timedelta(minutes=env("EMAIL_RETRY_MINUTES", 5, number(int, 1))),
    "MESSAGE_ID_ENABLED": True,
    "LOG_LEVEL": 1,
}
# Base of absolute links in emails (manage link): the public address of the site. Without
# DEBUG it is required and https: emails must never carry a link to a development address,
# nor send a secret link over plain HTTP.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "", site_url(https=not DEBUG))
if not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL is not set. Set it to the site's https:// address (e.g. "
        "https://gotc.example.org): emails link to it."
    )

# Domain used in calendar UIDs so they stay stable across hosts and deploys.
ICAL_UID_DOMAIN = env("ICAL_UID_DOMAIN", "gotc.example.org")

# --- REST API (api/, docs/api.md) ----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScopes"],
    # Staff endpoints per token; the public program per address (api.views.program).
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.PerToken"],
    # JSON only: the public answers are cached whole (gotc.pagecache), whatever Accept says.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GOTC API",
    "DESCRIPTION": "The program (public); registrations and check-in (staff tokens): docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from this site's static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ForumKindEnum": "agenda.enums.ForumKind",
        "TalkKindEnum": "agenda.enums.TalkKind",
        "RegistrationStatusEnum": "registration.enums.RegistrationStatus",
        "PickStatusEnum": "registration.enums.PickStatus",
    },
}

# --- Content-Security-Policy (django-csp): no inline scripts, no third-party origins -----------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Inline style attributes place forums on the agenda grid; no inline scripts anywhere.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Production hardening (only meaningful with DEBUG off) ----------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", True, boolean)
    # Load balancers and the cluster's checks ask gunicorn directly, over plain http.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", 31536000, number(int, 0))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "gotc.logging.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
    },
    "root": {
        "handlers": ["console"],
        "level": env("LOG_LEVEL", "INFO", one_of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Request lines (runserver, 404 warnings, gunicorn access) go through the filter too.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
