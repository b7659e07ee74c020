"""The public page with the chat widget, and the municipality facts the assistant reads."""

from __future__ import annotations

import re


def test_the_front_page_embeds_the_widget_with_the_one_line_snippet(app, client):
    app.config["RASA_URL"] = "https://assistent.example.dk"
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Exactly what a municipality pastes into its own page.
    assert '<script src="http://localhost/widget.js" async data-lang="da"></script>' in html
    # a strict CSP forbids inline scripts: every <script> loads a file
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "chat.js" not in html
    assert app.config["MUNICIPALITY_PHONE"] in html  # the phone alternative is always shown
    assert 'href="/book/"' in html  # and booking without the chat
    policy = page.headers["Content-Security-Policy"]
    assert "connect-src 'self' https://assistent.example.dk;" in policy
    assert "script-src 'self';" in policy  # still no inline scripts
    assert 'data-lang="en"' in client.get("/?lang=en").get_data(as_text=True)


def test_the_widget_gets_the_assistants_address_from_the_booking_host(app, client):
    app.config["RASA_URL"] = "https://assistent.example.dk"
    config = client.get("/widget/config.json").get_json()
    assert config["rasa_url"] == "https://assistent.example.dk"
    script = client.get("/widget.js")
    assert script.status_code == 200
    assert b"/webhooks/rest/webhook" in script.get_data()
    script.close()


def test_the_municipality_facts_come_from_configuration(app, client):
    app.config.update(
        MUNICIPALITY_NAME="Testrup Kommune",
        MUNICIPALITY_PHONE="+45 11 22 33 44",
        MUNICIPALITY_OPENING_HOURS_EN="Mon-Fri 8-16",
    )
    body = client.get("/api/v1/municipality").get_json()
    assert body["name"] == "Testrup Kommune" and body["phone"] == "+45 11 22 33 44"
    assert body["opening_hours"]["en"] == "Mon-Fri 8-16"
    assert set(body) == {"name", "phone", "address", "opening_hours", "privacy_url"}
    assert body["privacy_url"] == "http://localhost/privacy"
