"""Production settings: `check --deploy` is clean, the Content-Security-Policy forbids inline
scripts, and no template relies on them (inline <script> bodies or on...= handlers)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.pages import parse

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "gotc.example.org",
    "SITE_URL": "https://gotc.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "DJANGO_SETTINGS_MODULE": "gotc.settings",
}
# Variables of the test process that would change what the production settings read.
INHERITED = {
    "SECRET_KEY",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "RATELIMIT_ENABLE",
    "AXES_ENABLED",
    "EMAIL_DELIVERY",
    "CACHE_KEY_PREFIX",
}


def test_check_deploy_with_production_environment_reports_no_issues():
    environment = {name: value for name, value in os.environ.items() if name not in INHERITED}
    environment.update(PRODUCTION_ENV, SECRET_KEY=secrets.token_urlsafe(48))
    assert len(environment["SECRET_KEY"]) >= 50

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert re.fullmatch(
        r"System check identified no issues( \(\d+ silenced\))?\.\n", result.stdout
    ), result.stdout


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def attendee(people):
    return people.li


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/agenda/",
        "/register/",
        "/register/new-link/",
        "/privacy/",
        "/r/{token}/",
        "/r/{token}/delete/",
        "/r/unknown-token-0000/",
    ],
    ids=["home", "agenda", "register", "new-link", "privacy", "manage", "delete", "404"],
)
def test_page_csp_forbids_inline_and_foreign_scripts(client, attendee, path):
    response = client.get(path.format(token=attendee.manage_token))

    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


def test_admin_login_page_has_csp_without_unsafe_inline_scripts(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert "'unsafe-inline'" not in csp_directives(response)["script-src"]


TEMPLATE_DIRS = [
    settings.BASE_DIR / "templates",
    settings.BASE_DIR / "agenda" / "templates",
    settings.BASE_DIR / "registration" / "templates",
]
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def templates() -> list[Path]:
    return sorted(path for root in TEMPLATE_DIRS for path in root.rglob("*.html"))


def test_templates_are_found():
    names = {path.name for path in templates()}
    assert {"base.html", "register.html", "manage.html", "checkin.html"} <= names


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_template_has_no_inline_script_or_event_handler(path):
    source = path.read_text(encoding="utf-8")

    handlers = EVENT_HANDLER.findall(source)
    inline_scripts = [
        body.strip()
        for attributes, body in SCRIPT.findall(source)
        if body.strip() or "src=" not in attributes
    ]
    javascript_urls = JAVASCRIPT_URL.findall(source)

    assert (handlers, inline_scripts, javascript_urls) == ([], [], [])


@pytest.mark.parametrize(
    "path",
    ["/", "/agenda/", "/register/", "/r/{token}/", "/r/{token}/cancel/"],
    ids=["home", "agenda", "register", "manage", "cancel"],
)
def test_rendered_page_has_no_inline_script_or_event_handler(client, attendee, path):
    """Rendered pages include crispy-forms and Bootstrap templates too."""
    response = client.get(path.format(token=attendee.manage_token))

    page = parse(response)
    assert response.status_code == 200
    inline_scripts = [
        script for script in page.iter("script") if not script.get("src") or script.text
    ]
    handlers = [
        (element.tag, name)
        for element in page.iter()
        if isinstance(element.tag, str)
        for name in element.attrib
        if name.lower().startswith("on")
    ]
    assert (inline_scripts, handlers) == ([], [])
