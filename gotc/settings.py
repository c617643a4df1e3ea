"""Settings for gotc, read from the environment (12-factor).

Every variable is optional for local development (`make run` sets DEBUG=1); in production
SECRET_KEY is required and DATABASE_URL / REDIS_URL point at PostgreSQL and Redis.
See the table in README.md.
"""

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone.") from exc
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
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
    "post_office",
    "agenda",
    "registration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gotc.middleware.FirstVisitLanguage",
    # Cached program pages are answered here, before sessions and the database.
    "gotc.pagecache.ProgramPageCache",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "agenda.middleware.ConferenceTimezoneMiddleware",
    # Last: django-axes turns a locked-out admin login into its 429 page.
    "axes.middleware.AxesMiddleware",
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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default so `make run` needs nothing installed; PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers: IMMEDIATE takes the write lock at BEGIN, so two registrations
    # never both read "one seat left"; WAL lets readers continue while one writer works.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side parameters and prepared statements: a statement run five times on a
    # connection is parsed and planned once, and psycopg sends values instead of quoting them
    # into the SQL in Python. PostgreSQL's CPU per registration drops, and so does ours.
    # (Behind a transaction-mode pgbouncer older than 1.21, set DATABASE_PREPARE_THRESHOLD=0.)
    try:
        prepare_threshold = int(os.environ.get("DATABASE_PREPARE_THRESHOLD") or "5")
    except ValueError as exc:
        raise ImproperlyConfigured(
            "DATABASE_PREPARE_THRESHOLD must be a whole number (0: no prepared statements)."
        ) from exc
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": prepare_threshold if prepare_threshold > 0 else None,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit only knows django-redis; Django's own RedisCache increments atomically.
    "django_ratelimit.W001",
]
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, reusing one client per pool (gotc/cache.py).
            "BACKEND": "gotc.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "gotc"),
        }
    }
else:
    # One process only (make run): the local-memory cache is shared by nothing else.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "axes.W001"]
# Sessions (staff logins, the "done" page) live in Redis when there is one: no database write
# per registration; without Redis, in the database.
SESSION_ENGINE = "gotc.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
# Cached program pages (gotc.pagecache): each process re-reads the shared version numbers at
# most this often, so a cache hit needs no round trip to Redis. A change shows on other
# processes and hosts within this time, at once on the process that made it.
try:
    PAGE_CACHE_CHECK_SECONDS = float(os.environ.get("PAGE_CACHE_CHECK_SECONDS") or "0.25")
except ValueError as exc:
    raise ImproperlyConfigured("PAGE_CACHE_CHECK_SECONDS must be a number of seconds.") from exc
if not 0 <= PAGE_CACHE_CHECK_SECONDS <= 60:
    raise ImproperlyConfigured("PAGE_CACHE_CHECK_SECONDS must be between 0 and 60.")

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
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_VIEW = "gotc.views.rate_limited"
# Behind a proxy, the client address comes from a header the proxy sets (e.g. HTTP_X_REAL_IP).
RATELIMIT_IP_META_KEY = os.environ.get("RATELIMIT_IP_META_KEY") or None
RATE_LIMITS = {
    # A company registering a dozen colleagues from one address is not blocked.
    "register": os.environ.get("RATELIMIT_REGISTER", "30/h"),
    "manage": os.environ.get("RATELIMIT_MANAGE", "120/m"),
    "new_link": os.environ.get("RATELIMIT_NEW_LINK", "10/h"),
    "checkin": os.environ.get("RATELIMIT_CHECKIN", "240/m"),
}
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
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
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
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
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "GOTC <noreply@gotc.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Attendee emails go through django-post-office's queue (rows written in the same transaction
# as the registration). "immediate": try to send right after commit (failures stay queued for
# the worker); "worker": only `manage.py mail_worker` sends.
EMAIL_DELIVERY = os.environ.get("EMAIL_DELIVERY", "immediate" if DEBUG else "worker")
if EMAIL_DELIVERY not in {"immediate", "worker"}:
    raise ImproperlyConfigured("EMAIL_DELIVERY must be 'immediate' or 'worker'.")
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_BACKEND},
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": int(os.environ.get("EMAIL_MAX_RETRIES", "8")),
    "RETRY_INTERVAL": dt.timedelta(minutes=int(os.environ.get("EMAIL_RETRY_MINUTES", "5"))),
    "MESSAGE_ID_ENABLED": True,
    "LOG_LEVEL": 1,
}
# Base of absolute links in emails (manage link): the public address of the site.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Domain used in calendar UIDs so they stay stable across hosts and deploys.
ICAL_UID_DOMAIN = os.environ.get("ICAL_UID_DOMAIN", "gotc.example.org")

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
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
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
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Request lines (runserver, 404 warnings, gunicorn access) go through the filter too.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
