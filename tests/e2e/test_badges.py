"""Name badges in a real browser: the desk prints 张伟's badge and the PDF says 张伟.

Needs WeasyPrint, a Chinese font (fonts-noto-cjk) and poppler-utils (pdftotext) besides
Chromium: skipped without them, saying which, except on CI (CI=true), where they fail.
"""

import pytest
from playwright.sync_api import expect

from registration.roles import DESK
from tests.e2e.program import register_attendee
from tests.registration.staff.test_badges import (
    pdf_pages,
    pdf_text,
    require_poppler,
    require_rendering,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def rendering():
    require_rendering()
    require_poppler()


def test_desk_downloads_the_badge_of_zhang_wei(page, program, make_staff, login, rendering):
    register_attendee(program)  # Grace Hopper: not on this print
    zhang = register_attendee(
        program,
        full_name="张伟",
        email="zhang.wei@example.org",
        organization="开放原子开源基金会",
        job_title="工程师",
    )
    make_staff("dana", DESK)

    login(page, "dana", "/staff/")
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Badges").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Name badges")
    page.get_by_label("A4 sheet of 8 badges").check()
    page.get_by_label("One person (ticket code)").check()
    page.get_by_label("Ticket code", exact=True).fill(zhang.ticket_display.lower())
    page.get_by_role("button", name="Prepare badges").click()

    expect(page.locator("#badge-count")).to_contain_text("1 badge")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download badges 1–1 (PDF)").click()
    download = download_info.value
    assert (
        download.suggested_filename
        == f"badges-{program.conference.slug}-a4-8up-{zhang.ticket_code}-1-1.pdf"
    )
    pdf = download.path().read_bytes()
    text = pdf_text(pdf)
    assert "张伟" in text
    assert "开放原子开源基金会" in text
    assert zhang.ticket_display in text
    assert "Grace Hopper" not in text
    assert pdf_pages(pdf) == 1


def test_person_badge_url_downloads_from_the_browser(page, program, make_staff, login, rendering):
    zhang = register_attendee(program, full_name="张伟", email="zhang.wei@example.org")
    make_staff("dana", DESK)
    login(page, "dana", "/staff/")

    response = page.request.get(f"/staff/badges/{zhang.pk}/pdf/?layout=label-4x3")

    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "张伟" in pdf_text(response.body())
