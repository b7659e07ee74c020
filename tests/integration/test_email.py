"""E-mail through a real SMTP server (aiosmtpd on 127.0.0.1), the invite parsed back."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from icalendar import Calendar
from sqlalchemy import select

from booking.db import Database
from booking.models import OutboxMessage
from booking.notify import (
    DispatchSettings,
    MemorySmsSender,
    NotifySettings,
    Senders,
    dispatch_once,
    outbox,
)
from booking.notify.email import (
    ConsoleEmailSender,
    EmailError,
    OutgoingEmail,
    SmtpEmailSender,
    email_sender_from_config,
)
from tests.support.factories import make_booking, make_caseworker, make_service

NOW = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


class Inbox:
    """Collects what the SMTP server received; can refuse recipients with a given code."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse_with: str | None = None

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or b""
        self.received.append((str(envelope.mail_from), list(envelope.rcpt_tos), content))
        return "250 Message accepted"

    def messages(self) -> list[Message]:
        return [email.message_from_bytes(raw, policy=policy.default) for _, _, raw in self.received]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def smtp_config(port: int, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_STARTTLS": False,
        "MAIL_FROM": "Eksempel Kommune <noreply@eksempel.dk>",
    }
    config.update(overrides)
    return config


def test_an_email_with_the_invite_arrives_and_the_invite_parses_back(
    db: Database, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    settings = NotifySettings(
        public_base_url="https://booking.eksempel.dk",
        secret_key="s" * 40,
        municipality_name="Eksempel Kommune",
        municipality_phone="+45 70 12 34 56",
        mail_from="Eksempel Kommune <noreply@eksempel.dk>",
    )
    with db.transaction() as session:
        service = make_service(session)
        caseworker = make_caseworker(session, services=[service])
        booking = make_booking(session, service=service, caseworker=caseworker, start=START)
        outbox.on_booking_created(session, booking, now=NOW, settings=settings, manage_token="t0k")
        reference = booking.reference
    senders = Senders(sms=MemorySmsSender(), email=email_sender_from_config(smtp_config(port)))
    dispatch_settings = DispatchSettings.from_mapping(smtp_config(port))

    report = dispatch_once(db, senders, now=NOW, worker_id="w", settings=dispatch_settings)

    assert report.sent == 2  # the SMS and the e-mail
    [(mail_from, rcpt_tos, _)] = inbox.received
    assert (mail_from, rcpt_tos) == ("noreply@eksempel.dk", ["anna@example.dk"])
    [message] = inbox.messages()
    assert message["Subject"] == "Eksempel Kommune: Bekræftelse: videomøde mandag 7. jan. kl. 10.00"
    assert message["Message-ID"].startswith("<outbox-") and "@eksempel.dk>" in message["Message-ID"]
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    assert f"/booking/{reference}?token=t0k" in text.get_payload(decode=True).decode("utf-8")
    [invite_part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert invite_part.get_param("method") == "REQUEST"
    assert invite_part.get_filename() == "invitation.ics"
    invite = Calendar.from_ical(invite_part.get_payload(decode=True))
    event = next(iter(invite.walk("VEVENT")))
    assert event.decoded("dtstart").astimezone(UTC) == START
    assert str(event["uid"]).startswith(reference)
    with db.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")).all()
        assert [(r.status, r.body) for r in rows] == [("sent", None)]


def test_a_cancellation_invite_carries_method_cancel(smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n"
    SmtpEmailSender.from_config(smtp_config(port)).send(
        OutgoingEmail(
            to="anna@example.dk",
            subject="Aflyst",
            text="Dit møde er aflyst.",
            message_id="<outbox-9@eksempel.dk>",
            ics=ics,
            ics_method="CANCEL",
        )
    )
    [message] = inbox.messages()
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"
    assert Calendar.from_ical(part.get_payload(decode=True))["METHOD"] == "CANCEL"


@pytest.mark.parametrize(
    ("reply", "retryable"), [("450 Mailbox busy", True), ("550 No such user", False)]
)
def test_smtp_refusals_say_whether_a_retry_can_help(
    smtp_server: tuple[Inbox, int], reply: str, retryable: bool
) -> None:
    inbox, port = smtp_server
    inbox.refuse_with = reply
    sender = SmtpEmailSender.from_config(smtp_config(port))
    with pytest.raises(EmailError) as caught:
        sender.send(OutgoingEmail(to="x@example.dk", subject="s", text="t", message_id="<m@x>"))
    assert caught.value.retryable is retryable


def test_an_unreachable_smtp_server_is_a_retryable_error() -> None:
    sender = SmtpEmailSender.from_config(smtp_config(free_port()))
    with pytest.raises(EmailError) as caught:
        sender.send(OutgoingEmail(to="x@example.dk", subject="s", text="t", message_id="<m@x>"))
    assert caught.value.retryable is True


def test_without_an_smtp_host_emails_are_printed(capsys: pytest.CaptureFixture[str]) -> None:
    sender = email_sender_from_config({"SMTP_HOST": "", "MAIL_FROM": "noreply@eksempel.dk"})
    assert isinstance(sender, ConsoleEmailSender)
    sender.send(
        OutgoingEmail(
            to="anna@example.dk",
            subject="Bekræftelse",
            text="Hej Anna",
            message_id="<m@x>",
            ics="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            ics_method="REQUEST",
        )
    )
    out = capsys.readouterr().out
    assert "[E-mail to anna@example.dk] Bekræftelse + invitation.ics (METHOD:REQUEST)" in out
    assert "Hej Anna" in out
