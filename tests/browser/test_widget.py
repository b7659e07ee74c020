"""The chat widget in headless Chromium, embedded as a municipality embeds it.

The municipal page is served from a second origin under a strict CSP (no inline script or
style); the assistant is a stand-in for Rasa's REST channel (tests/support/fake_rasa.py), so
these tests are about the widget: rendering, isolation, keeping the conversation, language,
starting over, retrying, keyboard use and accessibility. tests/browser/test_widget_booking.py
books a real meeting through it against the running Rasa.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.support.app import database_of, make_app, serving
from tests.support.browser import (
    WIDTHS,
    axe_violations,
    collect_csp_violations,
    horizontal_overflow,
    launch,
    screenshot,
)
from tests.support.fake_rasa import FakeRasa, fake_rasa, municipal_site
from tests.support.staff import seed
from web.cli import upgrade_database

pytestmark = pytest.mark.browser


@dataclass
class Stack:
    app: Flask
    booking_url: str
    rasa: FakeRasa
    site_url: str


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    url = f"sqlite:///{tmp_path_factory.mktemp('widget') / 'app.db'}"
    upgrade_database(url)
    app = make_app(url)
    seed(database_of(app))
    try:
        with fake_rasa() as rasa, serving(app) as booking_url:
            app.config["RASA_URL"] = rasa.base_url
            with municipal_site(booking_url, rasa.base_url) as site_url:
                app.config["WIDGET_ORIGINS"] = [site_url]
                yield Stack(app, booking_url, rasa, site_url)
    finally:
        database_of(app).dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen")
    yield context
    context.close()


def _focused_in_widget(page: Page) -> str:
    """The class of the element focused inside the widget's shadow root ('' if none)."""
    return str(
        page.evaluate(
            "() => { const host = document.getElementById('borgerbooking-widget');"
            " if (document.activeElement !== host) return '';"
            " const el = host.shadowRoot.activeElement; return el ? el.className : ''; }"
        )
    )


def _send(page: Page, text: str, label: str = "Din besked") -> None:
    box = page.get_by_label(label)
    box.fill(text)
    box.press("Enter")


def test_the_widget_on_another_site_renders_every_kind_of_message_under_a_strict_csp(
    stack: Stack, context: BrowserContext
) -> None:
    page = context.new_page()
    csp_errors = collect_csp_violations(page)
    page.goto(stack.site_url)
    launcher = page.get_by_role("button", name="Chat med os")
    expect(launcher).to_be_visible()
    # No CSS leaks in (the site paints every button green and all text red) or out.
    assert launcher.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 79, 138)"
    assert launcher.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    own = page.locator("#own-button")
    assert own.evaluate("e => getComputedStyle(e).position") == "static"
    screenshot(page, "widget-closed")

    launcher.click()
    expect(page.get_by_label("Din besked")).to_be_focused()
    book = page.get_by_role("button", name="Book et videomøde")
    expect(book).to_be_enabled()
    live = page.locator("#borgerbooking-widget [aria-live]")
    expect(live).to_have_text(
        "Hej! Hvad kan jeg hjælpe med? Valgmuligheder: Book et videomøde, Aflys eller flyt et møde"
    )
    assert stack.rasa.received[-1]["message"] == "/greet"
    sender = stack.rasa.received[-1]["sender"]

    # A choice: both buttons of the group are used up and look it, focus stays in the panel.
    book.click()
    expect(page.get_by_role("button", name="Book et videomøde (valgt)")).to_be_disabled()
    expect(page.get_by_role("button", name="Aflys eller flyt et møde")).to_be_disabled()
    assert _focused_in_widget(page) == "bb-input"
    # A message with only buttons, then one with only an image.
    jobcenter = page.get_by_role("button", name="Jobcenter")
    expect(jobcenter).to_be_enabled()
    jobcenter.click()
    expect(page.locator(".bb-image")).to_have_attribute("alt", "Billede fra assistenten")
    expect(page.locator(".bb-image")).to_have_js_property("naturalWidth", 1)

    # Links become links; markup and javascript: URLs in bot text stay text.
    _send(page, "link")
    expect(page.get_by_role("link", name="Jobnet")).to_have_attribute("href", "https://jobnet.dk/")
    expect(page.get_by_role("link", name="https://www.borger.dk")).to_be_visible()
    expect(page.locator(".bb-msg--bot").last).to_contain_text(
        '<img src=x onerror="window.hacked=1">'
    )
    expect(page.get_by_role("link", name="farlig")).to_have_count(0)
    assert page.evaluate("window.hacked") is None

    # An English answer on a Danish page is marked as English.
    _send(page, "english")
    english = page.locator(".bb-msg--bot").last
    expect(english).to_have_attribute("lang", "en")
    expect(live).to_have_text("I can help you book a meeting with the municipality.")
    screenshot(page, "widget-open-on-municipal-site")

    # A page load keeps the conversation, open, with the same sender.
    count = page.locator(".bb-msg").count()
    page.reload()
    expect(page.locator(".bb-msg")).to_have_count(count)
    expect(page.get_by_role("button", name="Book et videomøde (valgt)")).to_be_disabled()
    _send(page, "igen")
    expect(page.locator(".bb-log").get_by_text("Du skrev: igen")).to_be_visible()
    assert stack.rasa.received[-1]["sender"] == sender
    assert csp_errors == []


def test_the_citizen_can_switch_language_start_over_and_retry(
    stack: Stack, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto(stack.site_url)
    page.get_by_role("button", name="Chat med os").click()
    expect(page.get_by_role("button", name="Book et videomøde")).to_be_visible()
    first_sender = stack.rasa.received[-1]["sender"]

    page.get_by_role("button", name="English").click()
    expect(page.get_by_label("Your message")).to_be_visible()
    reply = page.locator(".bb-log").get_by_text("Fine, I will write in English.")
    expect(reply).to_be_visible()
    assert stack.rasa.received[-1]["message"] == '/choose_language{"language":"en"}'
    assert reply.evaluate("e => e.closest('[lang]').lang") == "en"
    expect(page.get_by_role("link", name="How we handle the conversation")).to_have_attribute(
        "href", f"{stack.booking_url}/privacy"
    )

    stack.rasa.fail_next = 1
    _send(page, "hej", "Your message")
    expect(page.locator(".bb-log").get_by_text("The message could not be sent.")).to_be_visible()
    page.get_by_role("button", name="Try again").click()
    expect(page.locator(".bb-log").get_by_text("Du skrev: hej")).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)

    page.get_by_role("button", name="Start over").click()
    expect(page.locator(".bb-log").get_by_text("Du skrev: hej")).to_have_count(0)
    expect(page.get_by_role("button", name="Book et videomøde")).to_be_visible()
    assert stack.rasa.received[-1]["sender"] != first_sender
    expect(page.get_by_label("Your message")).to_be_focused()


def test_the_widget_works_with_the_keyboard_alone(stack: Stack, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(stack.site_url)
    expect(page.get_by_role("button", name="Chat med os")).to_be_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if _focused_in_widget(page) == "bb-launcher":
            break
    assert _focused_in_widget(page) == "bb-launcher"
    launcher_outline = page.evaluate(
        "() => getComputedStyle(document.getElementById('borgerbooking-widget')"
        ".shadowRoot.activeElement).outlineStyle"
    )
    assert launcher_outline == "solid"  # visible focus

    page.keyboard.press("Enter")
    assert _focused_in_widget(page) == "bb-input"
    expect(page.get_by_role("button", name="Aflys eller flyt et møde")).to_be_visible()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert (
        page.evaluate(
            "() => document.getElementById('borgerbooking-widget')"
            ".shadowRoot.activeElement.textContent"
        )
        == "Book et videomøde"
    )
    page.keyboard.press("Enter")
    assert _focused_in_widget(page) == "bb-input"  # not dropped to the page body
    expect(page.get_by_role("button", name="Sundhedspleje")).to_be_visible()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    expect(page.locator(".bb-image")).to_be_visible()
    page.keyboard.type("hej med dig")
    page.keyboard.press("Enter")
    expect(page.locator(".bb-log").get_by_text("Du skrev: hej med dig")).to_be_visible()

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert _focused_in_widget(page) == "bb-launcher"
    page.keyboard.press("Enter")
    assert _focused_in_widget(page) == "bb-input"
    expect(page.locator(".bb-log").get_by_text("Du skrev: hej med dig")).to_be_visible()


def test_the_transcript_switch_gives_and_withdraws_the_consent_and_is_kept_for_the_tab(
    stack: Stack, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto(stack.site_url)
    page.get_by_role("button", name="Chat med os").click()
    switch = page.get_by_label("Gem samtalen (valgfrit)")
    expect(switch).not_to_be_checked()  # off until the citizen turns it on
    switch.focus()
    page.keyboard.press("Space")
    expect(page.locator(".bb-log").get_by_text("Du skrev: /keep_transcript")).to_be_visible()
    expect(page.locator(".bb-msg--user", has_text="Gem samtalen")).to_be_visible()
    sender = stack.rasa.received[-1]["sender"]
    page.reload()
    page.get_by_label("Gem samtalen (valgfrit)").wait_for()
    expect(page.get_by_label("Gem samtalen (valgfrit)")).to_be_checked()
    page.get_by_label("Gem samtalen (valgfrit)").uncheck()
    expect(page.locator(".bb-log").get_by_text("Du skrev: /drop_transcript")).to_be_visible()
    sent = [m["message"] for m in stack.rasa.received if m["sender"] == sender]
    assert "/keep_transcript" in sent and sent[-1] == "/drop_transcript", sent


def test_the_transcript_switch_turned_while_the_assistant_answers_is_sent_after_the_answer(
    stack: Stack, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto(stack.site_url)
    page.get_by_role("button", name="Chat med os").click()
    expect(page.locator(".bb-msg--bot", has_text="Hvad kan jeg hjælpe med")).to_be_visible()
    stack.rasa.release.clear()
    _send(page, "vent")
    switch = page.get_by_label("Gem samtalen (valgfrit)")
    switch.check()  # while the assistant is still answering "vent"
    page.wait_for_timeout(300)
    expect(switch).to_be_checked()  # stays where the citizen put it
    sender = stack.rasa.received[-1]["sender"]
    assert [m["message"] for m in stack.rasa.received if m["sender"] == sender][-1] == "vent"
    stack.rasa.release.set()
    expect(page.locator(".bb-log").get_by_text("Du skrev: vent")).to_be_visible()
    expect(page.locator(".bb-log").get_by_text("Du skrev: /keep_transcript")).to_be_visible()
    sent = [m["message"] for m in stack.rasa.received if m["sender"] == sender]
    assert sent[-2:] == ["vent", "/keep_transcript"], sent


def test_a_site_that_is_not_allowed_gets_no_widget(stack: Stack, context: BrowserContext) -> None:
    stack.app.config["WIDGET_ORIGINS"] = []
    try:
        page = context.new_page()
        page.goto(stack.site_url)
        page.wait_for_timeout(1500)
        expect(page.get_by_role("button", name="Chat med os")).to_have_count(0)
    finally:
        stack.app.config["WIDGET_ORIGINS"] = [stack.site_url]


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_front_page_and_the_open_widget_pass_axe_at_1280_and_320_px(
    stack: Stack, browser: Browser, language: str
) -> None:
    launcher_name = {"da": "Chat med os", "en": "Chat with us"}[language]
    violations = {}
    for width in WIDTHS:
        context = browser.new_context(
            locale="da-DK", bypass_csp=True, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        page.goto(f"{stack.booking_url}/?lang={language}")
        assert page.evaluate("document.documentElement.lang") == language
        launcher = page.get_by_role("button", name=launcher_name)
        expect(launcher).to_be_visible()
        violations[f"/ {width}px"] = axe_violations(page)
        if horizontal_overflow(page) > 0:
            violations[f"/ {width}px scrolls sideways"] = [horizontal_overflow(page)]
        launcher.click()
        expect(page.locator(".bb-choice").first).to_be_visible()
        page.locator(".bb-choice").first.click()
        expect(page.locator(".bb-choice:enabled").first).to_be_visible()
        violations[f"/ widget open {width}px"] = axe_violations(page)
        if horizontal_overflow(page) > 0:
            violations[f"/ widget open {width}px scrolls sideways"] = [horizontal_overflow(page)]
        screenshot(page, f"widget-{language}-{width}")
        context.close()
    assert {k: v for k, v in violations.items() if v} == {}


def test_the_widget_reflows_at_200_percent_zoom(stack: Stack, browser: Browser) -> None:
    # 1280 px at 200 % zoom is a 640 px wide viewport with doubled pixels.
    context = browser.new_context(
        locale="da-DK", viewport={"width": 640, "height": 400}, device_scale_factor=2
    )
    page = context.new_page()
    page.goto(f"{stack.booking_url}/")
    page.get_by_role("button", name="Chat med os").click()
    expect(page.get_by_role("button", name="Book et videomøde")).to_be_visible()
    box = page.locator(".bb-panel").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 640
    assert box["y"] >= 0 and box["y"] + box["height"] <= 400
    expect(page.get_by_label("Din besked")).to_be_in_viewport()
    assert horizontal_overflow(page) <= 0
    screenshot(page, "widget-zoom-200")
    context.close()
