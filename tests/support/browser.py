"""Headless Chromium for the browser tests: launching it, axe-core, and what a page must not do.

axe-core runs in the page (injected from node_modules, so the browser context must bypass the
page's CSP); it checks the WCAG 2.1 A and AA rules and also looks into open shadow roots, so the
chat widget is checked along with the page it sits on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from tests.support.staff import ADMIN_EMAIL, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "reports" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# A camera and a microphone that produce a test picture and a beep, granted without asking.
FAKE_MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 320)


def log_in(page: Page, login_url: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the Danish login form, as a person does."""
    page.goto(login_url)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()


def admin_page(browser: Browser, base_url: str, **options: Any) -> tuple[BrowserContext, Page]:
    """A Danish browser context with the administrator (tests.support.staff) logged in."""
    context = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen", **options)
    page = context.new_page()
    log_in(page, base_url + "/login", ADMIN_EMAIL)
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    return context, page


def launch(playwright: Playwright, *extra_args: str) -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: install the Debian package chromium (make setup)")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm install` (part of `make setup`)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scrolling)."""
    return int(
        page.evaluate(
            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - document.documentElement.clientWidth"
        )
    )


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def collect_csp_violations(page: Page) -> list[str]:
    """Every Content-Security-Policy violation the page reports (console), as it happens."""
    found: list[str] = []
    page.on(
        "console",
        lambda m: found.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return found
