"""Citizen phone numbers: parsed with `phonenumbers` (default region DK) and kept as E.164."""

from __future__ import annotations

import phonenumbers

from booking.errors import ValidationFailed
from booking.i18n import N_

DEFAULT_REGION = "DK"
MAX_INPUT_LENGTH = 40


def normalise_phone(raw: str, *, field: str = "citizen.phone", region: str = DEFAULT_REGION) -> str:
    """Return the number in E.164 ("+4512345678"), or raise `ValidationFailed` naming `field`.

    A number without a country code is read as Danish; "0045…" and "+45 12 34 56 78" work too.
    Only numbers `phonenumbers` considers valid for their country are accepted, so a typo is
    caught here rather than when the confirmation SMS bounces.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or len(text) > MAX_INPUT_LENGTH:
        raise _invalid(field)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise _invalid(field) from None
    if not phonenumbers.is_valid_number(number):
        raise _invalid(field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _invalid(field: str) -> ValidationFailed:
    return ValidationFailed(
        N_("The phone number is not valid. Write e.g. 20 30 40 50 or +45 20 30 40 50."),
        field=field,
    )
