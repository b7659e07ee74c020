"""Redaction of conversation events (bot/stores/redaction.py): the personal goes, the rest stays.

Property-based where it fits: any phone in the formats people write, any CPR number, any e-mail;
and no false positives on times, dates, booking references and prices.
"""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from bot.stores.redaction import (
    CODE,
    CPR,
    EMAIL,
    NAME,
    PHONE,
    TOKEN,
    known_values,
    redact_event,
    redact_text,
)

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
digit = st.sampled_from(string.digits)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.lists(digit, min_size=n, max_size=n).map("".join)


danish_number = st.builds(lambda first, rest: first + rest, st.sampled_from("23456789"), _digits(7))


@st.composite
def danish_phone(draw: st.DrawFn) -> str:
    number = draw(danish_number)
    layout = draw(st.sampled_from(["plain", "pairs", "halves"]))
    if layout == "pairs":
        number = " ".join(number[i : i + 2] for i in range(0, 8, 2))
    elif layout == "halves":
        number = number[:4] + " " + number[4:]
    prefix = draw(st.sampled_from(["", "+45", "+45 ", "0045", "0045 ", "(+45) "]))
    return prefix + number


@st.composite
def international_phone(draw: st.DrawFn) -> str:
    country = draw(st.sampled_from(["1", "44", "46", "47", "49", "353", "358"]))
    groups = draw(st.lists(_digits(3), min_size=2, max_size=3))
    separator = draw(st.sampled_from([" ", "-", ""]))
    return draw(st.sampled_from(["+", "00"])) + country + " " + separator.join(groups)


@st.composite
def cpr_number(draw: st.DrawFn) -> str:
    day = draw(st.integers(1, 31))
    month = draw(st.integers(1, 12))
    year = draw(st.integers(0, 99))
    serial = draw(_digits(4))
    return f"{day:02d}{month:02d}{year:02d}{draw(st.sampled_from(['-', '']))}{serial}"


email = st.emails().filter(lambda e: len(e) < 120)

sentence_start = st.sampled_from(["", "mit nummer er ", "ring på ", "Det er ", "(", "nr: "])
sentence_end = st.sampled_from(["", ".", " tak", ", tak!", ")", " i morgen"])


@given(sentence_start, danish_phone(), sentence_end)
def test_danish_phone_numbers_are_replaced_in_any_usual_format(before, phone, after):
    redacted = redact_text(before + phone + after)
    assert PHONE in redacted
    assert phone.split()[-1] not in redacted


@given(sentence_start, international_phone(), sentence_end)
def test_international_phone_numbers_are_replaced(before, phone, after):
    redacted = redact_text(before + phone + after)
    assert PHONE in redacted and phone[-3:] not in redacted.replace(PHONE, "")


@given(sentence_start, cpr_number(), sentence_end)
def test_cpr_numbers_are_replaced_with_or_without_the_dash(before, cpr, after):
    redacted = redact_text(before + cpr + after)
    assert CPR in redacted and cpr[-4:] not in redacted


@given(sentence_start, email, sentence_end)
def test_email_addresses_are_replaced(before, address, after):
    redacted = redact_text(before + address + after)
    assert EMAIL in redacted and address not in redacted


@given(
    st.sampled_from(["kl. ", "klokken ", "", "fra "]),
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from([".", ":"]),
)
def test_times_are_left_alone(prefix, hour, minute, separator):
    text = f"{prefix}{hour:02d}{separator}{minute:02d}"
    assert redact_text(text) == text


@given(st.dates(), st.sampled_from(["%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d. %B %Y"]))
def test_dates_are_left_alone(day, layout):
    text = "den " + day.strftime(layout)
    assert redact_text(text) == text


@given(st.lists(st.sampled_from(REFERENCE_ALPHABET), min_size=8, max_size=8))
def test_booking_references_are_left_alone(chars):
    reference = "".join(chars[:4]) + "-" + "".join(chars[4:])
    for text in (f"Reference: {reference}", reference, reference.lower(), f"den er {reference}"):
        assert redact_text(text) == text


@given(
    st.integers(1, 999_999),
    st.sampled_from(["{} kr.", "kr. {}", "{},- kr", "{},00 kr", "DKK {}", "{} kroner"]),
)
def test_prices_are_left_alone(amount, layout):
    written = f"{amount:,}".replace(",", ".")  # 1.250.000, the Danish thousands separator
    for number in (written, str(amount)):
        text = layout.format(number)
        assert redact_text(text) == text


def test_an_iso_meeting_time_in_a_button_payload_is_left_alone():
    payload = '/inform{"meeting_time": "2026-12-08T10:00:00+01:00"}'
    assert redact_text(payload) == payload


def test_a_message_that_is_only_a_code_is_replaced_but_a_code_inside_a_sentence_is_not():
    assert redact_text("482913") == CODE
    assert redact_text(" 482 913 ") == CODE
    assert redact_text("Det koster 150000 kr") == "Det koster 150000 kr"


def test_manage_tokens_and_long_secrets_are_replaced():
    token = "kH3v_9xQ2mZ-pL7rT0aY5cW8nB1eF4gJ6dS"
    assert redact_text(f"http://x.dk/booking/K7M2-9QXD?token={token}") == (
        f"http://x.dk/booking/K7M2-9QXD?token={TOKEN}"
    )
    assert redact_text("sundhedsplejerskebesøgsordningen") == "sundhedsplejerskebesøgsordningen"


def _slot(name: str, value: object) -> dict:
    return {"event": "slot", "timestamp": 1.0, "name": name, "value": value}


def test_values_the_form_collected_are_replaced_wherever_they_appear():
    events = [
        _slot("citizen_name", "Anna Jensen"),
        _slot("citizen_phone", "+4520123456"),
        _slot("citizen_email", "anna@example.dk"),
    ]
    known = known_values(events)
    text = "Tak Anna. Jensen, vi skriver til 20 12 34 56 og til anna@example.dk"
    redacted = redact_text(text, known)
    assert "Anna" not in redacted and "Jensen" not in redacted and "20 12" not in redacted
    assert redacted.startswith(f"Tak {NAME}. {NAME}, vi skriver til {PHONE}")


def test_personal_slot_events_carry_their_placeholder_and_markers_stay():
    assert redact_event(_slot("citizen_name", "Bo"))["value"] == NAME
    assert redact_event(_slot("citizen_phone", "1234"))["value"] == PHONE
    assert redact_event(_slot("manage_token", "abc"))["value"] == TOKEN
    assert redact_event(_slot("lookup_code", "verified"))["value"] == "verified"
    assert redact_event(_slot("citizen_name", None))["value"] is None
    assert redact_event(_slot("service", "jobcenter"))["value"] == "jobcenter"


def test_a_user_event_keeps_its_intent_confidence_and_ids_but_not_the_text():
    event = {
        "event": "user",
        "timestamp": 1733650000.5,
        "text": "mit nummer er 20 12 34 56",
        "message_id": "7f3c9a1e5b2d4c6e8f0a1b2c3d4e5f60",
        "input_channel": "rest",
        "parse_data": {
            "intent": {"name": "inform", "confidence": 0.97},
            "entities": [{"entity": "phone", "start": 14, "end": 25, "value": "20 12 34 56"}],
            "text": "mit nummer er 20 12 34 56",
            "message_id": "7f3c9a1e5b2d4c6e8f0a1b2c3d4e5f60",
            "intent_ranking": [{"name": "inform", "confidence": 0.97}],
        },
    }
    redacted = redact_event(event)
    assert redacted["text"] == redacted["parse_data"]["text"] == f"mit nummer er {PHONE}"
    assert redacted["parse_data"]["entities"][0]["value"] == PHONE
    assert redacted["parse_data"]["intent"] == {"name": "inform", "confidence": 0.97}
    assert redacted["message_id"] == event["message_id"]
    assert redacted["timestamp"] == event["timestamp"]
