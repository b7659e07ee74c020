"""The rules content must follow before it is stored, each refusal naming its field.

Fields are named as the admin API's JSON names them (`key`, `examples.da`, `answer.en`), so
the API and the forms put the message beside the right input.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from booking.assistant.annotations import check_annotations, plain_text
from booking.errors import ValidationFailed
from booking.i18n import LANGUAGES, N_, Text

# Below this many phrasings per language an intent is not learnt reliably (Rasa splits the
# phrasings for its own checks and needs several per intent).
MIN_EXAMPLES_PER_LANGUAGE = 3
MAX_EXAMPLE_LENGTH = 300
MAX_ANSWER_LENGTH = 2000
FAQ_KEY = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
# Municipality facts an answer may name as {placeholder}: slots the assistant fills at the
# start of a conversation from GET /api/v1/municipality.
FACTS = (
    "municipality_name",
    "municipality_phone",
    "municipality_address",
    "municipality_opening_hours",
)
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# Inside a sentence: "Write the answer %(lang)s." → "… in Danish" / "… på dansk".
IN_LANGUAGE = {"da": N_("in Danish"), "en": N_("in English")}


def check_faq_key(key: Any) -> str:
    """The key of a new FAQ question (`opening_hours`): lower case, digits and underscores."""
    if not isinstance(key, str) or not FAQ_KEY.match(key.strip()):
        raise ValidationFailed(
            N_(
                "Write the name in lower case letters a-z, digits and underscores, starting "
                "with a letter (2 to 60 characters), e.g. parking_permit."
            ),
            field="key",
        )
    return key.strip()


def comparable(example: str) -> str:
    """An example as compared with others: plain words, lower case, no end punctuation."""
    return " ".join(plain_text(example).lower().split()).rstrip("?.!")


def clean_examples(examples: Any, held_out: Collection[str] = frozenset()) -> dict[str, list[str]]:
    """Each language's phrasings, trimmed and without repeats; refused when a rule fails.

    `held_out` holds the `comparable` form of the phrasings kept for evaluation: the assistant
    is measured on them because it never learnt them, so none may become a training phrasing.
    """
    if not isinstance(examples, Mapping):
        raise ValidationFailed(N_("Give the examples for each language."), field="examples")
    cleaned: dict[str, list[str]] = {}
    for language in LANGUAGES:
        cleaned[language] = _clean_language(examples.get(language), language, held_out)
    return cleaned


def _clean_language(raw: Any, language: str, held_out: Collection[str]) -> list[str]:
    field = f"examples.{language}"
    name = IN_LANGUAGE[language]
    if raw is None:
        raise ValidationFailed(N_("Give examples %(lang)s."), field=field, lang=name)
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ValidationFailed(N_("Give the examples as a list of texts."), field=field)
    kept: list[str] = []
    seen: set[str] = set()
    for item in raw:
        example = " ".join(item.split())
        if not example or comparable(example) in seen:
            continue
        if len(example) > MAX_EXAMPLE_LENGTH:
            raise ValidationFailed(
                N_("“%(example)s” is longer than %(count)s characters."),
                field=field,
                example=example[:40] + "…",
                count=MAX_EXAMPLE_LENGTH,
            )
        check_annotations(example, field=field)
        if comparable(example) in held_out:
            raise ValidationFailed(
                N_(
                    "“%(example)s” is one of the held-out test phrasings the assistant is "
                    "measured on; a training example must be worded differently."
                ),
                field=field,
                example=example,
            )
        seen.add(comparable(example))
        kept.append(example)
    if len(kept) < MIN_EXAMPLES_PER_LANGUAGE:
        raise _too_few(field, name)
    return kept


def _too_few(field: str, language: Text) -> ValidationFailed:
    return ValidationFailed(
        N_(
            "Give at least %(count)s different examples %(lang)s: the assistant cannot "
            "learn a question from fewer."
        ),
        field=field,
        count=MIN_EXAMPLES_PER_LANGUAGE,
        lang=language,
    )


def clean_answer(answer: Any) -> dict[str, str]:
    """The answer in each language, trimmed; refused when empty or naming an unknown fact."""
    if not isinstance(answer, Mapping):
        raise ValidationFailed(N_("Give the answer in each language."), field="answer")
    cleaned: dict[str, str] = {}
    for language in LANGUAGES:
        field = f"answer.{language}"
        text = answer.get(language)
        if not isinstance(text, str) or not text.strip():
            raise ValidationFailed(
                N_("Write the answer %(lang)s."),
                field=field,
                lang=IN_LANGUAGE[language],
            )
        text = text.strip()
        if len(text) > MAX_ANSWER_LENGTH:
            raise ValidationFailed(
                N_("Use at most %(count)s characters."), field=field, count=MAX_ANSWER_LENGTH
            )
        _check_placeholders(text, field)
        cleaned[language] = text
    return cleaned


def _check_placeholders(text: str, field: str) -> None:
    for name in PLACEHOLDER.findall(text):
        if name not in FACTS:
            raise ValidationFailed(
                N_("{%(name)s} is not a municipality fact; you can use: %(facts)s."),
                field=field,
                name=name,
                facts=", ".join("{" + fact + "}" for fact in FACTS),
            )
    if text.count("{") != text.count("}"):
        raise ValidationFailed(
            N_("Write a municipality fact in braces, e.g. {municipality_phone}."), field=field
        )
