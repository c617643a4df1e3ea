"""`make run PORT=8300`: emailed links and the printed admin login point at the port served."""

import io
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.test_settings import settings_value


def make_dry_run(*args: str, **env: str) -> str:
    """What `make -n <args>` would run (nothing runs), with ``env`` on top of a clean one."""
    environment = {"PATH": "/usr/bin:/bin", **env}
    result = subprocess.run(  # noqa: S603 - make with fixed arguments, nothing executed
        [shutil.which("make"), "-n", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def command_of(output: str, program: str) -> str:
    (line,) = [line for line in output.splitlines() if program in line]
    return line


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@needs_make
def test_make_run_on_another_port_gives_the_site_that_address():
    output = make_dry_run("run", "PORT=8300")

    server = command_of(output, "manage.py runserver")
    assert "SITE_URL='http://127.0.0.1:8300'" in server
    assert server.endswith("runserver 127.0.0.1:8300")
    assert "SITE_URL='http://127.0.0.1:8300'" in command_of(output, "manage.py load_demo ")


@needs_make
def test_make_run_with_host_and_port_links_to_both():
    output = make_dry_run("run", "HOST=0.0.0.0", "PORT=9000")

    assert "SITE_URL='http://0.0.0.0:9000'" in command_of(output, "manage.py runserver")


@needs_make
def test_make_run_keeps_a_site_url_that_is_set():
    output = make_dry_run("run", "PORT=8300", SITE_URL="https://gotc.example.org")

    server = command_of(output, "manage.py runserver")
    assert "SITE_URL='https://gotc.example.org'" in server
    assert server.endswith("runserver 127.0.0.1:8300")


def test_site_url_with_a_port_is_accepted_in_development():
    assert settings_value("settings.SITE_URL", SITE_URL="http://127.0.0.1:8300") == repr(
        "http://127.0.0.1:8300"
    )


@pytest.mark.django_db
def test_load_demo_prints_the_admin_login_at_the_site_url(settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8300"
    output = io.StringIO()

    call_command("load_demo", "--organizer", stdout=output)

    assert "at http://127.0.0.1:8300/admin/" in output.getvalue()
    assert ":8000" not in output.getvalue()
