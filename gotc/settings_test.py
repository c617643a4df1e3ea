"""Test settings: the real settings with a fixed key, fast hashing and in-memory email."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# Only for reading the production settings (which require one without DEBUG); the servers
# tests start in subprocesses must not inherit it.
_SITE_URL_SET_HERE = "SITE_URL" not in os.environ
os.environ.setdefault("SITE_URL", "https://gotc.test.invalid")

from gotc.settings import *  # noqa: E402, F403

if _SITE_URL_SET_HERE:
    del os.environ["SITE_URL"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
POST_OFFICE = {**POST_OFFICE, "BACKENDS": {"default": EMAIL_BACKEND}}  # noqa: F405
EMAIL_DELIVERY = "immediate"
SITE_URL = "http://testserver"
# Static files come from the app directories (finders), never from a collectstatic left in the
# checkout by `make bench` or a cluster run: tests see the same files on every machine.
STATIC_ROOT = BASE_DIR / ".no-collected-static-in-tests"  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # Concurrency tests run real threads, each with its own connection: they need a database
    # file they can share (Django's default in-memory test database is per connection, and
    # its shared-cache variant fails with "table is locked" instead of waiting). One file per
    # test process, so that two test runs in the same checkout never delete each other's.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")  # noqa: F405
    }

# Every request reads the page-cache versions (tests/test_pagecache.py switches the
# per-process memory on where it tests it).
PAGE_CACHE_CHECK_SECONDS = 0

# Limits and lockouts are switched on by the tests that check them (settings fixture).
RATELIMIT_ENABLE = False
AXES_ENABLED = False
