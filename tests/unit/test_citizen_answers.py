"""Reading the citizen's name, phone and e-mail (actions/citizen_answers.py, issue 10).

Pure functions, so they run here with hypothesis: generated names in any alphabet, with
hyphens, apostrophes and particles, with and without an introduction, are never refused and
never stored with the introduction; generated phone numbers in Danish and international
formats are all read as the same E.164 number.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from actions.citizen_answers import (
    CPR,
    correction,
    looks_like_cpr,
    read_email,
    read_name,
    read_phone,
    split_introduction,
)
from actions.form_reading import button_slots, reads_as_answer
from tests.support.citizen_answer_cases import EMAIL_CASES, NAME_CASES, PHONE_CASES, Refused

READERS = {"name": read_name, "phone": read_phone, "email": read_email}
CASES = [
    *[("name", text, expected) for text, expected in NAME_CASES],
    *[("phone", text, expected) for text, expected in PHONE_CASES],
    *[("email", text, expected) for text, expected in EMAIL_CASES],
]


@pytest.mark.parametrize(("kind", "text", "expected"), CASES)
def test_each_case_is_stored_as_written_or_refused_with_its_reason(kind, text, expected):
    reading = READERS[kind](text)
    if isinstance(expected, Refused):
        assert (reading.value, reading.refused) == (None, expected.reason)
    else:
        assert (reading.value, reading.refused) == (expected, None)


# Letters of any alphabet: Latin with and without diacritics, Greek, Cyrillic, Arabic, Hebrew,
# Devanagari, CJK, Hangul; a word starts with a capital where the script has capitals.
LETTERS = st.characters(
    categories=("Lu", "Ll", "Lo"),
    exclude_characters="ªºˆˇ",
).filter(lambda c: unicodedata.normalize("NFC", c) == c and c.isalpha())
WORD = st.text(LETTERS, min_size=1, max_size=10).map(lambda w: w[:1].upper() + w[1:])
JOINED = st.lists(WORD, min_size=1, max_size=2).flatmap(
    lambda parts: st.sampled_from(["-", "'"]).map(lambda sep: sep.join(parts))
)
PARTICLE = st.sampled_from(["de", "van", "van der", "von", "bin", "ibn", "al", "da", "du", "af"])
# Names that are also words: they must never be taken for a yes, a question or a sentence.
WORD_NAMES = st.sampled_from(["Ja", "Okay", "Bo", "Ole", "Skov", "Ravn", "Will", "Hope", "May"])
FIRST = st.one_of(WORD, JOINED, WORD_NAMES)
LAST = st.one_of(WORD, JOINED, WORD_NAMES)


@st.composite
def names(draw: st.DrawFn) -> str:
    first = draw(FIRST)
    particle = draw(st.one_of(st.none(), PARTICLE))
    middle = draw(st.lists(FIRST, max_size=1))
    return " ".join([first, *middle, *([particle] if particle else []), draw(LAST)])


INTRODUCTIONS = st.sampled_from(
    [
        "",
        "jeg hedder ",
        "Jeg hedder ",
        "mit navn er ",
        "Mit navn er ",
        "det er ",
        "navnet er ",
        "nej, mit navn er ",
        "ja det er ",
        "my name is ",
        "My name is ",
        "I'm ",
        "I am ",
        "it's ",
        "this is ",
        "no, my name is ",
    ]
)


@given(name=names(), introduction=INTRODUCTIONS, end=st.sampled_from(["", ".", "!", " "]))
@example(name="Ja Skov", introduction="", end="")
@example(name="Søren Østergård", introduction="my name is ", end=".")
@example(name="Okay Bo", introduction="jeg hedder ", end="")
def test_a_generated_name_is_never_refused_and_stored_without_its_introduction(
    name, introduction, end
):
    reading = read_name(f"{introduction}{name}{end}")
    assert reading.refused is None, (name, reading)
    assert reading.value == " ".join(name.split())


@given(name=names(), introduction=INTRODUCTIONS)
def test_a_generated_name_at_the_name_question_is_read_as_the_answer_whatever_the_intent(
    name, introduction
):
    for intent in ("inform", "affirm", "faq", "out_of_scope", "choose_language", "deny"):
        assert reads_as_answer("citizen_name", f"{introduction}{name}", intent, 0.99), intent


SUBSCRIBER = st.sampled_from(["2", "3", "4", "5", "6", "7", "8", "9"]).flatmap(
    lambda first: st.text("0123456789", min_size=7, max_size=7).map(lambda rest: first + rest)
)


def _grouped(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(digits[start : start + size])
        start += size
    return sep.join(parts)


@given(
    digits=SUBSCRIBER.filter(lambda d: read_phone(d).value is not None),
    prefix=st.sampled_from(["", "+45", "+45 ", "0045", "0045 ", "(+45) ", "+45-"]),
    grouping=st.sampled_from([(8,), (2, 2, 2, 2), (4, 4), (2, 3, 3)]),
    sep=st.sampled_from([" ", "-", ""]),
    introduction=st.sampled_from(["", "mit nummer er ", "det er ", "my number is ", "tlf. "]),
)
def test_a_danish_number_in_any_usual_format_is_read_as_the_same_e164_number(
    digits, prefix, grouping, sep, introduction
):
    reading = read_phone(f"{introduction}{prefix}{_grouped(digits, grouping, sep)}")
    assert (reading.value, reading.refused) == (f"+45{digits}", None)


@given(day=st.integers(1, 31), month=st.integers(1, 12), year=st.integers(0, 99),
       serial=st.integers(0, 9999), dash=st.sampled_from(["-", "", " "]),
       name=names())  # fmt: skip
def test_a_cpr_number_anywhere_in_a_name_or_as_a_phone_is_refused_as_a_cpr_number(
    day, month, year, serial, dash, name
):
    cpr = f"{day:02d}{month:02d}{year:02d}{dash}{serial:04d}"
    assert looks_like_cpr(cpr)
    assert read_name(f"{name} {cpr}").refused == CPR
    assert read_phone(cpr).refused == CPR


def test_an_explicit_introduction_is_a_correction_of_its_own_slot():
    assert correction("nej, mit navn er Per Hansen") == "citizen_name"
    assert correction("mit nummer er 20 30 40 50") == "citizen_phone"
    assert correction("min mail er ole@skov.dk") == "citizen_email"
    assert correction("det er Bo Ravn") is None  # only an answer to the question just asked
    assert correction("Ja Skov") is None


def test_a_name_that_starts_like_an_introduction_keeps_its_words():
    assert split_introduction("Ja Skov") == ("", "Ja Skov")
    assert read_name("jeg hedder").refused is not None  # an introduction with nothing after


@pytest.mark.parametrize(
    ("slot", "text", "intent"),
    [
        ("citizen_name", "nej", "deny"),
        ("citizen_name", "stop", "deny"),
        ("citizen_name", "farvel", "goodbye"),
        ("citizen_name", "Hvordan foregår et videomøde?", "faq"),
        ("citizen_name", "hvad koster det", "faq"),
        ("citizen_name", "jeg vil gerne tale med et menneske", "human_handoff"),
        ("citizen_name", "english please", "choose_language"),
        ("citizen_phone", "hvornår har I åbent?", "faq"),
        ("citizen_email", "nej, mit navn er Per Hansen", "deny"),
        ("citizen_name", '/inform{"service":"jobcenter"}', "inform"),
    ],
)
def test_what_is_clearly_something_else_is_not_read_as_the_answer(slot, text, intent):
    assert not reads_as_answer(slot, text, intent, 0.95)


@pytest.mark.parametrize(
    ("slot", "text", "intent"),
    [
        ("citizen_name", "Ole Olsen", "affirm"),
        ("citizen_name", "Mette Frederiksen", "faq"),
        ("citizen_name", "Nguyễn Thị Lan", "deny"),
        ("citizen_name", "this is Mark Stone", "out_of_scope"),
        ("citizen_name", "jeg ved ikke", "deny"),  # read, then refused: not a name
        ("citizen_phone", "20 30 40 50", "faq"),
        ("citizen_email", "nej tak", "deny"),  # no e-mail
        ("citizen_email", "ole@skov.dk", "out_of_scope"),
    ],
)
def test_an_answer_is_read_as_the_answer_whatever_the_intent(slot, text, intent):
    assert reads_as_answer(slot, text, intent, 0.99)


def test_a_button_payload_names_the_slots_it_answers_and_flow_buttons_none():
    assert button_slots('/inform{"service":"x"}', "inform", ["service"]) == {"service"}
    assert button_slots("/affirm", "affirm", []) == {"consent_given"}
    assert button_slots("/book_meeting", "book_meeting", []) is None
    assert button_slots("Ole Olsen", "inform", []) is None
