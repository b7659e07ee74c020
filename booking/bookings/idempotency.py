"""Idempotent create: the first response to a key is kept (encrypted) and replayed for retries.

A record belongs to a scope (the caller: a service token's id or the client's IP), so two
callers who happen to pick the same key never see each other's answers. The stored response
holds a manage token, so it is encrypted with a key derived from SECRET_KEY and kept a day.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from booking.db import advisory_xact_lock
from booking.errors import IdempotencyConflict, ValidationFailed
from booking.i18n import N_
from booking.models import IdempotencyRecord, core_table

RECORD_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 200
MAX_SCOPE_LENGTH = 64
# Namespace for PostgreSQL advisory locks taken on a key (see `lock_key`).
ADVISORY_LOCK_CLASS = 7301
# Built once: a statement object keeps its cache key, so it is not built or keyed again.
_RECORDS = core_table(IdempotencyRecord)  # Core columns: no ORM step
_FIND = select(
    _RECORDS.c.id, _RECORDS.c.expires_at, _RECORDS.c.request_hash, _RECORDS.c.response_encrypted
).where(_RECORDS.c.scope == bindparam("scope"), _RECORDS.c.key == bindparam("key"))
_FORGET = delete(_RECORDS).where(_RECORDS.c.id == bindparam("id"))
_SAVE = insert(_RECORDS)


class ResponseCipher:
    """Fernet encryption of stored responses, keyed by HKDF-SHA256 from the app's secret."""

    def __init__(self, secret_key: str) -> None:
        if not secret_key:
            raise ValueError("a secret key is needed to encrypt idempotent responses")
        derived = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=None,
            info=b"borgerbooking/idempotency-response/v1",
        ).derive(secret_key.encode("utf-8"))
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def encrypt(self, response: dict[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(response, sort_keys=True).encode("utf-8"))

    def decrypt(self, blob: bytes) -> dict[str, Any]:
        try:
            value: dict[str, Any] = json.loads(self._fernet.decrypt(bytes(blob)))
        except InvalidToken as exc:  # the secret key was rotated; the record is useless
            raise LookupError("stored response cannot be decrypted") from exc
        return value


def check_key(key: str) -> str:
    """Accept a client's Idempotency-Key: 1-200 printable ASCII characters."""
    if not (0 < len(key) <= MAX_KEY_LENGTH) or not key.isascii() or not key.isprintable():
        raise ValidationFailed(
            N_("Idempotency-Key must be 1-200 ASCII characters."),
            field="Idempotency-Key",
        )
    return key


def request_fingerprint(request: dict[str, Any]) -> str:
    """A hash of the request's meaning, independent of key order and whitespace."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def scope_id(scope: str) -> str:
    """The scope as stored: an IPv6 address fits, anything longer is hashed to 64 characters."""
    return scope if len(scope) <= MAX_SCOPE_LENGTH else hashlib.sha256(scope.encode()).hexdigest()


def lock_key(session: Session, scope: str, key: str) -> None:
    """Serialise concurrent requests with the same key until the transaction ends.

    On PostgreSQL two transactions could otherwise both find no record and both create a
    booking; on SQLite the immediate transaction already serialises every writer.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"{scope_id(scope)}\x00{key}".encode()).digest()
    lock_id = int.from_bytes(digest[:4], "big", signed=True)
    advisory_xact_lock(session, ADVISORY_LOCK_CLASS, lock_id)


def find_response(
    session: Session,
    cipher: ResponseCipher,
    *,
    scope: str,
    key: str,
    fingerprint: str,
    now: datetime,
) -> dict[str, Any] | None:
    """The stored response for (scope, key), None if there is none (or it expired).

    Raises `IdempotencyConflict` when the key was used for a different request.
    """
    record = session.execute(_FIND, {"scope": scope_id(scope), "key": key}).first()
    if record is None:
        return None
    if record.expires_at <= now:
        session.execute(_FORGET, {"id": record.id})
        return None
    if record.request_hash != fingerprint:
        raise IdempotencyConflict(
            N_("This Idempotency-Key was already used for a different request."),
            field="Idempotency-Key",
        )
    try:
        return cipher.decrypt(record.response_encrypted)
    except LookupError:
        session.execute(_FORGET, {"id": record.id})
        return None


def save_response(
    session: Session,
    cipher: ResponseCipher,
    *,
    scope: str,
    key: str,
    fingerprint: str,
    response: dict[str, Any],
    booking_id: int | None,
    now: datetime,
) -> None:
    """Store the first response to (scope, key) in the caller's transaction (one INSERT)."""
    session.execute(
        _SAVE,
        {
            "scope": scope_id(scope),
            "key": key,
            "request_hash": fingerprint,
            "booking_id": booking_id,
            "response_encrypted": cipher.encrypt(response),
            "created_at": now,
            "expires_at": now + RECORD_LIFETIME,
        },
    )
