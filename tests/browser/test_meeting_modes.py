"""The caseworker sees each meeting's mode, and the number to call or the address, in the
calendar and on the meeting page (headless Chromium, axe-core clean)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_caseworker_workspace import (  # noqa: F401 - the browser fixture
    EMAIL,
    VENDOR,
    Site,
    _context,
    _login,
    _page,
    browser,
)
from tests.support.app import database_of, make_app, serving
from tests.support.browser import AXE, SCREENSHOTS, axe_violations
from tests.support.clock import NOW, Clock
from tests.support.staff import make_booking, make_user, offer_alone, seed
from web.cli import upgrade_database

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def modes_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str, str]]:
    for needed in (VENDOR, AXE):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run `make setup`")
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-modes') / 'app.db'}"
    upgrade_database(url)
    app = make_app(url)
    clock = Clock(NOW)
    app.extensions["clock"] = clock
    db = database_of(app)
    seed(db)
    offer_alone(db, EMAIL)
    make_user(db)
    phone = make_booking(
        db, start=NOW + timedelta(hours=2), mode="phone", room_name=None, citizen_name="Per Ring"
    )
    in_person = make_booking(
        db,
        start=NOW + timedelta(days=1, hours=2),  # Thursday: an office day
        mode="in_person",
        room_name=None,
        citizen_name="Ida Fremmøde",
    )
    try:
        with serving(app) as base_url:
            yield Site(app, base_url, clock, phone), phone, in_person
    finally:
        db.dispose()


def test_the_caseworker_sees_mode_and_place_in_calendar_and_meeting_page(
    browser: Browser,  # noqa: F811
    modes_site: tuple[Site, str, str],
) -> None:
    site, phone, in_person = modes_site
    context = _context(browser)
    page = _page(context, site)
    _login(page, site)

    page.goto(site.url("/caseworker/calendar"))
    events = page.locator("a.fc-event.meeting")
    expect(events.filter(has_text="Telefonmøde")).to_contain_text("+45 12345678")
    expect(events.filter(has_text="Fysisk møde")).to_contain_text("Jobcentret, Rådhuspladsen 1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "caseworker-calendar-modes.png"), full_page=True)

    events.filter(has_text="Telefonmøde").first.click()
    expect(page).to_have_url(site.url(f"/caseworker/meetings/{phone}"))
    mode = page.locator("dd.meeting-mode")
    expect(mode).to_contain_text("Telefonmøde")
    expect(mode.get_by_role("link", name="+45 12345678")).to_have_attribute(
        "href", "tel:+4512345678"
    )
    expect(page.get_by_role("link", name="Start møde / Start meeting")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "caseworker-meeting-phone.png"), full_page=True)

    page.goto(site.url(f"/caseworker/meetings/{in_person}"))
    expect(page.locator("dd.meeting-mode")).to_contain_text("Fysisk møde")
    expect(page.locator("dd.meeting-place")).to_contain_text(
        "Jobcentret, Rådhuspladsen 1, stueetagen"
    )
    context.close()


def test_the_mode_pages_pass_axe(
    browser: Browser,  # noqa: F811
    modes_site: tuple[Site, str, str],
) -> None:
    site, phone, in_person = modes_site
    context = _context(browser, bypass_csp=True)
    page = _page(context, site)
    _login(page, site)
    violations = {}
    for path in [
        f"/caseworker/meetings/{phone}",
        f"/caseworker/meetings/{in_person}",
        "/caseworker/calendar",
    ]:
        response = page.goto(site.url(path))
        assert response is not None and response.status == 200
        if path.endswith("calendar"):
            page.locator(".fc-event").first.wait_for()
        violations[path] = axe_violations(page)
    assert {p: v for p, v in violations.items() if v} == {}
    context.close()
