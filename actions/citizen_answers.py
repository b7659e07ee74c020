"""Reading the citizen's own answers: a name, a phone number, an e-mail address (issue 10).

Pure functions (the standard library and `phonenumbers` only), so that they can be tested
property-based in the web venv too. A name is any sequence of name words in any alphabet
(hyphens, apostrophes, particles such as "de", "van", "bin"), however much it looks like an
ordinary word ("Ja Skov", "Bo Ravn"); an introduction ("jeg hedder …", "my name is …") is
stripped and the rest kept exactly as written. An answer is refused with a reason when it holds
a CPR number, an e-mail address, a phone number or digits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

# Reasons for a refusal; actions map them to responses.
CPR = "cpr"
DIGITS = "digits"
EMAIL = "email"
PHONE = "phone"
NOT_A_NAME = "not_a_name"
INVALID = "invalid"

MAX_NAME_LENGTH = 100
MAX_NAME_WORDS = 8


@dataclass(frozen=True)
class Reading:
    """An answer read: its value, or the reason it was refused."""

    value: str | None = None
    refused: str | None = None


def _phrases(*phrases: str) -> str:
    # longest first, so that "jeg hedder faktisk" wins over "jeg hedder"
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


# Introductions that name the thing they introduce: a correction at any question.
NAME_INTRODUCTIONS = _phrases(
    "mit fulde navn er", "mit navn er", "navnet er", "jeg hedder", "jeg hedder faktisk",
    "my full name is", "my name is", "my name's", "the name is", "navn:", "name:",
)  # fmt: skip
PHONE_INTRODUCTIONS = _phrases(
    "mit mobilnummer er", "mit telefonnummer er", "mit nummer er", "nummeret er",
    "my phone number is", "my mobile number is", "my mobile is", "my number is",
    "tlf.", "tlf:", "tlf", "mobil:", "mobil", "phone:", "mobile:",
)  # fmt: skip
EMAIL_INTRODUCTIONS = _phrases(
    "min e-mailadresse er", "min mailadresse er", "min e-mail er", "min email er",
    "min mail er", "mailen er", "my e-mail address is", "my email address is",
    "my e-mail is", "my email is", "e-mail:", "email:", "mail:",
)  # fmt: skip
# Introductions that only make sense as the answer to the question just asked.
ANY_INTRODUCTIONS = _phrases(
    "det er", "jeg er", "i'm", "i’m", "i am", "it's", "it’s", "it is", "this is",
)  # fmt: skip
# Words before an introduction ("ja, det er …", "nej, mit navn er …").
LEAD_INS = _phrases(
    "ja", "jo", "nej", "ok", "okay", "tak", "hej", "undskyld", "yes", "no", "hi", "hello", "sorry",
    "oh",
)  # fmt: skip

_LEAD = rf"^\s*(?:(?:{LEAD_INS})\s*[,.!]?\s+)?"
_INTRODUCTIONS = {
    "citizen_name": re.compile(rf"{_LEAD}(?:{NAME_INTRODUCTIONS})\s*[:,]?\s+", re.IGNORECASE),
    "citizen_phone": re.compile(rf"{_LEAD}(?:{PHONE_INTRODUCTIONS})\s*[:,]?\s*", re.IGNORECASE),
    "citizen_email": re.compile(rf"{_LEAD}(?:{EMAIL_INTRODUCTIONS})\s*[:,]?\s*", re.IGNORECASE),
}
_ANY_INTRODUCTION = re.compile(rf"{_LEAD}(?:{ANY_INTRODUCTIONS})\s*[:,]?\s+", re.IGNORECASE)
_LEAD_IN_WITH_COMMA = re.compile(rf"^\s*(?:{LEAD_INS})\s*,\s+", re.IGNORECASE)


# Words that make a text a sentence rather than a name, when written in lower case. Words that
# are also given names or surnames (Ja, Bo, Ole, Okay, Will, Hope, May, Skov, Ravn, …) and name
# particles ("de", "den", "van", "du", "do", "af", "i", "bin") are deliberately not here.
def word_set(text: str) -> frozenset[str]:
    """A set of words from a text block (one place for the word lists below)."""
    return frozenset(text.split())


SENTENCE_WORDS = word_set(
    """jeg han hun vi ikke ved hvad hvordan hvorfor hvornår hvem hvor hvilken hvilket kan
    vil skal har er var det og at en et til med på om mig dig min mit mine din dit sin
    noget nogen ingen gerne bare måske venligst nej tak hej stop afbryd annuller farvel dansk
    engelsk the and is are was what how why when who where which you me my your not don't dont
    know want can could would have has does it this that a an of to in on at for no please
    thanks thank hello hi bye goodbye stop cancel quit english danish help hjælp ok"""
)
# A single word that, alone, answers a yes/no question ("Ja", as phones capitalise it); as part
# of a name it is a name ("Ja Skov").
LONE_REPLIES = frozenset({"ja", "jo", "okay", "yes", "yeah", "yep", "sure"})

_CPR = re.compile(r"(?<!\d)(\d{2})(\d{2})\d{2}[-\s]?\d{4}(?!\d)")
_EMAIL_IN_TEXT = re.compile(r"[^@\s]+@[^@\s]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^\W\d_]{2,}$")
_PHONE_IN_TEXT = re.compile(r"(?:\+|00)?\d[\d\s\-().]{6,}\d")
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’\-.][^\W\d_]+)*[.]?$")


def _tidy(text: str) -> str:
    """One space between words, no surrounding quotes or final punctuation."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text.strip(" \"'«»“”").rstrip(".!,;").strip()


def split_introduction(text: str, slot: str | None = None) -> tuple[str, str]:
    """(introduction, rest): the introduction for `slot` (or any explicit one, or a generic "det
    er …"/"I'm …"), with any lead-in ("nej, …"); ("", text) when there is none."""
    patterns = [_INTRODUCTIONS[slot]] if slot else list(_INTRODUCTIONS.values())
    for pattern in [*patterns, _ANY_INTRODUCTION]:
        match = pattern.match(text)
        if match and text[match.end() :].strip():
            return text[: match.end()].strip(), text[match.end() :]
    return "", text


def correction(text: str) -> str | None:
    """The slot an explicit introduction names ("nej, mit navn er …" → citizen_name), else None."""
    for slot, pattern in _INTRODUCTIONS.items():
        match = pattern.match(text)
        if match and text[match.end() :].strip():
            return slot
    return None


def looks_like_cpr(text: str) -> bool:
    """Ten digits as DDMMYY-XXXX (dash or space optional) with a possible day and month."""
    for match in _CPR.finditer(text):
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            return True
    return False


def without_introduction(text: str, slot: str) -> str:
    """The answer alone: "nej, mit navn er Per Hansen." → "Per Hansen"."""
    _, rest = split_introduction(text, slot)
    return _tidy(_LEAD_IN_WITH_COMMA.sub("", rest, count=1))


def read_name(text: str) -> Reading:
    """The name as written, without an introduction; or why it is not a name."""
    name = without_introduction(str(text or ""), "citizen_name")
    if looks_like_cpr(name):
        return Reading(refused=CPR)
    if _EMAIL_IN_TEXT.search(name):
        return Reading(refused=EMAIL)
    if _PHONE_IN_TEXT.search(name) and sum(c.isdigit() for c in name) >= 8:
        return Reading(refused=PHONE)
    if any(c.isdigit() for c in name):
        return Reading(refused=DIGITS)
    words = name.split()
    if (
        not words
        or len(name) > MAX_NAME_LENGTH
        or len(words) > MAX_NAME_WORDS
        or any(unicodedata.category(c).startswith("C") for c in name)
        or not all(_NAME_WORD.match(w) for w in words)
        or any(w in SENTENCE_WORDS for w in words)
        or (len(words) == 1 and name.lower() in LONE_REPLIES)
    ):
        return Reading(refused=NOT_A_NAME)
    return Reading(value=name)


def read_phone(text: str, region: str = "DK") -> Reading:
    """E.164 for a valid number in Danish or international form (+45, 0045, spaces, dashes)."""
    number = without_introduction(str(text or ""), "citizen_phone")
    if looks_like_cpr(number) and not number.lstrip("( ").startswith(("+", "00")):
        return Reading(refused=CPR)
    number = re.sub(r"^\(\s*(\+?\d+)\s*\)", r"\1", number)
    if number.startswith("00"):
        number = "+" + number[2:]
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return Reading(refused=INVALID)
    if not phonenumbers.is_valid_number(parsed):
        return Reading(refused=INVALID)
    return Reading(value=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def read_email(text: str) -> Reading:
    """The address (lower case), without an introduction; or INVALID."""
    address = without_introduction(str(text or ""), "citizen_email").lower()
    if _EMAIL.match(address):
        return Reading(value=address)
    return Reading(refused=INVALID)


def reads_as_sentence(text: str) -> bool:
    """True when the text has words only sentences have ("hvad", "the", "ikke", …), written in
    lower case; capitalised they may be part of a name ("A. Jensen", "Will Hope")."""
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", text)
    return any(w in SENTENCE_WORDS for w in words)
