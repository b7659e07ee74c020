"""Administrators' API keys for the admin API: created, checked, listed and revoked.

A key is 256 random bits shown once at creation (`bb_` + URL-safe text); only its SHA-256 is
stored, so a leaked database does not hand out keys. A key works only while it is not revoked
and its owner is an active administrator.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.errors import NotFound, ValidationFailed
from booking.i18n import N_
from booking.models import AdminApiKey, Role, User
from booking.staff.accounts import find_user_by_email

KEY_PREFIX = "bb_"
PREFIX_SHOWN = 10
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class NewApiKey:
    """A key just created: `secret` is shown once and never again."""

    key: AdminApiKey
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(db: Session, user: User, *, name: str, now: datetime) -> NewApiKey:
    """A new key for the administrator `user`; refused for anyone else."""
    if user.role != Role.ADMIN.value or not user.active:
        raise ValidationFailed(
            N_("Only an active administrator can have an API key."), field="user"
        )
    name = name.strip() or "API"
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed(
            N_("Use at most %(count)s characters."), field="name", count=MAX_NAME_LENGTH
        )
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = AdminApiKey(
        user_id=user.id,
        name=name,
        prefix=secret[:PREFIX_SHOWN],
        key_hash=_digest(secret),
        created_at=now,
    )
    db.add(key)
    db.flush()
    return NewApiKey(key=key, secret=secret)


def create_api_key_for_email(db: Session, email: str, *, name: str, now: datetime) -> NewApiKey:
    """A new key for the administrator with this e-mail (the command line's way)."""
    user = find_user_by_email(db, email)
    if user is None:
        raise NotFound(N_("No user has this e-mail address."), field="email")
    return create_api_key(db, user, name=name, now=now)


def user_of_api_key(db: Session, secret: str, *, now: datetime) -> User | None:
    """The administrator a valid key belongs to (and notes its use), else None."""
    if not secret.startswith(KEY_PREFIX):
        return None
    key = db.scalar(select(AdminApiKey).where(AdminApiKey.key_hash == _digest(secret)))
    if key is None or key.revoked_at is not None:
        return None
    user = key.user
    if not user.active or user.role != Role.ADMIN.value:
        return None
    key.last_used_at = now
    return user


def api_keys_of(db: Session, user: User) -> list[AdminApiKey]:
    """The user's keys, newest first, revoked ones included."""
    query = (
        select(AdminApiKey)
        .where(AdminApiKey.user_id == user.id)
        .order_by(AdminApiKey.created_at.desc(), AdminApiKey.id.desc())
    )
    return list(db.scalars(query))


def revoke_api_key(db: Session, user: User, key_id: int, *, now: datetime) -> AdminApiKey:
    """Revokes one of the user's own keys; revoking twice keeps the first time."""
    key = db.get(AdminApiKey, key_id)
    if key is None or key.user_id != user.id:
        raise NotFound(N_("Not found."))
    if key.revoked_at is None:
        key.revoked_at = now
    return key
