"""References, manage tokens, one-time codes, phone numbers and the idempotency cipher."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking.bookings import normalise_phone, tokens
from booking.bookings.idempotency import ResponseCipher, check_key, request_fingerprint, scope_id
from booking.errors import ValidationFailed


def test_references_are_readable_and_avoid_confusable_characters() -> None:
    refs = {tokens.new_reference() for _ in range(500)}
    assert len(refs) == 500
    for ref in refs:
        assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", ref)
        assert not set(ref) & set("01OILU")


@given(st.text(alphabet=tokens.REFERENCE_ALPHABET, min_size=8, max_size=8))
def test_a_reference_is_accepted_in_any_case_with_or_without_the_dash(raw: str) -> None:
    canonical = f"{raw[:4]}-{raw[4:]}"
    for typed in (raw, raw.lower(), canonical.lower(), f" {raw[:4]} {raw[4:]} "):
        assert tokens.parse_reference(typed) == canonical


@pytest.mark.parametrize("typed", ["", "K7M2-9QX", "K7M2-9QXDD", "K7M0-9QXD", "K7MI-9QXD", None, 7])
def test_something_that_cannot_be_a_reference_is_rejected(typed: object) -> None:
    assert tokens.parse_reference(typed) is None


def test_manage_tokens_are_long_random_and_stored_only_as_a_hash() -> None:
    token, stored = tokens.new_manage_token()
    assert len(token) >= 43 and token not in stored and len(stored) == 64
    assert tokens.secret_matches(token, stored)
    assert not tokens.secret_matches(token + "x", stored)
    assert not tokens.secret_matches("", stored) and not tokens.secret_matches(token, None)
    assert tokens.new_manage_token()[0] != token


def test_one_time_codes_are_six_digits_and_their_hash_is_bound_to_the_booking() -> None:
    codes = [tokens.new_one_time_code() for _ in range(300)]
    assert all(re.fullmatch(r"\d{6}", c) for c in codes)
    assert len(set(codes)) > 290
    assert tokens.hash_one_time_code("AAAA-BBBB", "123456") != tokens.hash_one_time_code(
        "AAAA-CCCC", "123456"
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("123456", "123456"),
        ("123 456", "123456"),
        ("012-345", "012345"),
        ("12345", None),
        ("1234567", None),
        ("12a456", None),
        ("١٢٣٤٥٦", None),
        (123456, None),
    ],
)
def test_codes_are_read_with_spaces_but_only_as_ascii_digits(
    typed: object, expected: str | None
) -> None:
    assert tokens.normalise_code(typed) == expected


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("20 30 40 50", "+4520304050"),
        ("+45 20304050", "+4520304050"),
        ("0045 2030 4050", "+4520304050"),
        ("+46 70 123 45 67", "+46701234567"),
    ],
)
def test_phone_numbers_become_e164_with_denmark_as_default(typed: str, e164: str) -> None:
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize("typed", ["", "123", "12345678", "+4512", "not a number", "2" * 50])
def test_invalid_phone_numbers_name_the_field(typed: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        normalise_phone(typed, field="phone")
    assert raised.value.field == "phone"
    assert raised.value.message.startswith("The phone number is not valid.")
    assert raised.value.in_language("da").startswith("Telefonnummeret er ikke gyldigt.")


def test_stored_responses_are_encrypted_and_only_readable_with_the_same_secret() -> None:
    response = {"reference": "AAAA-BBBB", "manage_token": "very-secret"}
    blob = ResponseCipher("a" * 40).encrypt(response)
    assert b"very-secret" not in blob
    assert ResponseCipher("a" * 40).decrypt(blob) == response
    with pytest.raises(LookupError):
        ResponseCipher("b" * 40).decrypt(blob)


def test_the_request_fingerprint_ignores_key_order_only() -> None:
    assert request_fingerprint({"a": 1, "b": 2}) == request_fingerprint({"b": 2, "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})


def test_idempotency_keys_and_scopes_are_bounded() -> None:
    assert check_key("chat-1") == "chat-1"
    for bad in ("", "x" * 201, "nøgle", "tab\there"):
        with pytest.raises(ValidationFailed):
            check_key(bad)
    assert scope_id("ip:127.0.0.1") == "ip:127.0.0.1"
    assert len(scope_id("x" * 500)) == 64
