"""Registration questions in a real browser: a forum's question appears as its forum is
ticked (static/gotc/questions.js), the answers are kept, and the private page edits them."""

import re

import pytest
from playwright.sync_api import Page, expect

from registration.models import QuestionKind, Registration
from tests.e2e import browser as b
from tests.e2e.program import Program
from tests.e2e.test_attendee import fill_registration
from tests.registration.questions import ask, dietary

pytestmark = pytest.mark.e2e


@pytest.fixture
def asked(program: Program):
    """Dietary needs for everyone (required); a T-shirt size for the eBPF forum (required)."""
    return {
        "dietary": dietary(program.conference),
        "tshirt": ask(
            program.conference,
            QuestionKind.CHOICE,
            "T-shirt size",
            "T 恤尺码",
            choices=(("M", ""), ("L", "")),
            forums=[program.ebpf],
            required=True,
        ),
    }


def test_forum_question_follows_the_ticked_forums(page: Page, program: Program, asked):
    page.goto("/register/")
    tshirt = page.get_by_role("group", name="T-shirt size")
    dietary_group = page.get_by_role("group", name=re.compile("^Dietary needs"))

    expect(dietary_group).to_be_visible()
    expect(tshirt).to_be_hidden()
    page.get_by_role("checkbox", name="eBPF and the Kernel").check()
    expect(tshirt).to_be_visible()
    expect(tshirt).to_contain_text("Only if you pick “eBPF and the Kernel”.")
    page.get_by_role("checkbox", name="eBPF and the Kernel").uncheck()
    expect(tshirt).to_be_hidden()
    assert b.blocking(b.run_axe(page, "register-questions", "en")) == []


def test_answers_are_kept_and_edited_on_the_private_page(page: Page, program: Program, asked):
    page.goto("/register/")
    fill_registration(
        page, name="Grace Hopper", email="grace@example.org", forums=["eBPF and the Kernel"]
    )
    page.get_by_role("button", name="Register").click()
    # Both questions unanswered: the form says so next to each and keeps the ticked forum.
    expect(page.get_by_role("group", name="T-shirt size")).to_contain_text(
        "This field is required."
    )
    expect(page.get_by_role("checkbox", name="eBPF and the Kernel")).to_be_checked()
    page.get_by_role("radio", name="Vegetarian").check()
    page.get_by_role("radio", name="L", exact=True).check()
    page.get_by_role("checkbox", name="I have read and accept the privacy notice").check()
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/register/done/$"))

    registration = Registration.objects.get(email="grace@example.org")
    page.goto(f"/r/{registration.manage_token}/")
    answers = page.locator("section").filter(
        has=page.get_by_role("heading", name="Your answers", exact=True)
    )
    expect(answers.get_by_role("radio", name="Vegetarian")).to_be_checked()
    answers.get_by_role("radio", name="Halal").check()
    answers.get_by_role("button", name="Save my answers").click()

    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "Your answers are saved."
    )
    labels = sorted(registration.answers.values_list("question__label_en", "choices__label_en"))
    assert labels == [("Dietary needs", "Halal"), ("T-shirt size", "L")]
