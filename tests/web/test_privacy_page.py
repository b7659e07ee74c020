"""/privacy: generated from the configured services, consents and retention periods."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.support.api import prepare


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"CONVERSATION_RETENTION_DAYS": 14, "TRANSCRIPT_RETENTION_DAYS": 45}


def test_the_notice_is_danish_by_default_and_names_controller_services_and_retention(
    app: Flask,
) -> None:
    prepare(app)  # jobcenter, retention 90 days, and the demo consent texts
    page = app.test_client().get("/privacy")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Privatlivserklæring</h1>" in html
    assert f"Dataansvarlig er {app.config['MUNICIPALITY_NAME']}" in html
    assert app.config["MUNICIPALITY_PHONE"] in html
    assert "<td>90 dage</td>" in html  # the service's retention period
    assert "slettes 14 dage efter den sidste besked" in html  # the conversation retention
    assert "krypteret i 45 dage" in html  # the transcript consent's retention
    assert "Gem chatsamtale" in html and "SMS-påmindelser" in html  # the consent purposes
    assert "Datatilsynet" in html
    assert "Privacy notice" not in html  # one language at a time


def test_the_notice_is_in_english_by_choice(app: Flask) -> None:
    prepare(app)
    html = app.test_client().get("/privacy?lang=en").get_data(as_text=True)
    assert "<h1>Privacy notice</h1>" in html
    assert "<td>90 days</td>" in html and "deleted 14 days after its last message" in html
    assert "Privatlivserklæring" not in html


@pytest.mark.parametrize("path", ["/", "/accessibility", "/privacy"])
def test_every_citizen_page_links_to_the_notice(app: Flask, path: str) -> None:
    prepare(app)
    html = app.test_client().get(path).get_data(as_text=True)
    assert 'href="/privacy"' in html


def test_the_chat_widget_links_to_the_chat_part_of_the_notice(app: Flask) -> None:
    prepare(app)
    html = app.test_client().get("/").get_data(as_text=True)
    assert 'href="/privacy#chat"' in html and "Sådan behandler vi det, du skriver" in html
