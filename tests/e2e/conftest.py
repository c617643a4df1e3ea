"""Browser tests: Debian's Chromium, driven by playwright, against pytest-django's live_server.

Without /usr/bin/chromium every test here is skipped ("Chromium not installed: browser tests
skipped"), except on CI (CI=true) where a missing browser is an error: .ci/run installs it.
"""

import os
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from registration.roles import DESK, ORGANIZERS, role_permissions
from tests.e2e import browser as b
from tests.e2e.program import Program, build_program

# pytest-django's live server: the issue asks for 127.0.0.1 rather than "localhost".
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

PASSWORD = "correct-horse-battery"


def pytest_collection_modifyitems(config, items):
    if b.chromium_available() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=b.SKIP_REASON)
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not b.chromium_available():
        terminalreporter.write_sep("=", "browser tests", yellow=True)
        terminalreporter.write_line(
            f"SKIPPED: {b.SKIP_REASON}. Install it with `apt-get install chromium`."
        )
    if b.AXE_RESULTS:
        terminalreporter.write_sep("=", "accessibility (axe-core): violations per page")
        for line in b.axe_summary_lines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="package")
def playwright_browser() -> Iterator[Browser]:
    """One Chromium for the whole package (launching takes a few seconds)."""
    if not b.chromium_available():
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"Chromium not installed at {b.CHROMIUM}: on CI (CI=true) the browser tests "
                "must run; .ci/run installs it with apt-get"
            )
        pytest.skip(b.SKIP_REASON)
    # The sync API keeps an event loop running in this thread while the browser is open;
    # Django would then refuse ORM calls from the test ("async context"). The test thread
    # only sets up data and reads results, never concurrently with itself: allow it, here only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(b.CHROMIUM), args=b.LAUNCH_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _english_in_the_test_thread():
    """Assertions read model texts (conference.name...) in the test thread's language. A test
    client request of an earlier test may have left Chinese active there (LocaleMiddleware
    never deactivates): start every browser test in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """Base URL of the live server (the database is shared with the server thread)."""
    return live_server.url


@pytest.fixture
def program(transactional_db) -> Program:
    return build_program()


@pytest.fixture
def new_page(playwright_browser, site) -> Iterator[Callable[..., Page]]:
    """``new_page(viewport=..., locale=...)``: a page in a fresh browser context (no cookies).
    JavaScript errors and CSP violations on any page fail the test."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_page(*, viewport: dict = b.DESKTOP, locale: str = "en-US", **options) -> Page:
        context = playwright_browser.new_context(
            base_url=site,
            viewport=viewport,
            locale=locale,
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                errors.append(f"{page.url}: {message.text}")
                # HTTP error statuses are the tests' business (404 page, the CSRF bug).
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == [], "errors in the browser console"


@pytest.fixture
def page(new_page) -> Page:
    """A desktop-sized page (1280x800), English browser."""
    return new_page()


def _ensure_roles() -> None:
    """The groups of the roles migration, with their permissions. Transactional tests flush
    every table afterwards (the data migration's groups too; permissions come back with
    post_migrate), so they are put back here from the same definition."""
    for name, wanted in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = set(wanted)
        group.permissions.set(
            [
                permission
                for permission in Permission.objects.select_related("content_type")
                if (permission.content_type.app_label, permission.codename) in wanted
            ]
        )


@pytest.fixture
def make_staff(transactional_db, django_user_model) -> Callable:
    """``make_staff(username, group)``: a staff user in the "Organizers" or "Registration
    desk" group, password ``PASSWORD``."""

    def build(username: str, group: str):
        assert group in {ORGANIZERS, DESK}
        _ensure_roles()
        user = django_user_model.objects.create_user(
            username=username, email=f"{username}@example.org", password=PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return build


@pytest.fixture
def login() -> Callable[[Page, str, str], None]:
    """``login(page, username, next_path)``: log in through the admin login form."""

    def run(page: Page, username: str, next_path: str = "/admin/") -> None:
        page.goto(f"/admin/login/?next={next_path}")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"**{next_path}")

    return run
