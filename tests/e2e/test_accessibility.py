"""axe-core on every public page and on the staff pages, in English and in Chinese.

No violation of impact "serious" or "critical" is allowed; every violation found is printed
per page at the end of the run (the conftest's terminal summary). Every form control has a
label with text.
"""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from registration.roles import ORGANIZERS
from tests.e2e import browser as b
from tests.e2e.program import Program, register_attendee

pytestmark = pytest.mark.e2e

LANGUAGES = {"en": "", "zh-hans": "/zh-hans"}


def submit_registration_form(page: Page) -> None:
    page.locator("form.registration-form button[type=submit]").click()
    page.wait_for_load_state()


def register_in_browser(page: Page, program: Program, email: str) -> None:
    page.locator("#id_full_name").fill("Grace Hopper")
    page.locator("#id_email").fill(email)
    page.locator("#id_organization").fill("Open Source Initiative")
    page.locator("#id_job_title").fill("Maintainer")
    for forum in (program.cloud, program.workshop):
        page.locator(f"#id_forums_{forum.pk}").check()
    page.locator("#id_consent").check()
    submit_registration_form(page)


# page name -> (path, what to do once there). Paths may use {token}.
PUBLIC_PAGES: dict[str, tuple[str, Callable | None]] = {
    "home": ("/", None),
    "agenda": ("/agenda/", None),
    "forum": ("/agenda/forums/cloud-native/", None),
    "talk": ("/agenda/talks/cloud-native-1/", None),
    "speakers": ("/agenda/speakers/", None),
    "speaker": ("/agenda/speakers/speaker-0/", None),
    "register": ("/register/", None),
    "register-errors": ("/register/", lambda page, program, lang: submit_registration_form(page)),
    "done": (
        "/register/",
        lambda page, program, lang: register_in_browser(page, program, f"done-{lang}@example.org"),
    ),
    "manage": ("/r/{token}/", None),
    "cancel-confirm": ("/r/{token}/cancel/", None),
    "privacy": ("/privacy/", None),
    "contact": ("/contact/", None),
    "new-link": ("/register/new-link/", None),
    "404": ("/no-such-page/", None),
}

STAFF_PAGES: dict[str, tuple[str, Callable | None]] = {
    "staff-dashboard": ("/staff/", None),
    "staff-exports": ("/staff/exports/", None),
    "staff-checkin": ("/staff/checkin/", None),
    "staff-checkin-done": (
        "/staff/checkin/",
        lambda page, program, lang: check_in(page, program),
    ),
}


def check_in(page: Page, program: Program) -> None:
    page.locator("#id_code").fill(program.early_bird.ticket_code)
    page.locator("#id_code").press("Enter")
    page.wait_for_load_state()


def audit(page: Page, program: Program, name: str, path: str, action, token: str) -> list:
    """Visit ``name`` in both languages; return its blocking problems."""
    problems = []
    for language, prefix in LANGUAGES.items():
        page.goto(prefix + path.format(token=token))
        if action is not None:
            action(page, program, language)
        violations = b.run_axe(page, name, language)
        problems += [(language, v["id"], v["impact"], v["targets"]) for v in b.blocking(violations)]
        problems += [(language, "unlabelled", html) for html in b.unlabelled_controls(page)]
    return problems


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_has_no_serious_accessibility_violations(page, program, name):
    token = register_attendee(program).manage_token  # seated, and waiting for the workshop
    path, action = PUBLIC_PAGES[name]

    problems = audit(page, program, name, path, action, token)

    assert problems == []


@pytest.mark.parametrize("name", list(STAFF_PAGES))
def test_staff_page_has_no_serious_accessibility_violations(page, program, make_staff, login, name):
    register_attendee(program)
    make_staff("olivia", ORGANIZERS)
    login(page, "olivia", "/staff/")
    path, action = STAFF_PAGES[name]

    problems = audit(page, program, name, path, action, token="")

    assert problems == []
