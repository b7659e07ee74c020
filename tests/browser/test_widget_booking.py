"""End to end: a citizen books a meeting by clicking through the widget on a municipal site.

The real stack, started as `make run` starts it (tests/e2e/stack.py): the web app under
gunicorn, the action server and Rasa with its CORS allow-list. The municipal page is served to
Chromium as https://www.eksempel-kommune.dk (Playwright answers for that origin; it is the
origin the stack's WIDGET_ORIGINS allows) and embeds the widget with the one-line snippet.
The browser talks to the loopback servers from a public origin, which Chromium's local-network
checks would stop; in production both sides are public, so those checks are switched off here.

Slow (Rasa loads its model in about a minute):
`.venv/bin/pytest -q tests/browser/test_widget_booking.py`.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from tests.e2e.stack import (
    MODEL,
    Assistant,
    BookingService,
    running_assistant,
    running_booking_service,
)
from tests.support.browser import launch, screenshot
from tests.support.fake_rasa import SITE_CSS, municipal_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SITE = "https://www.eksempel-kommune.dk"
NO_LOCAL_NETWORK_CHECKS = (
    "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessSendPreflights,"
    "PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests"
)


@dataclass
class Stack:
    booking: BookingService
    assistant: Assistant

    @property
    def booking_host(self) -> str:
        return self.booking.base_url.removesuffix("/api/v1")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make bot-train` first")
    # The web app's environment is built from this one: the municipal site may embed the widget.
    previous = os.environ.get("WIDGET_ORIGINS")
    os.environ["WIDGET_ORIGINS"] = SITE
    try:
        with (
            running_booking_service(tmp_path_factory.mktemp("web")) as booking,
            running_assistant(tmp_path_factory.mktemp("bot"), booking) as assistant,
        ):
            yield Stack(booking, assistant)
    finally:
        if previous is None:
            os.environ.pop("WIDGET_ORIGINS", None)
        else:
            os.environ["WIDGET_ORIGINS"] = previous


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright, NO_LOCAL_NETWORK_CHECKS)
        yield browser
        browser.close()


def _serve_site(page: Page, stack: Stack) -> None:
    html = municipal_page(stack.booking_host, stack.assistant.url).replace(
        'data-lang="da"', f'data-lang="da" data-rasa-url="{stack.assistant.url}"'
    )

    def answer(route: Route) -> None:
        if route.request.url.endswith("/site.css"):
            route.fulfill(status=200, content_type="text/css", body=SITE_CSS)
        else:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page.route(f"{SITE}/**", answer)


def _click(page: Page, name: str) -> None:
    button = page.locator(".bb-choice:enabled", has_text=name).first
    expect(button).to_be_visible(timeout=60_000)
    button.click()


def _say(page: Page, text: str) -> None:
    box = page.get_by_label("Din besked")
    box.fill(text)
    box.press("Enter")


def test_a_citizen_books_a_meeting_by_clicking_the_offered_buttons(
    stack: Stack, browser: Browser
) -> None:
    context = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen")
    page = context.new_page()
    _serve_site(page, stack)
    page.goto(f"{SITE}/")
    page.get_by_role("button", name="Chat med os").click()

    _click(page, "Book et videomøde")
    _click(page, "Jobcenter")
    # the jobcentre offers several meeting modes: the assistant asks which one
    _click(page, "Video")
    # the optional transcript consent, switched on mid-form: the text in force is shown, the
    # form asks for the time again
    page.get_by_label("Gem samtalen (valgfrit)").check()
    expect(page.locator(".bb-msg--bot", has_text="Du må gemme min samtale")).to_be_visible(
        timeout=60_000
    )
    time_button = page.locator(".bb-choice:enabled", has_text=" kl. ").first
    expect(time_button).to_be_visible(timeout=60_000)
    chosen = time_button.inner_text()
    time_button.click()
    expect(page.locator(".bb-msg--bot").last).to_contain_text("navn", timeout=60_000)
    _say(page, "Anna Jensen")
    expect(page.locator(".bb-msg--bot").last).to_contain_text("mobilnummer", timeout=60_000)
    _say(page, "20 12 34 56")
    _click(page, "Spring over")
    _click(page, "Ja, book mødet")

    confirmation = page.locator(".bb-msg--bot", has_text="Dit videomøde er booket")
    expect(confirmation).to_be_visible(timeout=60_000)
    screenshot(page, "widget-e2e-booked")
    match = re.search(r"Reference: ([0-9A-Z]{4}-?[0-9A-Z]{4})", confirmation.inner_text())
    assert match, confirmation.inner_text()
    assert stack.booking.stored_status(match.group(1)) == "confirmed"
    with sqlite3.connect(stack.booking.database) as connection:
        purposes = {
            purpose
            for (purpose,) in connection.execute(
                "SELECT c.purpose FROM consent_records c JOIN bookings b ON b.id = c.booking_id "
                "WHERE b.reference = ?",
                (match.group(1),),
            )
        }
    assert purposes >= {"booking", "chat_transcript"}, purposes
    # Every button offered along the way is used up; the chosen time is the one marked.
    expect(page.locator(".bb-choice--chosen", has_text=chosen)).to_be_disabled()
    context.close()
