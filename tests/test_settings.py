"""Starting the site: misconfiguration must fail fast, in one line an operator can act on."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh interpreter with the real settings module and ``env``."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="gotc.settings", **env)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_start_without_secret_key_and_debug_off_fails_in_one_line():
    result = manage("check", DEBUG="0")

    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY" in lines[0]
    assert "Traceback" not in result.stderr


def test_start_with_debug_on_needs_no_secret_key():
    result = manage("check", DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert "System check identified" in result.stdout + result.stderr
    assert "SECRET_KEY" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PAGE_CACHE_CHECK_SECONDS", "soon"),
        ("PAGE_CACHE_CHECK_SECONDS", "-1"),
        ("PAGE_CACHE_CHECK_SECONDS", "nan"),
        ("PAGE_CACHE_CHECK_SECONDS", "3600"),
        ("AXES_FAILURE_LIMIT", "abc"),
        ("AXES_FAILURE_LIMIT", "0"),
        ("AXES_COOLOFF_MINUTES", "1.5"),
        ("CONN_MAX_AGE", "forever"),
        ("EMAIL_PORT", "smtp"),
        ("EMAIL_MAX_RETRIES", "-3"),
        ("DEBUG", "maybe"),
        ("RATELIMIT_ENABLE", "sometimes"),
        ("RATELIMIT_REGISTER", "30 per hour"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("EMAIL_DELIVERY", "pigeon"),
        ("LOG_LEVEL", "loud"),
        ("DATABASE_URL", "nosuchdb://host/name"),
        ("REDIS_SOCKET_TIMEOUT", "-1"),
        ("REDIS_CONNECT_TIMEOUT", "soon"),
        ("TRUSTED_PROXIES", "10.0.0.1, the proxy"),
        ("RATELIMIT_IP_META_KEY", "HTTP_X_REAL_IP"),
        ("DATABASE_REPLICA_URL", "nosuchdb://host/name"),
        ("DATABASE_URL", "postgres://gotc@db1:5432,db2:port/gotc"),
        ("DATABASE_CONNECT_TIMEOUT", "0"),
        ("REDIS_SENTINELS", "sentinel-1, sentinel-2"),
        ("EMAIL_TIMEOUT", "never"),
    ],
    ids=[
        "page-cache-word",
        "page-cache-negative",
        "page-cache-nan",
        "page-cache-hour",
        "axes-limit-word",
        "axes-limit-zero",
        "axes-cooloff-fraction",
        "conn-max-age-word",
        "email-port-word",
        "email-retries-negative",
        "debug-word",
        "ratelimit-enable-word",
        "rate-words",
        "time-zone-unknown",
        "email-delivery-unknown",
        "log-level-unknown",
        "database-url-scheme",
        "redis-timeout-negative",
        "redis-connect-timeout-word",
        "trusted-proxies-word",
        "replaced-ip-meta-key",
        "replica-url-scheme",
        "database-hosts-bad-port",
        "database-connect-timeout-zero",
        "sentinels-without-ports",
        "email-timeout-word",
    ],
)
def test_start_with_a_bad_value_fails_in_one_line_naming_the_variable(name, value):
    environment = {"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/1", name: value}

    result = manage("check", **environment)

    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"gotc: configuration error: {name} "), lines[0]
    assert "Traceback" not in result.stderr


def test_blank_values_mean_the_defaults():
    blanks = dict.fromkeys(
        ["PAGE_CACHE_CHECK_SECONDS", "AXES_FAILURE_LIMIT", "EMAIL_PORT", "TIME_ZONE", "LOG_LEVEL"],
        " ",
    )

    result = manage("check", DEBUG="1", **blanks)

    assert result.returncode == 0, result.stderr


def test_redis_timeouts_reach_the_cache_client_options():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['OPTIONS'])",
        "--no-imports",
        DEBUG="1",
        REDIS_URL="redis://127.0.0.1:6379/1",
        REDIS_CONNECT_TIMEOUT="0.5",
        REDIS_SOCKET_TIMEOUT="2",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'SOCKET_CONNECT_TIMEOUT': 0.5, 'SOCKET_TIMEOUT': 2.0}"


def test_start_with_a_bad_prepare_threshold_fails_in_one_line():
    result = manage(
        "check",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        DATABASE_PREPARE_THRESHOLD="often",
    )

    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_PREPARE_THRESHOLD" in lines[0]


@pytest.mark.parametrize(
    ("site_url", "message"),
    [
        (None, "SITE_URL is not set"),
        ("http://gotc.example.org", "SITE_URL must be the site's https:// address"),
        ("https://", "SITE_URL must be the site's https:// address"),
        ("https://gotc.example.org/some/path", "SITE_URL must be the site's https:// address"),
    ],
    ids=["missing", "http", "no-host", "path"],
)
def test_start_without_debug_needs_an_https_site_url(site_url, message):
    environment = {"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "gotc.example.org"}
    if site_url is not None:
        environment["SITE_URL"] = site_url

    result = manage("check", **environment)

    lines = result.stderr.splitlines()
    assert result.returncode != 0
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"gotc: configuration error: {message}"), lines[0]


def test_start_without_debug_with_an_https_site_url_works():
    result = manage(
        "check",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="gotc.example.org",
        SITE_URL="https://gotc.example.org/",
    )

    assert result.returncode == 0, result.stderr


def settings_value(expression: str, **env: str) -> str:
    result = manage(
        "shell",
        "-c",
        f"from django.conf import settings; print(repr(({expression})))",
        "--no-imports",
        DEBUG="1",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_database_url_with_several_hosts_lets_libpq_find_the_primary():
    found = settings_value(
        "{k: settings.DATABASES['default'][k] for k in ('HOST', 'PORT', 'NAME')}, "
        "settings.DATABASES['default']['OPTIONS']['target_session_attrs'], "
        "settings.DATABASES['default']['OPTIONS']['sslmode']",
        DATABASE_URL="postgres://gotc@db1:5433,db2,[::1]:5434/gotc?sslmode=require",
    )

    assert found == (
        "({'HOST': 'db1,db2,::1', 'PORT': '5433,5432,5434', 'NAME': 'gotc'}, "
        "'read-write', 'require')"
    )


def test_a_replica_url_adds_the_replica_and_its_router():
    found = settings_value(
        "settings.DATABASES['replica']['HOST'], "
        "settings.DATABASES['replica']['OPTIONS']['target_session_attrs'], "
        "settings.DATABASE_ROUTERS",
        DATABASE_URL="postgres://gotc@db1/gotc",
        DATABASE_REPLICA_URL="postgres://gotc@db2,db3/gotc",
    )

    assert found == "('db2,db3', 'prefer-standby', ['gotc.replica.ReplicaRouter'])"


def test_without_a_replica_url_there_is_no_replica_and_no_router():
    assert settings_value("sorted(settings.DATABASES), settings.DATABASE_ROUTERS") == (
        "(['default'], [])"
    )


def test_sentinels_make_the_cache_ask_them_for_the_primary():
    found = settings_value(
        "{k: settings.CACHES['default']['OPTIONS'][k] "
        "for k in ('CONNECTION_FACTORY', 'SENTINELS', 'SENTINEL_KWARGS')}",
        REDIS_URL="redis://gotc/0",
        REDIS_SENTINELS="10.0.0.5:26379, sentinel-2:26380",
    )

    assert found == (
        "{'CONNECTION_FACTORY': 'django_redis.pool.SentinelConnectionFactory', "
        "'SENTINELS': [('10.0.0.5', 26379), ('sentinel-2', 26380)], "
        "'SENTINEL_KWARGS': {'socket_timeout': 0.25, 'socket_connect_timeout': 0.25}}"
    )
