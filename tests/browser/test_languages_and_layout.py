"""What a real browser shows, in both languages: one language per page, no sideways scrolling at
320 px, scrollable tables reachable by keyboard, target sizes, the favicon, and axe-core clean
(WCAG 2.1 A and AA) on the citizen, manage, meeting, staff and accessibility pages, at 1280 px
and at 320 px. Screenshots go to reports/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.support import api
from tests.support.app import database_of, make_app, serving
from tests.support.browser import (
    AXE,
    SCREENSHOTS,
    WIDTHS,
    axe_violations,
    horizontal_overflow,
    launch,
    log_in,
)
from tests.support.clock import NOW, Clock
from tests.support.staff import make_booking, make_user, seed
from web.cli import upgrade_database

pytestmark = pytest.mark.browser

EMAIL = "mette.jensen@example.dk"
LANGUAGES = ("da", "en")


class Site:
    def __init__(self, base_url: str, clock: Clock, meeting: str, citizen: tuple[str, str]) -> None:
        self.base_url, self.clock, self.meeting = base_url, clock, meeting
        self.manage_link, self.meeting_page = citizen

    def url(self, path: str) -> str:
        return self.base_url + path


def _citizen_booking(app: Flask) -> tuple[str, str]:
    """A booking made through the API as the chat makes one: its manage link and the path of
    its meeting page."""
    app.extensions["clock"] = lambda: api.NOW
    booked = api.create(app.test_client())
    manage = f"/booking/{booked['reference']}?token={booked['manage_token']}"
    return manage, urlsplit(booked["meeting_url"]).path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm install` (part of `make setup`)")
    url = f"sqlite:///{tmp_path_factory.mktemp('layout') / 'app.db'}"
    upgrade_database(url)
    app = make_app(url)
    db = database_of(app)
    seed(db)
    make_user(db)
    citizen = _citizen_booking(app)  # in 2030, on the API tests' clock
    clock = Clock(NOW)
    app.extensions["clock"] = clock
    meeting = make_booking(db, start=NOW + timedelta(minutes=10))
    try:
        with serving(app) as base_url:
            yield Site(base_url, clock, meeting, citizen)
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def _context(browser: Browser, width: int = 1280, **kwargs: object) -> BrowserContext:
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
        bypass_csp=True,
        **kwargs,
    )
    context.route("https://meet.test.invalid/**", lambda route: route.abort())
    return context


def _login(page: Page, site: Site) -> None:
    log_in(page, site.url("/login"), EMAIL)
    page.wait_for_url("**/caseworker/**")


def _citizen_pages(site: Site) -> list[str]:
    return ["/", "/accessibility", "/login"]


def _staff_pages(site: Site) -> list[str]:
    return [
        "/caseworker/",
        f"/caseworker/meetings/{site.meeting}",
        "/caseworker/availability",
        "/caseworker/subscription",
        "/account/password",
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_citizen_pages_are_one_language_fit_the_screen_and_pass_axe(
    browser: Browser, site: Site, width: int
) -> None:
    context = _context(browser, width)
    page = context.new_page()
    page.clock.set_fixed_time(site.clock.now)
    found: dict[str, object] = {}
    first = page.goto(site.url(site.manage_link))  # the manage link, then the page without it
    assert first is not None and first.status == 200
    manage = page.url.removeprefix(site.base_url)
    for language in LANGUAGES:
        for path in [*_citizen_pages(site), manage, f"{manage}/move", site.meeting_page]:
            page.goto(site.url(f"{path}?lang={language}"))
            assert page.get_attribute("html", "lang") == language, path
            name = path.strip("/").replace("/", "-") or "home"
            page.screenshot(path=str(SCREENSHOTS / f"i18n-{name}-{language}-{width}.png"))
            if width == 320:
                found[f"{path} {language} sideways px"] = horizontal_overflow(page) or None
            found[f"{path} {language} axe"] = axe_violations(page) or None
    context.close()
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_pages_in_english_fit_the_screen_and_pass_axe(
    browser: Browser, site: Site, width: int
) -> None:
    context = _context(browser, width)
    page = context.new_page()
    page.clock.set_fixed_time(site.clock.now)
    _login(page, site)
    found: dict[str, object] = {}
    for language in LANGUAGES:
        for path in _staff_pages(site):
            page.goto(site.url(f"{path}?lang={language}"))
            assert page.get_attribute("html", "lang") == language, path
            if width == 320:
                found[f"{path} {language} sideways px"] = horizontal_overflow(page) or None
            found[f"{path} {language} axe"] = axe_violations(page) or None
    page.goto(site.url(f"/caseworker/meetings/{site.meeting}?lang=en"))
    page.screenshot(
        path=str(SCREENSHOTS / f"i18n-caseworker-meeting-en-{width}.png"), full_page=True
    )
    context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_the_scrollable_tables_are_reached_and_scrolled_by_keyboard(
    browser: Browser, site: Site
) -> None:
    context = _context(browser, 320)
    page = context.new_page()
    page.clock.set_fixed_time(site.clock.now)
    _login(page, site)
    page.goto(site.url(f"/caseworker/meetings/{site.meeting}"))
    regions = page.locator(".table-scroll")
    assert regions.count() >= 1
    reached: list[str] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.classList.contains('table-scroll')"
            " ? document.activeElement.getAttribute('aria-labelledby') : null"
        )
        if focused:
            reached.append(focused)
            before = page.evaluate("() => document.activeElement.scrollLeft")
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(100)
            scrolls = page.evaluate(
                "() => document.activeElement.scrollWidth > document.activeElement.clientWidth"
            )
            after = page.evaluate("() => document.activeElement.scrollLeft")
            assert not scrolls or after > before, f"{focused} does not scroll by keyboard"
        if len(reached) == regions.count():
            break
    assert reached == ["consents-heading", "notifications-heading"][: regions.count()]
    role = regions.first.get_attribute("role")
    assert role == "region" and regions.first.get_attribute("tabindex") == "0"
    context.close()


def test_the_manage_pages_calendar_link_is_a_large_enough_target(
    browser: Browser, site: Site
) -> None:
    context = _context(browser, 412)
    page = context.new_page()
    page.goto(site.url(site.manage_link))
    link = page.get_by_role("link", name="Tilføj til kalender (.ics)")
    box = link.bounding_box()
    assert box is not None and box["height"] >= 24 and box["width"] >= 24, box
    context.close()


def test_the_favicon_is_served_to_the_browser(browser: Browser, site: Site) -> None:
    context = _context(browser)
    response = context.request.get(site.url("/favicon.ico"))
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
    context.close()
