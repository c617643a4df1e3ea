"""The check-in desk in a real browser: a volunteer finds people by part of their name and
checks them in from the keyboard, a forum's door refuses who has no seat there in red, and
the phone camera reads a ticket's QR code where the browser has no BarcodeDetector."""

import re

import pytest
import segno
from playwright.sync_api import Page, expect

from registration import services
from registration.models import DoorOverride, Registration
from registration.roles import DESK
from tests.e2e import browser as b

pytestmark = pytest.mark.e2e

CHECKIN = "/staff/checkin/"


def registered(program, name: str, email: str, forums) -> Registration:
    return services.register(
        conference=program.conference,
        data={
            "full_name": name,
            "email": email,
            "organization": "开放原子开源基金会",
            "job_title": "工程师",
            "language": "zh-hans",
        },
        forums=forums,
        notify=False,
    ).registration


@pytest.fixture
def desk(page, program, make_staff, login) -> Page:
    make_staff("dana", DESK)
    login(page, "dana", CHECKIN)
    return page


def test_volunteer_finds_xiaoming_by_part_of_the_name_and_checks_in_with_enter(desk, program):
    registered(program, "李小明", "li.xiaoming@example.cn", [program.governance])
    wang = registered(program, "王小明", "wang.xiaoming@example.cn", [program.cloud])

    box = desk.get_by_label("Ticket code or name")
    expect(box).to_be_focused()
    box.fill("小明")
    box.press("Enter")

    people = desk.locator(".checkin-person")
    expect(people).to_have_count(2)
    expect(people.nth(0)).to_have_class(re.compile(r"\bis-highlighted\b"))
    expect(desk.get_by_text("↑ ↓ choose, Enter checks in the highlighted person.")).to_be_visible()
    # 李小明 comes first (by name); Down moves to 王小明, Enter checks him in.
    expect(people.nth(1)).to_contain_text("王小明")
    expect(people.nth(1)).to_contain_text(wang.ticket_display)
    expect(people.nth(1)).to_contain_text("Cloud Native — seated")
    assert b.blocking(b.run_axe(desk, "staff-checkin-results", "en")) == []
    box = desk.get_by_label("Ticket code or name")
    expect(box).to_be_focused()
    box.press("ArrowDown")
    expect(people.nth(1)).to_have_class(re.compile(r"\bis-highlighted\b"))
    box.press("Enter")

    result = desk.locator(".checkin-result")
    expect(result).to_contain_text("✓ Checked in")
    expect(result).to_contain_text("王小明")
    wang.refresh_from_db()
    assert wang.checked_in_by.username == "dana"
    assert not Registration.objects.get(full_name="李小明").checked_in_at
    expect(desk.locator("#door-inside")).to_contain_text("1")


def test_a_scanner_types_the_code_and_enter_over_the_last_search(desk, program):
    wang = registered(program, "王小明", "wang.xiaoming@example.cn", [program.cloud])
    box = desk.get_by_label("Ticket code or name")
    box.fill("nobody-like-this")
    box.press("Enter")
    expect(desk.locator(".checkin-result.alert-danger")).to_contain_text("Nobody matches")

    # The box keeps nothing after a miss; a scanner is a keyboard: the code, then Enter.
    desk.get_by_label("Ticket code or name").press_sequentially(wang.ticket_display.lower())
    desk.get_by_label("Ticket code or name").press("Enter")

    expect(desk.locator(".checkin-result")).to_contain_text("✓ Checked in")
    expect(desk.locator(".checkin-result")).to_contain_text("王小明")


def test_forum_door_refuses_in_red_and_lets_in_anyway_on_request(desk, program):
    # Seated in Governance only; the volunteer stands at Cloud Native's door.
    person = registered(program, "赵敏", "zhao.min@example.cn", [program.governance])
    desk.get_by_label("Door", exact=True).select_option(label="Cloud Native")
    desk.wait_for_url(re.compile(rf"forum={program.cloud.pk}"))
    expect(desk.locator("#door-numbers-title")).to_have_text("At the door of “Cloud Native”")

    box = desk.get_by_label("Ticket code or name")
    box.fill(person.ticket_code)
    box.press("Enter")

    refusal = desk.locator(".checkin-refused")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("No seat here")
    expect(refusal).to_contain_text("赵敏 has no seat in “Cloud Native”.")
    expect(refusal.get_by_role("listitem")).to_have_text([re.compile(r"^Open Source Governance")])
    expect(desk.get_by_text("✓ Checked in")).to_have_count(0)
    # Red: Bootstrap's danger border, a red title.
    border = refusal.evaluate("element => getComputedStyle(element).borderTopColor")
    title = refusal.locator(".checkin-refused-title").evaluate(
        "element => getComputedStyle(element).color"
    )
    assert border == "rgb(220, 53, 69)"
    red, green, blue = map(int, re.findall(r"\d+", title)[:3])
    assert red > 2 * green and red > 2 * blue
    person.refresh_from_db()
    assert person.checked_in_at is None
    assert b.blocking(b.run_axe(desk, "staff-checkin-refused", "en")) == []

    b.submit(desk, refusal.get_by_role("button", name="Let in anyway"))

    expect(desk.locator(".checkin-result")).to_contain_text("✓ Let in without a seat")
    override = DoorOverride.objects.get(registration=person)
    assert (override.forum, override.username) == (program.cloud, "dana")
    expect(desk.locator("#door-inside")).to_have_text("1")

    # Undo: the volunteer is still at Cloud Native's door.
    b.submit(desk, desk.get_by_role("button", name="Undo check-in"))
    expect(desk.get_by_label("Door", exact=True)).to_have_value(str(program.cloud.pk))
    assert not DoorOverride.objects.exists()


def y4m_video(text: str, path, *, size: int = 480, frames: int = 10) -> None:
    """A still video of ``text``'s QR code (YUV4MPEG2, grey), for Chromium's fake camera. A
    full QR code: jsQR (like most phone decoders) reads no Micro QR."""
    matrix = segno.make_qr(text, error="m").matrix
    modules = len(matrix) + 8  # a quiet zone of four modules on each side
    scale = size // modules
    offset = (size - scale * modules) // 2 + 4 * scale
    rows = []
    for y in range(size):
        row = bytearray(b"\xff" * size)
        my = (y - offset) // scale
        if y - offset >= 0 and my < len(matrix):
            for mx, dark in enumerate(matrix[my]):
                if dark:
                    start = offset + mx * scale
                    row[start : start + scale] = b"\x00" * scale
        rows.append(bytes(row))
    luma = b"".join(rows)
    chroma = b"\x80" * (size // 2) * (size // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{size} H{size} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)


def test_camera_scan_reads_the_ticket_with_the_vendored_decoder(
    playwright_browser, site, program, make_staff, login, tmp_path
):
    person = registered(program, "王小明", "wang.xiaoming@example.cn", [program.cloud])
    video = tmp_path / "ticket.y4m"
    y4m_video(person.ticket_code, video)
    camera = playwright_browser.browser_type.launch(
        executable_path=str(b.CHROMIUM),
        args=[
            *b.LAUNCH_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera.new_context(base_url=site, permissions=["camera"])
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # Force the fallback, whatever this Chromium offers: no BarcodeDetector.
        page.add_init_script("delete window.BarcodeDetector;")
        make_staff("dana", DESK)
        login(page, "dana", CHECKIN)
        vendored = []
        page.on(
            "request",
            lambda request: vendored.append(request.url) if "vendor" in request.url else None,
        )

        page.get_by_role("button", name="Scan QR code").click()

        expect(page.locator(".checkin-result")).to_contain_text("✓ Checked in", timeout=15_000)
        expect(page.locator(".checkin-result")).to_contain_text("王小明")
        assert [url.removeprefix(site) for url in vendored] == ["/static/gotc/vendor/jsqr/jsQR.js"]
        assert errors == []
    finally:
        camera.close()
