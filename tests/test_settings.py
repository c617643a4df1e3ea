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
    "value", ["soon", "-1", "nan", "3600"], ids=["word", "negative", "nan", "hour"]
)
def test_start_with_a_bad_page_cache_check_interval_fails_in_one_line(value):
    result = manage("check", DEBUG="1", PAGE_CACHE_CHECK_SECONDS=value)

    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "PAGE_CACHE_CHECK_SECONDS" in lines[0]


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
