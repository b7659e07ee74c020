"""Entity annotations in example phrasings, in Rasa's own syntax, checked before they are stored.

`[tirsdag](date)`, `[jobcentret](service:jobcenter)` and `[fysio]{"entity": "service", "value":
"fysioterapi"}` mark the words an entity is read from. A phrasing is stored exactly as written;
these functions only check it and give its plain words (for comparing and language guessing).
"""

from __future__ import annotations

import json
import re

from booking.errors import ValidationFailed
from booking.i18n import N_

# The entities phrasings annotate (domain.yml); the others are set by button payloads only.
ANNOTATED_ENTITIES = frozenset({"service", "language"})

# Rasa's own pattern (rasa.shared.nlu.training_data.entities_parser.ENTITY_REGEX).
ANNOTATION = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(\((?P<entity>[^:)]+?)(?:\:(?P<value>[^)]+))?\)|\{(?P<entity_dict>[^}]+?)\})"
)


def plain_text(example: str) -> str:
    """The words a citizen would type: annotations replaced by their annotated text."""
    return ANNOTATION.sub(lambda match: match.group("text"), example)


def check_annotations(example: str, *, field: str) -> None:
    """Refuses an example whose annotations Rasa would misread or that names an unknown entity."""
    for match in ANNOTATION.finditer(example):
        entity = match.group("entity") or _entity_of_dict(match.group("entity_dict"), field)
        if entity.strip() not in ANNOTATED_ENTITIES:
            raise ValidationFailed(
                N_("“%(example)s” names the entity “%(entity)s”; known entities: %(known)s."),
                field=field,
                example=example,
                entity=entity,
                known=", ".join(sorted(ANNOTATED_ENTITIES)),
            )
    rest = ANNOTATION.sub("", example)
    if any(mark in rest for mark in "[]{}"):
        raise ValidationFailed(
            N_("“%(example)s” has an annotation Rasa cannot read; write it as [words](entity)."),
            field=field,
            example=example,
        )


def _entity_of_dict(raw: str, field: str) -> str:
    try:
        entity = json.loads("{" + raw + "}").get("entity")
    except (ValueError, AttributeError):
        entity = None
    if not isinstance(entity, str):
        raise ValidationFailed(
            N_("“%(raw)s” is not a valid annotation; write it as [words](entity)."),
            field=field,
            raw="{" + raw + "}",
        )
    return entity
