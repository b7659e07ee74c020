"""E-mail over SMTP with the calendar invite attached, or printed when no SMTP host is set.

Like the SMS senders, every failure becomes one exception type, `EmailError`, with
`retryable` telling the dispatcher whether to try again (connection trouble and 4xx replies
yes, permanent 5xx replies no).
"""

from __future__ import annotations

import smtplib
import ssl
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

DEFAULT_TIMEOUT_SECONDS = 20.0
ICS_FILENAME = "invitation.ics"


class EmailError(Exception):
    """Sending failed; `retryable` says whether trying again later may help."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class OutgoingEmail:
    """One e-mail to one citizen. `message_id` stays the same on every attempt."""

    to: str
    subject: str
    text: str
    message_id: str
    ics: str | None = None
    ics_method: str | None = None


def build_message(email: OutgoingEmail, *, mail_from: str) -> EmailMessage:
    """A multipart message: the plain text, and the invite as text/calendar; method=…"""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.text)
    if email.ics:
        params = {"method": email.ics_method} if email.ics_method else {}
        message.add_attachment(email.ics, subtype="calendar", filename=ICS_FILENAME, params=params)
    return message


class EmailSender(Protocol):
    def send(self, email: OutgoingEmail) -> str: ...


@dataclass(frozen=True)
class SmtpEmailSender:
    """Delivers through the municipality's SMTP relay (STARTTLS by default; port 465 = TLS)."""

    host: str
    port: int
    mail_from: str
    username: str = ""
    password: str = ""
    starttls: bool = True
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpEmailSender:
        return cls(
            host=str(config["SMTP_HOST"]),
            port=int(config.get("SMTP_PORT") or 587),
            mail_from=str(config.get("MAIL_FROM") or "noreply@example.dk"),
            username=str(config.get("SMTP_USERNAME") or ""),
            password=str(config.get("SMTP_PASSWORD") or ""),
            starttls=bool(config.get("SMTP_STARTTLS", True)),
        )

    def send(self, email: OutgoingEmail) -> str:
        message = build_message(email, mail_from=self.mail_from)
        try:
            with self._connect() as smtp:
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            retryable = _temporary(codes)
            raise EmailError(f"SMTP refused recipient {codes}", retryable=retryable) from exc
        except smtplib.SMTPAuthenticationError as exc:
            # Wrong credentials are fixed by an operator, after which sending should resume.
            raise EmailError(f"SMTP login failed {exc.smtp_code}", retryable=True) from exc
        except smtplib.SMTPResponseException as exc:
            raise EmailError(
                f"SMTP {exc.smtp_code}", retryable=_temporary([exc.smtp_code])
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise EmailError(f"SMTP unreachable: {type(exc).__name__}", retryable=True) from exc
        return email.message_id

    def _connect(self) -> smtplib.SMTP:
        if self.port == 465:
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            smtp.starttls(context=ssl.create_default_context())
        return smtp


def _temporary(codes: list[int]) -> bool:
    return all(400 <= code < 500 for code in codes)


@dataclass(frozen=True)
class ConsoleEmailSender:
    """Prints each e-mail (development, `make run` without SMTP_HOST)."""

    mail_from: str = "noreply@example.dk"

    def send(self, email: OutgoingEmail) -> str:
        method = f" + invitation.ics (METHOD:{email.ics_method})" if email.ics else ""
        print(
            f"[E-mail to {email.to}] {email.subject}{method}\n{email.text}",
            file=sys.stdout,
            flush=True,
        )
        return email.message_id


@dataclass
class MemoryEmailSender:
    """Keeps sent e-mails in a list so tests can read them."""

    sent: list[OutgoingEmail] = field(default_factory=list)

    def send(self, email: OutgoingEmail) -> str:
        self.sent.append(email)
        return email.message_id


def email_sender_from_config(config: Mapping[str, Any]) -> EmailSender:
    backend = config.get("EMAIL_BACKEND") or ("smtp" if config.get("SMTP_HOST") else "console")
    if backend == "memory":
        return MemoryEmailSender()
    if backend == "console":
        return ConsoleEmailSender(str(config.get("MAIL_FROM") or "noreply@example.dk"))
    if backend == "smtp":
        return SmtpEmailSender.from_config(config)
    raise RuntimeError(f"unknown EMAIL_BACKEND {backend!r}")
