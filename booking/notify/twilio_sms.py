"""SMS through Twilio's REST API with the official `twilio` client.

Every failure becomes one exception type, `SmsError`, whose `retryable` says whether the
dispatcher should try again: network errors, timeouts, 429 and 5xx are worth retrying; any
other 4xx (a bad number, a blocked recipient, wrong credentials) is not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from booking.notify.sms import SentSms, SmsError

TWILIO_API = "https://api.twilio.com"
DEFAULT_TIMEOUT_SECONDS = 10.0
# Twilio's clock and ours may differ a little; look a bit further back than the claim time.
LOOKUP_SKEW = timedelta(minutes=2)
LOOKUP_LIMIT = 50
STATUS_CALLBACK_PATH = "/webhooks/twilio/status"


class RebasedHttpClient(TwilioHttpClient):
    """Sends the requests meant for https://api.twilio.com to another base URL.

    Used when `TWILIO_API_BASE_URL` is set: tests point it at a local server on 127.0.0.1,
    and a deployment may point it at an egress proxy.
    """

    def __init__(self, base_url: str, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


class TwilioSmsSender:
    """Sends SMS from a number or alphanumeric sender (`TWILIO_FROM`) or a messaging service."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_: str = "",
        messaging_service_sid: str = "",
        status_callback_url: str = "",
        api_base_url: str = "",
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        if not (from_ or messaging_service_sid):
            raise ValueError("set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID")
        http_client = (
            RebasedHttpClient(api_base_url, timeout=timeout)
            if api_base_url
            else TwilioHttpClient(timeout=timeout)
        )
        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.from_ = from_
        self.messaging_service_sid = messaging_service_sid
        self.status_callback_url = status_callback_url

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TwilioSmsSender:
        """Build from `TWILIO_*` settings; status callbacks go to PUBLIC_BASE_URL."""
        base = str(config.get("PUBLIC_BASE_URL") or "").rstrip("/")
        return cls(
            account_sid=str(config["TWILIO_ACCOUNT_SID"]),
            auth_token=str(config["TWILIO_AUTH_TOKEN"]),
            from_=str(config.get("TWILIO_FROM") or ""),
            messaging_service_sid=str(config.get("TWILIO_MESSAGING_SERVICE_SID") or ""),
            status_callback_url=f"{base}{STATUS_CALLBACK_PATH}" if base else "",
            api_base_url=str(config.get("TWILIO_API_BASE_URL") or ""),
            timeout=float(config.get("TWILIO_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS),
        )

    def send(self, to: str, body: str, *, reference: str | None = None) -> SentSms:
        """Hand one message to Twilio; returns Twilio's message SID."""
        kwargs: dict[str, Any] = {"to": to, "body": body}
        if self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        else:
            kwargs["from_"] = self.from_
        if self.status_callback_url:
            kwargs["status_callback"] = self._callback_url(reference)
        with _as_sms_error():
            message = self.client.messages.create(**kwargs)
        return SentSms(str(message.sid))

    def find_sent(self, to: str, body: str, *, since: datetime) -> SentSms | None:
        """Find a message with exactly this body that Twilio accepted for `to` since `since`."""
        with _as_sms_error():
            recent = self.client.messages.list(to=to, limit=LOOKUP_LIMIT)
        for message in recent:
            created = message.date_created
            if message.body == body and (created is None or created >= since - LOOKUP_SKEW):
                return SentSms(str(message.sid))
        return None

    def _callback_url(self, reference: str | None) -> str:
        if not reference:
            return self.status_callback_url
        return f"{self.status_callback_url}?ref={quote(reference, safe='')}"


@contextmanager
def _as_sms_error() -> Iterator[None]:
    try:
        yield
    except TwilioRestException as exc:
        retryable = exc.status == 429 or exc.status >= 500
        raise SmsError(f"Twilio {exc.status} {exc.code}: {exc.msg}", retryable=retryable) from exc
    except requests.RequestException as exc:
        raise SmsError(f"Twilio unreachable: {type(exc).__name__}", retryable=True) from exc
    except TwilioException as exc:
        raise SmsError(f"Twilio: {exc}", retryable=True) from exc
