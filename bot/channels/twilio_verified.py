"""SMS conversations through Twilio, accepting only requests Twilio signed.

Rasa's stock `twilio` channel trusts any POST to its webhook, so anyone who knows the URL could
talk to the bot as any phone number. This channel checks `X-Twilio-Signature` with the twilio
library's RequestValidator and answers 403 otherwise. Without an auth token it refuses every
request (fail closed).

Settings come from the environment, not credentials.yml: TWILIO_ACCOUNT_SID,
TWILIO_AUTH_TOKEN, TWILIO_FROM, and TWILIO_WEBHOOK_URL (the public URL Twilio calls, needed
when Rasa runs behind a proxy; default: the URL of the request as Rasa sees it).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

logger = logging.getLogger(__name__)


def is_signed_by_twilio(
    auth_token: str | None, url: str, params: dict[str, str], signature: str
) -> bool:
    """True when `signature` is Twilio's signature of this URL and form body."""
    if not auth_token or not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, params, signature))


class TwilioVerifiedInput(TwilioInput):
    @classmethod
    def name(cls) -> str:
        return "twilio_verified"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioVerifiedInput:
        credentials = credentials or {}
        return cls(
            credentials.get("account_sid") or os.environ.get("TWILIO_ACCOUNT_SID"),
            credentials.get("auth_token") or os.environ.get("TWILIO_AUTH_TOKEN"),
            credentials.get("twilio_number") or os.environ.get("TWILIO_FROM"),
            debug_mode=False,
            webhook_url=credentials.get("webhook_url") or os.environ.get("TWILIO_WEBHOOK_URL"),
        )

    def __init__(self, *args: Any, webhook_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.webhook_url = webhook_url

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("twilio_verified_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            params = {key: request.form.get(key) for key in request.form}
            url = self.webhook_url or request.url
            signature = request.headers.get("X-Twilio-Signature", "")
            if not is_signed_by_twilio(self.auth_token, url, params, signature):
                logger.warning("Rejected an unsigned or wrongly signed Twilio request")
                return response.json({"error": "invalid signature"}, status=403)
            sender, text = params.get("From"), params.get("Body")
            if not sender or text is None:
                return response.json({"error": "From and Body are required"}, status=400)
            await on_new_message(
                UserMessage(
                    text.replace("¡", "@"),  # some carriers mangle @ in SMS
                    self.get_output_channel(),
                    sender,
                    input_channel=self.name(),
                    metadata=self.get_metadata(request),
                )
            )
            return response.text("", status=204)

        return webhook
