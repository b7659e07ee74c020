"""What the booking host serves for the embedded widget: the script, its stylesheet, its config.

The script's URL is fixed (municipalities paste it), so it is cached briefly and revalidated
by ETag; the stylesheet's URL is versioned by content and cached for a year; the config is
readable only by the allowed embedding origins.
"""

from __future__ import annotations

import re

import pytest

SITE = "https://www.eksempel-kommune.dk"


@pytest.fixture
def app_settings():
    return {"WIDGET_ORIGINS": [SITE, "https://borger.eksempel-kommune.dk"]}


def test_the_script_is_cached_briefly_and_revalidated_by_etag(client):
    first = client.get("/widget.js")
    assert first.status_code == 200
    assert first.mimetype == "text/javascript"
    assert "public" in first.headers["Cache-Control"]
    assert "max-age=300" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    first.close()
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    again.close()


def test_the_script_sets_no_inline_style_and_never_parses_bot_text_as_html(client):
    response = client.get("/widget.js")
    source = response.get_data(as_text=True)
    response.close()
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source
    assert ".style." not in source and 'setAttribute("style' not in source
    assert "eval(" not in source and "new Function" not in source
    assert "attachShadow" in source and "sessionStorage" in source


def test_the_stylesheet_url_carries_its_version_and_is_immutable(client):
    config = client.get("/widget/config.json").get_json()
    match = re.fullmatch(
        r"http://localhost(/widget/([0-9a-f]{16})/widget\.css)", config["stylesheet"]
    )
    assert match
    sheet = client.get(match.group(1))
    assert sheet.status_code == 200 and sheet.mimetype == "text/css"
    assert "max-age=31536000" in sheet.headers["Cache-Control"]
    assert "immutable" in sheet.headers["Cache-Control"]
    assert b":host" in sheet.get_data()
    sheet.close()
    old = client.get("/widget/0000000000000000/widget.css")
    assert old.status_code == 302
    assert old.headers["Location"].endswith(match.group(1))


@pytest.mark.parametrize("origin", [SITE, "https://borger.eksempel-kommune.dk", "http://localhost"])
def test_allowed_sites_may_read_the_config(client, origin):
    response = client.get("/widget/config.json", headers={"Origin": origin})
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "Origin" in response.headers["Vary"]


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "https://www.eksempel-kommune.dk.evil.example", "null"]
)
def test_other_sites_may_not(client, origin):
    response = client.get("/widget/config.json", headers={"Origin": origin})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_config_carries_every_text_in_both_languages_and_the_links(client):
    config = client.get("/widget/config.json").get_json()
    da, en = config["texts"]["da"], config["texts"]["en"]
    assert set(da) == set(en)
    assert da["launcher"] == "Chat med os" and en["launcher"] == "Chat with us"
    assert da["language_name"] == "Dansk" and en["language_name"] == "English"
    assert all(da[key] != en[key] for key in ("input_label", "restart", "retry", "privacy_link"))
    assert config["privacy_url"] == "http://localhost/privacy"
    assert config["book_url"] == "http://localhost/book/"


def test_the_transcript_switch_is_labelled_in_each_language(client):
    texts = client.get("/widget/config.json").get_json()["texts"]
    assert texts["da"]["transcript_switch"] == "Gem samtalen (valgfrit)"
    assert texts["en"]["transcript_switch"] == "Keep this conversation (optional)"
    assert texts["da"]["transcript_dropped"] == "Gem ikke samtalen"


def test_the_transcript_switch_sends_the_consent_intents(client):
    script = client.get("/widget.js").get_data(as_text=True)
    assert '"/keep_transcript"' in script and '"/drop_transcript"' in script
