"""The administrator teaches the assistant, in headless Chromium; axe-core on every admin page.

An administrator adds an FAQ question through the form (first with a mistake, then right),
edits an answer, sees the change in the history and reverts it, and creates an API key. Every
page on the way, in Danish and in English, with and without form errors, is checked by
axe-core for WCAG 2.1 A and AA violations; at 320 CSS pixels nothing scrolls sideways.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from booking import assistant
from booking.assistant import trainings
from tests.support.app import database_of, make_app, serving
from tests.support.browser import (
    admin_page,
    axe_violations,
    horizontal_overflow,
    launch,
    screenshot,
)
from tests.support.clock import NOW, Clock
from tests.support.staff import ADMIN_EMAIL, make_user, seed
from tests.support.trainings import evaluation, succeeded_training
from web.cli import upgrade_database

pytestmark = pytest.mark.browser

PAGES = [
    "/admin/assistant/",
    "/admin/assistant/intents/faq/opening_hours",
    "/admin/assistant/intents/book_meeting",
    "/admin/assistant/faqs/new",
    "/admin/assistant/history",
    "/admin/api-keys",
    "/admin/assistant/trainings",
    "/admin/assistant/trainings/1",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('admin-browser') / 'app.db'}"
    upgrade_database(url)
    app = make_app(url)
    app.extensions["clock"] = Clock(NOW)
    db = database_of(app)
    seed(db)
    make_user(db, email=ADMIN_EMAIL, role="admin", caseworker_email=None)
    # training 1 succeeded and evaluated worse: its page shows both models' scores
    succeeded_training(db, tmp_path_factory.mktemp("candidates"))
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


def _logged_in(browser: Browser, base_url: str, **options: Any) -> tuple[BrowserContext, Page]:
    return admin_page(browser, base_url, bypass_csp=True, **options)  # axe-core is injected


def test_an_administrator_adds_a_question_edits_an_answer_and_reverts_it(
    browser: Browser, site: tuple[Flask, str]
) -> None:
    app, base_url = site
    context, page = _logged_in(browser, base_url)
    violations: dict[str, list] = {}

    page.get_by_role("link", name="Hvad assistenten ved").first.click()
    expect(page.get_by_role("heading", name="FAQ-spørgsmål")).to_be_visible()
    violations["list"] = axe_violations(page)
    screenshot(page, "admin-assistant")

    page.get_by_role("link", name="Nyt FAQ-spørgsmål").click()
    page.get_by_label("Spørgsmålets navn").fill("parking_permit")
    page.get_by_label("Danske eksempler, ét pr. linje").fill("parkering\nåbningstider")
    page.get_by_role("button", name="Tilføj spørgsmål").click()
    expect(page.locator(".error-summary")).to_contain_text("mindst 3")
    violations["new question (errors)"] = axe_violations(page)

    page.get_by_label("Danske eksempler, ét pr. linje").fill(
        "hvordan får jeg en parkeringstilladelse\nkan jeg søge om beboerlicens\n"
        "hvor søger man p-tilladelse"
    )
    page.get_by_label("Engelske eksempler, ét pr. linje").fill(
        "how do I get a parking permit\ncan I apply for a resident parking licence\n"
        "where do I apply for a parking permit"
    )
    page.get_by_label("Svar på dansk").fill("Du søger på kommunens hjemmeside.")
    page.get_by_label("Svar på engelsk").fill("You apply on the municipality's website.")
    page.get_by_role("button", name="Tilføj spørgsmål").click()
    expect(page.get_by_role("heading", name="FAQ-spørgsmål “parking_permit”")).to_be_visible()
    expect(page.locator(".flash--success")).to_contain_text("Spørgsmålet blev tilføjet")
    violations["new question (saved)"] = axe_violations(page)
    screenshot(page, "admin-assistant-question")

    page.get_by_label("Svar på dansk").fill("Søg på borger.dk, eller ring på {municipality_phone}.")
    page.get_by_role("button", name="Gem svar").click()
    expect(page.locator(".flash--success")).to_contain_text("Svaret blev gemt")
    page.get_by_label("Svar på engelsk").fill("")
    page.get_by_role("button", name="Gem svar").click()
    expect(page.locator("#answer_en-error")).to_contain_text("Skriv svaret på engelsk")
    violations["answer (errors)"] = axe_violations(page)

    page.get_by_role("link", name="Historik").click()
    expect(page.get_by_text("Svar ændret (Dansk)").first).to_be_visible()
    violations["history"] = axe_violations(page)
    screenshot(page, "admin-assistant-history")
    page.get_by_role("button", name="Fortryd Svar ændret").first.click()
    expect(page.locator(".flash--success")).to_contain_text("Ændringen blev fortrudt")
    with database_of(app).transaction() as session:
        faq = assistant.snapshot(assistant.get_intent(session, "faq/parking_permit"))
    assert faq["answer"]["da"] == "Du søger på kommunens hjemmeside."

    page.get_by_role("link", name="API-nøgler").first.click()
    page.get_by_label("Hvad nøglen bruges til").fill("FAQ-script")
    page.get_by_role("button", name="Opret nøgle").click()
    expect(page.locator("code.secret")).to_contain_text("bb_")
    violations["api keys (new key)"] = axe_violations(page)

    assert {name: found for name, found in violations.items() if found} == {}
    context.close()


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_admin_assistant_page_passes_axe_and_fits_a_phone(
    browser: Browser, site: tuple[Flask, str], language: str
) -> None:
    _, base_url = site
    context, page = _logged_in(browser, base_url, viewport={"width": 320, "height": 700})
    violations, overflow = {}, {}
    for path in PAGES:
        response = page.goto(f"{base_url}{path}?lang={language}")
        assert response is not None and response.status == 200, path
        violations[path] = axe_violations(page)
        overflow[path] = horizontal_overflow(page)
    assert {path: found for path, found in violations.items() if found} == {}
    assert {path: px for path, px in overflow.items() if px > 0} == {}
    context.close()


def test_an_administrator_starts_a_training_and_sees_its_progress_move(
    browser: Browser, site: tuple[Flask, str]
) -> None:
    """The worker is played by the test: the page follows what the training records."""
    app, base_url = site
    context, page = _logged_in(browser, base_url)
    page.goto(base_url + "/admin/assistant/trainings")
    violations = {"trainings": axe_violations(page)}
    page.get_by_role("button", name="Start en træning").click()
    expect(page.locator(".flash--success")).to_contain_text("Træningen blev sat i kø")
    expect(page.locator("#progress-bar")).to_have_attribute("value", "0")
    db = database_of(app)
    with db.transaction() as session:
        training = trainings.claim_next(session, now=NOW)
        assert training is not None
        training_id = training.id
        trainings.report_progress(session, training_id, progress=0.42, phase="training", now=NOW)
    expect(page.locator("#progress-bar")).to_have_attribute("value", "42", timeout=15_000)
    expect(page.locator('[data-field="percent"]')).to_have_text("42 %")
    violations["running"] = axe_violations(page)
    screenshot(page, "admin-assistant-training-running")
    with db.transaction() as session:
        trainings.succeed(
            session,
            training_id,
            model_file="/nowhere/model.tar.gz",
            evaluation=evaluation(0.95, 0.93),
            now=NOW,
        )
    # the page reloads by itself when the training has finished
    expect(page.get_by_text("Den nye model er ikke dårligere")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("button", name="Offentliggør denne model")).to_be_visible()
    violations["succeeded"] = axe_violations(page)
    screenshot(page, "admin-assistant-training")
    assert {name: found for name, found in violations.items() if found} == {}
    context.close()
