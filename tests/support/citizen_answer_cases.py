"""What citizens write at the booking form's name, phone and e-mail questions, and what must come
of it (issue 10). Shared by the pure tests (tests/unit, .venv) and the action tests
(tests/actions, .venv-bot); the texts at the name question are also in the held-out NLU set.

A case is (text, expected): the value stored exactly as written without the introduction, or
`Refused(reason)` for an answer the bot must refuse and say why.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Refused:
    reason: str  # "cpr", "digits", "email", "phone", "not_a_name", "invalid"


NAME_CASES: list[tuple[str, str | Refused]] = [
    # names that are also words
    ("Ole Olsen", "Ole Olsen"),
    ("Mette Frederiksen", "Mette Frederiksen"),
    ("Ja Skov", "Ja Skov"),
    ("Bo Ravn", "Bo Ravn"),
    ("Okay Demir", "Okay Demir"),
    ("Ole", "Ole"),
    ("Will Hope", "Will Hope"),
    ("Rose Hill", "Rose Hill"),
    ("Summer Moon", "Summer Moon"),
    # introductions, Danish and English
    ("jeg hedder Ole Skov", "Ole Skov"),
    ("mit navn er Mette Ravn", "Mette Ravn"),
    ("det er Bo Ravn", "Bo Ravn"),
    ("Mit navn er Lone Sommer.", "Lone Sommer"),
    ("navnet er Kim Lund", "Kim Lund"),
    ("ja det er Hans Bjerg", "Hans Bjerg"),
    ("nej, mit navn er Per Hansen", "Per Hansen"),
    ("my name is Jack Frost", "Jack Frost"),
    ("I'm Grace Hope", "Grace Hope"),
    ("I am Will Young", "Will Young"),
    ("it's Dawn O'Brien", "Dawn O'Brien"),
    ("this is Mark Stone", "Mark Stone"),
    # any alphabet, hyphens, apostrophes, particles
    ("Søren Østergård", "Søren Østergård"),
    ("Åse Ærø-Hansen", "Åse Ærø-Hansen"),
    ("Anne-Marie O'Neill", "Anne-Marie O'Neill"),
    ("Ida de Lange", "Ida de Lange"),
    ("Jan van der Berg", "Jan van der Berg"),
    ("Ahmad bin Said", "Ahmad bin Said"),
    ("Nguyễn Thị Lan", "Nguyễn Thị Lan"),
    ("Ελένη Παπαδοπούλου", "Ελένη Παπαδοπούλου"),
    ("Иван Петров", "Иван Петров"),
    ("محمد علي", "محمد علي"),
    # refused, with the reason
    ("Ole Olsen 010190-1234", Refused("cpr")),
    ("mit navn er Ole Olsen 0101901234", Refused("cpr")),
    ("Ole2 Olsen", Refused("digits")),
    ("ole@example.com", Refused("email")),
    ("Ole Olsen 20 30 40 50", Refused("phone")),
    ("jeg ved ikke", Refused("not_a_name")),
]

PHONE_CASES: list[tuple[str, str | Refused]] = [
    ("20 30 40 50", "+4520304050"),
    ("20304050", "+4520304050"),
    ("+45 20 30 40 50", "+4520304050"),
    ("+4520304050", "+4520304050"),
    ("0045 20 30 40 50", "+4520304050"),
    ("0045-20304050", "+4520304050"),
    ("20-30-40-50", "+4520304050"),
    ("(+45) 2030 4050", "+4520304050"),
    ("mit nummer er 20 30 40 50", "+4520304050"),
    ("det er 20 30 40 50", "+4520304050"),
    ("my number is +44 7911 123456", "+447911123456"),
    ("+46 70 123 45 67", "+46701234567"),
    ("0046 70 123 45 67", "+46701234567"),
    ("010190-1234", Refused("cpr")),
    ("123", Refused("invalid")),
]

EMAIL_CASES: list[tuple[str, str | Refused]] = [
    ("ole@skov.dk", "ole@skov.dk"),
    ("min mail er ole.skov@example.com", "ole.skov@example.com"),
    ("min e-mail er ja.skov@example.dk", "ja.skov@example.dk"),
    ("my email is Grace.Hope@Example.com", "grace.hope@example.com"),
    ("det er soeren@oestergaard.dk.", "soeren@oestergaard.dk"),
    ("anna@", Refused("invalid")),
]
