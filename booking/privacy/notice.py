"""The facts the privacy notice (`/privacy`) is written from: nothing in it is typed by hand.

Which services process personal data and for how long (each service's retention period), which
consent purposes exist with the texts in force, and how long the assistant's conversations are
kept (configuration). The web page words them in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.models import Service
from booking.privacy.consent import active_texts


@dataclass(frozen=True)
class ServiceRetention:
    code: str
    name: str
    retention_days: int


@dataclass(frozen=True)
class ConsentPurposeText:
    purpose: str
    version: int
    text: str


@dataclass(frozen=True)
class ConversationRetention:
    conversation_days: int
    transcript_days: int
    sealed_minutes: int


@dataclass(frozen=True)
class PrivacyFacts:
    services: list[ServiceRetention]
    consents: list[ConsentPurposeText]
    conversations: ConversationRetention


def privacy_facts(
    session: Session, *, language: str, conversations: ConversationRetention
) -> PrivacyFacts:
    """The active services with their retention periods and the consent texts in force."""
    services = [
        ServiceRetention(s.code, s.name_en if language == "en" else s.name_da, s.retention_days)
        for s in session.scalars(select(Service).where(Service.active).order_by(Service.code))
    ]
    consents = [
        ConsentPurposeText(t.purpose, t.version, t.text) for t in active_texts(session, language)
    ]
    return PrivacyFacts(services=services, consents=consents, conversations=conversations)
