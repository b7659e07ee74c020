"""SMS senders behind one small interface, chosen by configuration.

`ConsoleSmsSender` prints (development), `MemorySmsSender` records (tests); the Twilio sender
lives in `booking.notify.twilio_sms`.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

log = logging.getLogger(__name__)


class SmsError(Exception):
    """Sending failed; `retryable` says whether trying again later may help."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class SentSms:
    provider_message_id: str


class SmsSender(Protocol):
    def send(self, to: str, body: str, *, reference: str | None = None) -> SentSms: ...

    def find_sent(self, to: str, body: str, *, since: datetime) -> SentSms | None:
        """The message with this body sent to `to` since `since`, if the provider has it.

        The dispatcher asks this before resending a message whose worker died mid-send.
        """
        ...


class ConsoleSmsSender:
    """Writes each message to standard output, for `make run` without Twilio credentials."""

    def send(self, to: str, body: str, *, reference: str | None = None) -> SentSms:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        print(f"[SMS to {to}] {body}", file=sys.stdout, flush=True)
        return SentSms(message_id)

    def find_sent(self, to: str, body: str, *, since: datetime) -> SentSms | None:
        # Standard output keeps no record; a development worker killed mid-send may print twice.
        return None


@dataclass
class MemorySmsSender:
    """Keeps sent messages in a list so tests can read them."""

    sent: list[dict[str, Any]] = field(default_factory=list)

    def send(self, to: str, body: str, *, reference: str | None = None) -> SentSms:
        message_id = f"memory-{len(self.sent) + 1}"
        self.sent.append({"to": to, "body": body, "id": message_id, "reference": reference})
        return SentSms(message_id)

    def find_sent(self, to: str, body: str, *, since: datetime) -> SentSms | None:
        for message in reversed(self.sent):
            if message["to"] == to and message["body"] == body:
                return SentSms(str(message["id"]))
        return None


def sms_sender_from_config(config: Mapping[str, Any]) -> SmsSender:
    backend = config.get("SMS_BACKEND") or (
        "twilio"
        if config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN")
        else "console"
    )
    if backend == "memory":
        return MemorySmsSender()
    if backend == "console":
        return ConsoleSmsSender()
    if backend == "twilio":
        from booking.notify.twilio_sms import TwilioSmsSender

        return TwilioSmsSender.from_config(config)
    raise RuntimeError(f"unknown SMS_BACKEND {backend!r}")
