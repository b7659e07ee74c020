"""The one rule for a citizen's name, and CPR numbers kept out of what staff see.

A name may be written in any alphabet, with hyphens, apostrophes and particles; it may not hold
a CPR number, digits or control characters. `name_problem` says which, so every way in (the
API's POST /bookings, and through it the chat assistant) refuses with the same reason.

Names stored before this rule may still hold a CPR number: `redact_cpr` hides it wherever a
caseworker sees the name (booking views, the Jitsi display name, the calendar feed).
Imports only booking.i18n (for its message ids).
"""

from __future__ import annotations

import re
import unicodedata

from booking.i18n import N_

# A CPR number: a date (DDMMYY) and four digits, with or without spaces and a dash.
CPR = re.compile(
    r"(?<![\d+])(0[1-9]|[12]\d|3[01])\s?(0[1-9]|1[0-2])\s?(\d{2})\s?[-–/]?\s?(\d{4})(?!\d)"
)
REDACTED = "[CPR]"

# The reason for each problem (English message ids, translated in the request's language).
NAME_PROBLEMS = {
    "characters": N_("The name contains characters that cannot be used (control characters)."),
    "cpr": N_("The name contains a CPR number; write your name only."),
    "digits": N_("A name cannot contain digits."),
}


def name_problem(name: str) -> str | None:
    """ "characters", "cpr" or "digits" when the name breaks the rule, else None."""
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return "characters"
    if CPR.search(name):
        return "cpr"
    if any(ch.isdigit() for ch in name):
        return "digits"
    return None


def redact_cpr(text: str | None) -> str | None:
    """`text` with anything that looks like a CPR number replaced by "[CPR]"."""
    if text is None:
        return None
    return CPR.sub(REDACTED, text)
