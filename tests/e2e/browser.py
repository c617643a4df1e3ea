"""Helpers of the browser tests: launching Debian's Chromium, reading mail, axe, keyboard."""

import os
import re
from collections import Counter
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import Page

# Debian's package; playwright never downloads a browser here. GOTC_CHROMIUM overrides.
CHROMIUM = Path(os.environ.get("GOTC_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_REASON = f"Chromium not installed: browser tests skipped (looked for {CHROMIUM})"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

IMPACTS = ["critical", "serious", "moderate", "minor"]
BLOCKING = {"critical", "serious"}

# page name -> language -> list of violations (filled by the accessibility tests, printed by
# the conftest's terminal summary so the numbers can be pasted into a note).
AXE_RESULTS: dict[str, dict[str, list[dict]]] = {}

_axe = Axe()


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def manage_path(to: str) -> str:
    """Path of the manage link in the latest email sent to ``to`` (emails link to SITE_URL,
    the browser follows the same path on the live server)."""
    for message in reversed(mail.outbox):
        if to in message.to:
            match = re.search(r"https?://[^/\s]+(/(?:[a-z-]+/)?r/[A-Za-z0-9_-]+/)", message.body)
            assert match, f"no manage link in the email to {to}: {message.body!r}"
            return match.group(1)
    raise AssertionError(f"no email to {to}; outbox: {[m.to for m in mail.outbox]}")


def emails_to(to: str) -> list:
    return [message for message in mail.outbox if to in message.to]


class CsrfRejected(AssertionError):
    """A form post answered 403 by Django's CSRF check."""


def submit(page: Page, button) -> None:
    """Click a form's submit button and wait for the answer; a CSRF 403 raises CsrfRejected
    (with Django's reason), so tests can tell it from any other failure."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        button.click()
    response = answer.value
    if response.status == 403 and "CSRF" in response.text():
        raise CsrfRejected(
            f"POST {response.url} answered 403: CSRF verification failed "
            f"(request Origin: {response.request.all_headers().get('origin')!r})"
        )
    page.wait_for_load_state()


def field(page: Page, label: str):
    """The form control labelled ``label`` (required fields' labels end with an asterisk)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def run_axe(page: Page, name: str, language: str) -> list[dict]:
    """Run axe-core on the page as it is now; remember and return its violations."""
    results = _axe.run(page)
    violations = [
        {
            "id": violation["id"],
            "impact": violation["impact"] or "minor",
            "help": violation["help"],
            "nodes": len(violation["nodes"]),
            "targets": [", ".join(map(str, node["target"])) for node in violation["nodes"]][:5],
        }
        for violation in results.response["violations"]
    ]
    AXE_RESULTS.setdefault(name, {})[language] = violations
    return violations


def blocking(violations: list[dict]) -> list[dict]:
    return [violation for violation in violations if violation["impact"] in BLOCKING]


def axe_summary_lines() -> list[str]:
    """One line per page and language: violations by impact, then the rules."""
    lines = []
    for name, languages in AXE_RESULTS.items():
        for language, violations in languages.items():
            counts = Counter(violation["impact"] for violation in violations)
            impacts = ", ".join(f"{impact} {counts.get(impact, 0)}" for impact in IMPACTS)
            rules = "; ".join(
                f"{v['id']} ({v['impact']}, {v['nodes']} node{'s' if v['nodes'] != 1 else ''})"
                for v in violations
            )
            lines.append(f"{name:<19} {language:<8} {impacts}" + (f"  | {rules}" if rules else ""))
    return lines


UNLABELLED_CONTROLS = """
() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea'
)).filter(el => {
    const labelled = Array.from(el.labels || []).some(l => l.textContent.trim() !== '');
    const aria = (el.getAttribute('aria-label') || '').trim() !== '';
    const by = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
        .some(id => (document.getElementById(id)?.textContent || '').trim() !== '');
    return !(labelled || aria || by);
}).map(el => el.outerHTML.slice(0, 120))
"""


def unlabelled_controls(page: Page) -> list[str]:
    """Form controls (except hidden inputs and buttons) without a label that has text."""
    return page.evaluate(UNLABELLED_CONTROLS)


def focused_matches(page: Page, selector: str) -> bool:
    return page.evaluate(
        "sel => document.activeElement !== null && document.activeElement.matches(sel)",
        selector,
    )


def tab_to(page: Page, selector: str, *, limit: int = 80) -> int:
    """Press Tab until the focused element matches ``selector``; return how many presses.
    Fails if it never gets there (unreachable by keyboard)."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused_matches(page, selector):
            return presses
    raise AssertionError(f"{selector} not reached with {limit} Tab presses")
