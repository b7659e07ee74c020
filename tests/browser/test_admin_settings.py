"""The admin insight, meeting types, consent texts and municipality pages in headless Chromium.

The insight charts are drawn by the vendored Chart.js under the app's real Content-Security-
Policy (no violation); a phrase is added as an example with one click; a meeting type's form
shows a mistake beside its field. axe-core finds no WCAG 2.1 A/AA violation on any of these
pages, in Danish and in English, with and without form errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect, sync_playwright

from booking import assistant
from tests.support.app import database_of, make_app, serving
from tests.support.browser import (
    admin_page,
    axe_violations,
    collect_csp_violations,
    horizontal_overflow,
    launch,
    screenshot,
)
from tests.support.clock import NOW, Clock
from tests.support.conversations import tracker_store
from tests.support.insight import add_messages, parsed
from tests.support.staff import ADMIN_EMAIL, make_booking, make_user, seed
from web.cli import upgrade_database

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHARTJS = ROOT / "web" / "static" / "vendor" / "chartjs" / "chart.umd.min.js"
PAGES = [
    "/admin/",
    "/admin/insight",
    "/admin/services/",
    "/admin/services/new",
    "/admin/services/jobcenter",
    "/admin/consent-texts",
    "/admin/municipality",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    if not CHARTJS.exists():
        pytest.fail("Chart.js is not vendored: run `make frontend`")
    folder = tmp_path_factory.mktemp("admin-settings-browser")
    url = f"sqlite:///{folder / 'app.db'}"
    tracker_url = f"sqlite:///{folder / 'conversations.db'}"
    upgrade_database(url)
    store = tracker_store(tracker_url)
    unclear = parsed("må jeg tage min hund med", "nlu_fallback", 0.6, ("faq/cost", 0.3))
    add_messages(
        store,
        "kept",
        [unclear, unclear],
        at=NOW - timedelta(days=1),
        keep_until=NOW + timedelta(days=20),
    )
    store.engine.dispose()
    app = make_app(url, TRACKER_STORE_URL=tracker_url)
    app.extensions["clock"] = Clock(NOW)
    db = database_of(app)
    seed(db)
    make_user(db, email=ADMIN_EMAIL, role="admin", caseworker_email=None)
    for days, status in [(7, "completed"), (7, "no_show"), (7, "cancelled"), (14, "completed")]:
        make_booking(db, start=NOW - timedelta(days=days), status=status)
    try:
        with serving(app) as base_url:
            yield app, base_url
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def test_the_charts_draw_under_the_real_csp_and_a_phrase_becomes_an_example(
    browser: Browser, site: tuple[Flask, str]
) -> None:
    app, base_url = site
    context, page = admin_page(browser, base_url)  # no bypass_csp: the app's own policy
    csp = collect_csp_violations(page)
    page.get_by_role("link", name="Indsigt").click()
    chart = page.get_by_role("img", name="Bookinger pr. uge og mødetype")
    expect(chart).to_be_visible()
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".map(c => Chart.getChart(c) ? Chart.getChart(c).data.datasets.length : 0)"
    )
    assert drawn == [3, 2]  # three meeting types; cancelled and no-show rates
    table = page.locator("#bookings-per-week-table")
    expect(table).to_contain_text("4")
    screenshot(page, "admin-insight")
    row = page.get_by_role("row", name="må jeg tage min hund med")
    expect(row.get_by_label("Intent")).to_have_value("faq/cost")
    row.get_by_role("button", name="Tilføj").click()
    expect(page.locator(".flash--success")).to_contain_text("Formuleringen blev tilføjet")
    with database_of(app).transaction() as session:
        examples = assistant.snapshot(assistant.get_intent(session, "faq/cost"))["examples"]
    assert "må jeg tage min hund med" in examples["da"]
    assert csp == []
    context.close()


def test_a_meeting_type_with_a_mistake_and_then_right(
    browser: Browser, site: tuple[Flask, str]
) -> None:
    _, base_url = site
    context, page = admin_page(browser, base_url, bypass_csp=True)
    violations = {}
    page.get_by_role("link", name="Mødetyper").click()
    page.get_by_role("link", name="Samtale med Jobcenter").click()
    page.get_by_label("Varighed (minutter)").fill("nul")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#duration_minutes-error")).to_contain_text("helt tal")
    violations["service (errors)"] = axe_violations(page)
    screenshot(page, "admin-service-errors")
    page.get_by_label("Varighed (minutter)").fill("45")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".flash--success")).to_contain_text("Mødetypen blev gemt")
    expect(page.get_by_role("cell", name="45", exact=True)).to_be_visible()
    violations["service (history)"] = axe_violations(page)
    screenshot(page, "admin-service")

    page.goto(base_url + "/admin/consent-texts")
    page.locator("#text-booking-da").fill("")
    page.locator("#text-booking-da").locator("xpath=ancestor::form").get_by_role("button").click()
    expect(page.locator("#text-booking-da-error")).to_be_visible()
    violations["consent texts (errors)"] = axe_violations(page)

    page.goto(base_url + "/admin/municipality")
    page.get_by_label("Telefon").fill("ring til os")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#phone-error")).to_be_visible()
    violations["municipality (errors)"] = axe_violations(page)
    assert {name: found for name, found in violations.items() if found} == {}
    context.close()


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_new_admin_page_passes_axe_and_fits_a_phone(
    browser: Browser, site: tuple[Flask, str], language: str
) -> None:
    _, base_url = site
    context, page = admin_page(
        browser, base_url, bypass_csp=True, viewport={"width": 320, "height": 700}
    )
    violations, overflow = {}, {}
    for path in PAGES:
        response = page.goto(f"{base_url}{path}?lang={language}")
        assert response is not None and response.status == 200, path
        violations[path] = axe_violations(page)
        overflow[path] = horizontal_overflow(page)
    assert {path: found for path, found in violations.items() if found} == {}, json.dumps(
        violations, indent=1
    )[:3000]
    assert {path: px for path, px in overflow.items() if px > 0} == {}
    context.close()
