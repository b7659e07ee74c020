"""The SMS channel accepts only requests signed by Twilio (X-Twilio-Signature)."""

from __future__ import annotations

import pytest
from sanic import Sanic
from twilio.request_validator import RequestValidator

from bot.channels.twilio_verified import TwilioVerifiedInput

AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
# Behind the municipality's proxy, Twilio signs the public URL it calls (TWILIO_WEBHOOK_URL).
PUBLIC_URL = "https://assistent.example.dk/webhooks/twilio_verified/webhook"
FORM = {"From": "+4520123456", "Body": "Jeg vil booke et møde", "MessageSid": "SM123"}


@pytest.fixture()
def channel_app():
    received = []

    async def on_new_message(message):
        received.append(message)

    channel = TwilioVerifiedInput(
        "AC" + "0" * 32, AUTH_TOKEN, "+4570000000", debug_mode=False, webhook_url=PUBLIC_URL
    )
    app = Sanic(f"twilio_test_{len(Sanic._app_registry)}")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/twilio_verified")
    return app, received


def post(app, form, signature: str | None):
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    _, response = app.test_client.post(
        "/webhooks/twilio_verified/webhook", data=form, headers=headers
    )
    return response


def signature_for(app, form, token=AUTH_TOKEN, url=PUBLIC_URL):
    return RequestValidator(token).compute_signature(url, form)


def test_a_message_signed_by_twilio_reaches_the_assistant(channel_app):
    app, received = channel_app
    response = post(app, FORM, signature_for(app, FORM))
    assert response.status == 204
    assert [(m.sender_id, m.text, m.input_channel) for m in received] == [
        ("+4520123456", "Jeg vil booke et møde", "twilio_verified")
    ]


def test_an_unsigned_message_is_refused(channel_app):
    app, received = channel_app
    assert post(app, FORM, None).status == 403
    assert received == []


def test_a_message_altered_after_signing_is_refused(channel_app):
    app, received = channel_app
    signature = signature_for(app, FORM)
    assert post(app, {**FORM, "From": "+4599999999"}, signature).status == 403
    assert received == []


def test_a_signature_for_another_url_is_refused(channel_app):
    app, received = channel_app
    other = "https://evil.example.com/webhooks/twilio_verified/webhook"
    assert post(app, FORM, signature_for(app, FORM, url=other)).status == 403
    assert received == []


def test_a_signature_made_with_another_token_is_refused(channel_app):
    app, received = channel_app
    assert post(app, FORM, signature_for(app, FORM, token="f" * 32)).status == 403
    assert received == []


def test_without_an_auth_token_every_message_is_refused(monkeypatch):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    channel = TwilioVerifiedInput.from_credentials(None)

    async def on_new_message(message):
        raise AssertionError("must not be called")

    app = Sanic("twilio_test_no_token")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/twilio_verified")
    form = dict(FORM)
    assert post(app, form, RequestValidator("").compute_signature("http://x/", form)).status == 403
