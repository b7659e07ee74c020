"""Rasa's HTTP API is closed without the token; CORS grants only the configured origins.

Runs against the session's assistant (conftest.py), started by `bot/serve rasa` as in `make run`.
"""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.slow

SENDER = "e2e-api-security"


@pytest.fixture(scope="module")
def conversation(assistant):
    assistant.say(SENDER, "hej")
    return SENDER


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/conversations/{SENDER}/tracker"),
        ("GET", f"/conversations/{SENDER}/story"),
        ("POST", f"/conversations/{SENDER}/tracker/events"),
        ("POST", f"/conversations/{SENDER}/messages"),
        ("POST", f"/conversations/{SENDER}/predict"),
        ("GET", "/status"),
        ("PUT", "/model"),
        ("DELETE", "/model"),
        ("POST", "/model/parse"),
        ("GET", "/domain"),
    ],
)
def test_the_http_api_answers_401_without_the_token(assistant, conversation, method, path):
    response = assistant.api(method, path, token=False, json={"text": "hej"})
    assert response.status_code == 401, (method, path, response.text)


def test_a_wrong_token_is_refused_too(assistant, conversation):
    response = requests.get(
        f"{assistant.url}/conversations/{conversation}/tracker",
        params={"token": "not-" + assistant.token},
        timeout=10,
    )
    assert response.status_code == 401


def test_with_the_token_the_tracker_model_and_conversation_endpoints_answer(
    assistant, conversation
):
    tracker = assistant.api("GET", f"/conversations/{conversation}/tracker")
    assert tracker.status_code == 200 and tracker.json()["sender_id"] == conversation
    status = assistant.api("GET", "/status")
    assert status.status_code == 200 and status.json()["model_file"]
    parsed = assistant.api("POST", "/model/parse", json={"text": "hej"})
    assert parsed.status_code == 200 and parsed.json()["intent"]["name"] == "greet"
    story = assistant.api("GET", f"/conversations/{conversation}/story")
    assert story.status_code == 200


def test_the_widget_channel_stays_open_without_the_token(assistant):
    response = requests.post(
        f"{assistant.url}/webhooks/rest/webhook",
        json={"sender": "e2e-open-channel", "message": "hej"},
        timeout=60,
    )
    assert response.status_code == 200 and response.json()


def _preflight(assistant, origin: str) -> requests.Response:
    return requests.options(
        f"{assistant.url}/webhooks/rest/webhook",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )


def _cross_origin_post(assistant, origin: str) -> requests.Response:
    return requests.post(
        f"{assistant.url}/webhooks/rest/webhook",
        json={"sender": "e2e-cors", "message": "hej"},
        headers={"Origin": origin},
        timeout=60,
    )


@pytest.mark.parametrize("origin", ["http://127.0.0.1:8000", "https://www.eksempel-kommune.dk"])
def test_the_apps_origin_and_the_widget_sites_get_a_cors_grant(assistant, origin):
    assert _preflight(assistant, origin).headers.get("Access-Control-Allow-Origin") == origin
    granted = _cross_origin_post(assistant, origin).headers.get("Access-Control-Allow-Origin")
    assert granted == origin


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://127.0.0.1:9999", "https://eksempel-kommune.dk"]
)
def test_an_unknown_origin_gets_no_cors_grant(assistant, origin):
    for response in (_preflight(assistant, origin), _cross_origin_post(assistant, origin)):
        assert "Access-Control-Allow-Origin" not in response.headers, response.headers
        assert "access-control-allow-credentials" not in {k.lower() for k in response.headers}


def test_the_api_is_bound_to_loopback_only(assistant):
    import socket

    port = int(assistant.url.rsplit(":", 1)[1])
    addresses = {
        info[4][0]
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        if not info[4][0].startswith("127.")
    }
    for address in addresses:
        with socket.socket() as sock:
            sock.settimeout(2)
            assert sock.connect_ex((address, port)) != 0, f"rasa answers on {address}:{port}"
