"""Secrets handed to citizens: booking references, manage tokens and one-time codes.

Only hashes of manage tokens and one-time codes are stored. References are not secret: they
are short and readable so they can be read aloud on the phone, and are always paired with a
token, a code or a phone number before they reveal anything.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Crockford's base32 without the characters people confuse (0/O, 1/I/L) or read as words (U).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8
CODE_DIGITS = 6


def new_reference() -> str:
    """A random reference in display form, e.g. "K7M2-9QXD" (about 39 bits)."""
    raw = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return _with_dash(raw)


def parse_reference(text: object) -> str | None:
    """The stored form of a reference typed by a person, or None if it cannot be one.

    Case, spaces and the dash are optional: "k7m2 9qxd", "K7M29QXD" and "K7M2-9QXD" are equal.
    """
    if not isinstance(text, str) or len(text) > 40:
        return None
    raw = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(raw) != REFERENCE_LENGTH or any(ch not in REFERENCE_ALPHABET for ch in raw):
        return None
    return _with_dash(raw)


def _with_dash(raw: str) -> str:
    half = REFERENCE_LENGTH // 2
    return f"{raw[:half]}-{raw[half:]}"


def new_manage_token() -> tuple[str, str]:
    """A fresh manage token and the hash to store; the token itself is shown once."""
    token = secrets.token_urlsafe(32)
    return token, hash_secret(token)


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def secret_matches(value: str | None, stored_hash: str | None) -> bool:
    """Constant-time check of a presented token against a stored hash."""
    if not value or not stored_hash:
        return False
    return hmac.compare_digest(hash_secret(value), stored_hash)


def new_one_time_code() -> str:
    """A uniformly random 6-digit code, leading zeros kept."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_one_time_code(reference: str, code: str) -> str:
    # Bound to the reference so one leaked hash says nothing about another booking's code.
    return hash_secret(f"{reference}:{code}")


def normalise_code(text: object) -> str | None:
    """The digits of a code typed with or without spaces, or None if it is not 6 digits."""
    if not isinstance(text, str) or len(text) > 20:
        return None
    digits = "".join(ch for ch in text if ch not in " -")
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def secret_matches_hash(presented_hash: str, stored_hash: str) -> bool:
    """Constant-time comparison of two hex digests."""
    return hmac.compare_digest(presented_hash, stored_hash)
