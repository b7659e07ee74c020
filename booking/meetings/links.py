"""Signed links a citizen can follow without logging in: the meeting page and its .ics file.

The key in a link is an HMAC of the booking reference under the app's secret, derived when
needed and never stored, so an SMS reminder can carry the same link as the confirmation. The
meeting link lets the citizen join the meeting, download the invite and stop SMS reminders;
it never lets them cancel or move the booking (that needs the manage token).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MEETING = "meeting"
# 16 bytes of the HMAC (128 bits) keep the link short enough for an SMS: 22 characters.
KEY_BYTES = 16
_DOMAIN = b"borgerbooking-link-v1"


@dataclass(frozen=True)
class LinkSettings:
    """What building a public link needs: the site's address and the signing secret."""

    public_base_url: str
    secret_key: str

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> LinkSettings:
        """Read `PUBLIC_BASE_URL` and `SECRET_KEY` from a config mapping (e.g. `app.config`)."""
        secret = str(config.get("SECRET_KEY") or "")
        if not secret:
            raise ValueError("SECRET_KEY is needed to sign links")
        return cls(
            public_base_url=str(config["PUBLIC_BASE_URL"]).rstrip("/"),
            secret_key=secret,
        )


def link_key(secret_key: str, purpose: str, reference: str) -> str:
    """The URL-safe key (22 characters) that proves a link for `reference` was made by us."""
    message = b"\x00".join([_DOMAIN, purpose.encode("utf-8"), reference.encode("utf-8")])
    digest = hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:KEY_BYTES]).rstrip(b"=").decode("ascii")


def verify_link_key(secret_key: str, purpose: str, reference: str, key: str) -> bool:
    """True when `key` is the key for this purpose and reference (constant-time comparison)."""
    expected = link_key(secret_key, purpose, reference)
    return hmac.compare_digest(expected.encode("ascii"), key.encode("utf-8", "replace"))


def meeting_url(settings: LinkSettings, reference: str) -> str:
    """The citizen's link to the meeting page, e.g. https://booking.example.dk/m/AB12CD34/<key>."""
    key = link_key(settings.secret_key, MEETING, reference)
    return f"{settings.public_base_url}/m/{reference}/{key}"


def ics_url(settings: LinkSettings, reference: str) -> str:
    """The citizen's link to download the booking's calendar invite."""
    return f"{meeting_url(settings, reference)}/invite.ics"
