"""The caseworker's day in headless Chromium: log in, calendar, meeting, no-show, absence.

The app runs in a thread (werkzeug, free port) on a migrated SQLite file with demo data and a
fixed clock; the browser's clock is set to the same moment, so the week shown is stable.
Accessibility: axe-core runs on every caseworker and admin page (WCAG 2.1 A and AA).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from sqlalchemy import select

from booking.models import Booking
from tests.support.app import database_of, make_app, serving
from tests.support.browser import AXE, ROOT, SCREENSHOTS, axe_violations, launch, log_in
from tests.support.clock import NOW, Clock
from tests.support.staff import ADMIN_EMAIL, make_booking, make_user, offer_alone, seed
from web.cli import upgrade_database

pytestmark = pytest.mark.browser

VENDOR = ROOT / "web" / "static" / "vendor" / "fullcalendar" / "index.global.min.js"
EMAIL = "mette.jensen@example.dk"


class Site:
    def __init__(self, app: Flask, base_url: str, clock: Clock, meeting: str) -> None:
        self.app, self.base_url, self.clock, self.meeting = app, base_url, clock, meeting

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    for needed, hint in ((VENDOR, "make frontend"), (AXE, "npm install")):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run `{hint}` (part of `make setup`)")
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'app.db'}"
    upgrade_database(url)
    app = make_app(url)
    clock = Clock(NOW)
    app.extensions["clock"] = clock
    db = database_of(app)
    seed(db)
    offer_alone(db, EMAIL)  # so her absence shows in the API's slots
    make_user(db)
    make_user(db, email=ADMIN_EMAIL, role="admin", caseworker_email=None)
    meeting = make_booking(db, start=NOW + timedelta(minutes=10))  # Wed 08:10 in Copenhagen
    make_booking(db, start=NOW + timedelta(hours=3), citizen_name="Anden Borger")
    try:
        with serving(app) as base_url:
            yield Site(app, base_url, clock, meeting)
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def _context(browser: Browser, **kwargs: object) -> BrowserContext:
    context = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen", **kwargs)
    # Jitsi is external: never let the meeting page reach out to it.
    context.route("https://meet.test.invalid/**", lambda route: route.abort())
    return context


def _page(context: BrowserContext, site: Site) -> Page:
    page = context.new_page()
    page.clock.set_fixed_time(site.clock.now)
    return page


def _login(page: Page, site: Site, email: str = EMAIL) -> None:
    log_in(page, site.url("/login"), email)


def _booking_status(site: Site, reference: str) -> str:
    with site.app.extensions["database"].transaction() as session:
        return str(session.scalar(select(Booking.status).where(Booking.reference == reference)))


def test_a_caseworker_works_through_the_day(browser: Browser, site: Site) -> None:
    context = _context(browser)
    page = _page(context, site)
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    _login(page, site)
    expect(page.get_by_role("heading", name="I dag")).to_be_visible()
    expect(page.locator(".meeting-item--next")).to_contain_text("Karen Borger")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "caseworker-today.png"), full_page=True)

    # The week view shows the seeded meeting, under the strict CSP (no inline scripts).
    page.get_by_role("link", name="Kalender", exact=True).click()
    event = page.locator("a.fc-event.meeting").first
    expect(event).to_be_visible()
    expect(event).to_contain_text("Samtale med Jobcenter")
    expect(page.locator(".fc-toolbar-title")).to_contain_text("2026")
    expect(page.locator(".fc-col-header-cell").first).to_contain_text("man")  # Monday first
    expect(page.locator(".fc-bg-event.working-hours").first).to_be_attached()
    page.screenshot(path=str(SCREENSHOTS / "caseworker-calendar-week.png"), full_page=True)
    page.get_by_role("button", name="Måned").click()
    expect(page.locator(".fc-dayGridMonth-view")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "caseworker-calendar-month.png"), full_page=True)
    page.get_by_role("button", name="Uge").click()

    # A click opens the meeting.
    page.locator("a.fc-event.meeting").first.click()
    expect(page.get_by_role("heading", name=f"Møde {site.meeting}")).to_be_visible()
    expect(page.locator(".details")).to_contain_text("Karen Borger")
    expect(page.locator(".details")).to_contain_text("+4512345678")
    page.screenshot(path=str(SCREENSHOTS / "caseworker-meeting.png"), full_page=True)

    # Start the meeting: the meeting page, as moderator, inside the meeting window.
    page.get_by_role("link", name="Start møde").click()
    assert page.url.endswith(f"/caseworker/meetings/{site.meeting}/start")
    page.go_back()

    # After the start time, mark the citizen as a no-show.
    site.clock.advance(minutes=15)
    page.clock.set_fixed_time(site.clock.now)
    page.reload()
    page.get_by_role("button", name="Markér som udeblevet").click()
    expect(page.locator(".flash--success")).to_contain_text("udeblevet")
    expect(page.locator(".details")).to_contain_text("Udeblevet")
    assert _booking_status(site, site.meeting) == "no_show"

    # An absence on Thursday morning takes those slots out of the API at once.
    slots_url = site.url("/api/v1/services/jobcenter/slots?from=2026-11-26&to=2026-11-26")
    before = [s["start"] for s in page.request.get(slots_url).json()]
    assert "2026-11-26T09:00:00+01:00" in before
    page.get_by_role("link", name="Arbejdstider og fravær", exact=True).click()
    page.get_by_label("Fra dato").fill("2026-11-26")
    page.get_by_label("Fra klokken").fill("08:00")
    page.get_by_label("Til dato").fill("2026-11-26")
    page.get_by_label("Til klokken").fill("12:00")
    page.get_by_role("button", name="Tilføj fravær", exact=True).click()
    expect(page.locator(".flash--success")).to_contain_text("Fraværet er gemt")
    after = [s["start"] for s in page.request.get(slots_url).json()]
    assert after and all(s >= "2026-11-26T12:" for s in after)

    page.get_by_role("link", name="Kalender", exact=True).click()
    expect(page.locator(".fc-event.absence").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "caseworker-calendar-absence.png"), full_page=True)
    assert csp_errors == []
    context.close()


def test_the_workspace_works_on_a_phone(browser: Browser, site: Site) -> None:
    context = _context(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = _page(context, site)
    _login(page, site)
    page.goto(site.url("/caseworker/calendar"))
    expect(page.locator(".fc-timeGridDay-view")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=str(SCREENSHOTS / "caseworker-calendar-phone.png"), full_page=True)
    context.close()


def test_every_caseworker_and_admin_page_passes_axe(browser: Browser, site: Site) -> None:
    context = _context(browser, bypass_csp=True)
    page = _page(context, site)
    pages = {"/login": page.goto(site.url("/login"))}
    violations = {"/login": axe_violations(page)}
    _login(page, site)
    for path in [
        "/caseworker/",
        "/caseworker/calendar",
        f"/caseworker/meetings/{site.meeting}",
        "/caseworker/availability",
        "/caseworker/subscription",
        "/account/password",
    ]:
        pages[path] = page.goto(site.url(path))
        if path == "/caseworker/calendar":
            page.locator(".fc-event").first.wait_for()
        violations[path] = axe_violations(page)
    # Pages after a form: the new feed URL, and a form with errors.
    page.goto(site.url("/caseworker/subscription"))
    page.get_by_role("button", name="Lav adresse").click()
    expect(page.locator("#feed-url")).to_be_visible()
    violations["/caseworker/subscription (new URL)"] = axe_violations(page)
    page.goto(site.url("/caseworker/availability"))
    page.get_by_label("Mandag").fill("nonsense")
    page.get_by_role("button", name="Gem arbejdstider").click()
    expect(page.locator(".error-summary")).to_be_visible()
    violations["/caseworker/availability (errors)"] = axe_violations(page)

    page.get_by_role("button", name="Log ud").click()
    _login(page, site, "admin@example.dk")
    pages["/admin/"] = page.goto(site.url("/admin/"))
    violations["/admin/"] = axe_violations(page)
    page.get_by_role("button", name="Opret medarbejder").click()
    expect(page.locator(".error-summary")).to_be_visible()
    violations["/admin/ (errors)"] = axe_violations(page)

    assert all(r is not None and r.status == 200 for r in pages.values()), {
        p: r.status if r else None for p, r in pages.items()
    }
    assert {p: v for p, v in violations.items() if v} == {}
    context.close()
