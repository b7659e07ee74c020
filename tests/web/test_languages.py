"""One language at a time: `?lang=` (remembered in a cookie), then the cookie, then the browser's
Accept-Language, Danish by default; `<html lang>` follows, and the switch leads to the other."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def html_lang(page: str) -> str:
    found = re.search(r'<html lang="([a-z]+)"', page)
    assert found, "no <html lang>"
    return found.group(1)


def language_cookie(response) -> str | None:
    found = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang=")]
    return found[0] if found else None


def get(client: FlaskClient, url: str, **headers: str) -> tuple[str, object]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True), response


def test_danish_is_the_default_without_any_preference(client: FlaskClient) -> None:
    page, _ = get(client, "/accessibility")
    assert html_lang(page) == "da"
    assert "Tilgængelighedserklæring" in page and "Accessibility statement" not in page


def test_accept_language_chooses_english_when_nothing_was_chosen(client: FlaskClient) -> None:
    page, response = get(client, "/accessibility", **{"Accept-Language": "en-GB,en;q=0.9"})
    assert html_lang(page) == "en"
    assert "Accessibility statement" in page and "Tilgængelighedserklæring" not in page
    assert "Accept-Language" in response.headers["Vary"]


def test_an_unsupported_accept_language_falls_back_to_danish(client: FlaskClient) -> None:
    page, _ = get(client, "/accessibility", **{"Accept-Language": "de-DE,fr;q=0.8"})
    assert html_lang(page) == "da"


def test_lang_in_the_query_wins_and_is_remembered_in_a_cookie(client: FlaskClient) -> None:
    page, response = get(client, "/accessibility?lang=en", **{"Accept-Language": "da"})
    assert html_lang(page) == "en"
    cookie = language_cookie(response)
    assert cookie and cookie.startswith("lang=en;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

    page, _ = get(client, "/accessibility", **{"Accept-Language": "da"})
    assert html_lang(page) == "en", "the cookie outranks Accept-Language"


def test_switching_back_to_danish_replaces_the_cookie(client: FlaskClient) -> None:
    get(client, "/accessibility?lang=en")
    page, response = get(client, "/accessibility?lang=da", **{"Accept-Language": "en"})
    assert html_lang(page) == "da" and (language_cookie(response) or "").startswith("lang=da;")
    page, _ = get(client, "/accessibility", **{"Accept-Language": "en"})
    assert html_lang(page) == "da"


def test_an_unknown_lang_is_ignored_and_sets_no_cookie(client: FlaskClient) -> None:
    page, response = get(client, "/accessibility?lang=xx", **{"Accept-Language": "en"})
    assert html_lang(page) == "en"
    assert language_cookie(response) is None


def test_the_switch_links_to_the_same_page_in_the_other_language(client: FlaskClient) -> None:
    page, _ = get(client, "/accessibility?x=1")
    assert '<a href="/accessibility?x=1&amp;lang=en" lang="en" hreflang="en">English</a>' in page
    page, _ = get(client, "/accessibility?lang=en")
    assert '<a href="/accessibility?lang=da" lang="da" hreflang="da">Dansk</a>' in page


def test_every_page_links_to_the_accessibility_statement(client: FlaskClient) -> None:
    for url in ("/", "/accessibility", "/login"):
        page, _ = get(client, url)
        assert 'href="/accessibility"' in page, url


def test_the_accessibility_statement_names_status_limits_contact_and_complaints(
    client: FlaskClient, app
) -> None:
    page, _ = get(client, "/accessibility")
    for text in ("Overholdelsesstatus", "Kendte begrænsninger", "Feedback og kontakt"):
        assert text in page
    assert app.config["MUNICIPALITY_PHONE"] in page and app.config["MUNICIPALITY_EMAIL"] in page
    assert "digst.dk" in page and "Klagemulighed" in page
    assert "06.12.2026" in page
    page, _ = get(client, "/accessibility?lang=en")
    assert "Conformance status" in page and "06/12/2026" in page


def test_the_favicon_is_served(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"
