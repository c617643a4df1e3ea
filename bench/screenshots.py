"""Screenshots of the site for the README: home, agenda, register, ticket and the desk
dashboard, on a desktop (1280 wide) and on a phone (390x844), plus the ticket as printed,
into docs/screenshots/.

Usage: .venv/bin/python bench/screenshots.py [--out docs/screenshots] [--lang en]

Runs the real site (`manage.py runserver`, DEBUG on) on a fresh temporary SQLite database
with the GOTC 2023 demo program and demo attendees (its Flash Talks forum is full), registers
one attendee through the form (two forums and the Flash Talks waiting list), then drives
Debian's Chromium (/usr/bin/chromium; never a downloaded browser). Chinese glyphs need a CJK
font (Debian: fonts-noto-cjk). Each PNG is cut at a fixed height to stay small.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("GOTC_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# name -> (viewport, device scale, tallest part of the page kept)
DEVICES = {
    "desktop": ({"width": 1280, "height": 800}, 1, 1300),
    "phone": ({"width": 390, "height": 844}, 1, 1500),
}
EMAIL = "grace.hopper@example.org"
MAX_BYTES = 300 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def prepare_database(env: dict) -> None:
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["load_demo", "--organizer"],
        ["load_demo_attendees"],
    ):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def manage_token(env: dict) -> str:
    code = (
        "from registration.models import Registration;"
        f"print(Registration.objects.get(email={EMAIL!r}).manage_token)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


def compress(path: Path) -> None:
    """Re-save smaller; a page with large gradients goes to 256 colours if still too big."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
    image.save(path, optimize=True)
    if path.stat().st_size > MAX_BYTES:
        image.convert("RGB").quantize(colors=256).save(path, optimize=True)


def shoot(page, path: Path, tallest: int) -> None:
    height = min(page.evaluate("document.documentElement.scrollHeight"), tallest)
    width = page.viewport_size["width"]
    page.screenshot(
        path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
    )
    compress(path)
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


def register(page, base: str) -> None:
    page.goto(f"{base}/register/")
    page.fill("#id_full_name", "Grace Hopper")
    page.fill("#id_email", EMAIL)
    page.fill("#id_organization", "Open Source Initiative")
    page.fill("#id_job_title", "Maintainer")
    boxes = page.locator("input[name=forums]")
    # The first forum of the first two time slots, and the full Flash Talks (waiting list).
    page.locator(".slot").nth(0).locator("input[name=forums]").first.check()
    page.locator(".slot").nth(1).locator("input[name=forums]").first.check()
    for index in range(boxes.count()):
        card = boxes.nth(index).locator("xpath=..")
        if "is-full" in (card.get_attribute("class") or ""):
            boxes.nth(index).check()
    page.check("#id_consent")
    page.locator("form.registration-form button[type=submit]").click()
    page.wait_for_url("**/register/done/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--lang", default="en", choices=["en", "zh-hans"])
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp}/screenshots.sqlite3",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "MEDIA_ROOT": f"{tmp}/media",
        }
        prepare_database(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}" + ("" if args.lang == "en" else f"/{args.lang}")
        with (Path(tmp) / "server.log").open("w") as log:
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                wait_until_up(f"http://127.0.0.1:{port}/healthz")
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                    locale = "zh-CN" if args.lang == "zh-hans" else "en-US"
                    setup = browser.new_context(locale=locale)
                    register(setup.new_page(), base)
                    setup.close()
                    token = manage_token(env)
                    suffix = "" if args.lang == "en" else f"-{args.lang}"
                    for device, (viewport, scale, tallest) in DEVICES.items():
                        context = browser.new_context(
                            viewport=viewport,
                            device_scale_factor=scale,
                            is_mobile=device == "phone",
                            has_touch=device == "phone",
                            locale=locale,
                        )
                        page = context.new_page()
                        for name, path in (
                            ("home", "/"),
                            ("agenda", "/agenda/"),
                            ("register", "/register/"),
                            ("ticket", f"/r/{token}/"),
                        ):
                            page.goto(base + path)
                            shoot(page, out / f"{name}-{device}{suffix}.png", tallest)
                        if device == "desktop":
                            # The ticket as printed (print.css: no navigation, no forms).
                            page.emulate_media(media="print")
                            shoot(page, out / f"ticket-print{suffix}.png", 900)
                            page.emulate_media(media="screen")
                        page.goto(f"http://127.0.0.1:{port}/admin/login/?next=/staff/")
                        page.fill("#id_username", "organizer")
                        page.fill("#id_password", "gotc-demo-2023")
                        page.locator("input[type=submit]").click()
                        page.wait_for_url("**/staff/")
                        page.goto(base + "/staff/")
                        shoot(page, out / f"dashboard-{device}{suffix}.png", tallest)
                        context.close()
                    browser.close()
            finally:
                server.terminate()
                server.wait(timeout=10)


if __name__ == "__main__":
    main()
