"""The shipped Rasa training data in, the stored content out as Rasa training data.

`import_shipped` fills the empty tables from `bot/data` once (the first start). From then on
the database is what training uses: `write_training_data` writes a complete data directory for
`rasa train --data <dir>`: the intents' phrasings (`nlu/dialogue.yml`, `nlu/faq.yml`) and the
FAQ answers (`responses/faq.yml`) from the database, and everything administrators do not edit
(rules, stories, synonyms, other responses) copied from the shipped data.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.assistant.content import list_intents, record
from booking.assistant.languages import guess_language
from booking.assistant.models import (
    FAQ_PREFIX,
    AssistantAnswer,
    AssistantExample,
    AssistantIntent,
)
from booking.assistant.rules import comparable

RASA_FORMAT_VERSION = "3.1"
ANSWER_PREFIX = "utter_"
ENGLISH_CONDITION = [{"type": "slot", "name": "language", "value": "en"}]


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.yml")) + sorted(directory.rglob("*.yaml"))


def import_shipped(db: Session, data_dir: Path, *, now: datetime) -> bool:
    """Stores the shipped intents, phrasings and FAQ answers; False when content exists."""
    if db.scalar(select(AssistantIntent.id).limit(1)) is not None:
        return False
    answers = _shipped_answers(data_dir)
    for path in _yaml_files(data_dir / "nlu"):
        for item in _load(path).get("nlu") or []:
            if "intent" in item:
                intent = AssistantIntent(name=item["intent"], created_at=now)
                intent.examples = [
                    AssistantExample(language=guess_language(text), text=text, position=i)
                    for i, text in enumerate(_examples(item["examples"]))
                ]
                intent.answers = [
                    AssistantAnswer(language=language, text=text)
                    for language, text in answers.get(intent.name, {}).items()
                ]
                db.add(intent)
                record(db, intent, "import", None, user_id=None, now=now)
    return True


def held_out_phrasings(path: Path) -> frozenset[str]:
    """The held-out evaluation phrasings of a Rasa NLU file, as `rules.comparable` compares."""
    phrasings: set[str] = set()
    for item in _load(path).get("nlu") or []:
        if "intent" in item:
            phrasings.update(comparable(text) for text in _examples(item["examples"]))
    return frozenset(phrasings)


def _examples(block: str | list[Any]) -> list[str]:
    """The phrasings of Rasa's `examples: |` block (`- text` per line)."""
    if not isinstance(block, str):
        raise ValueError("only the `examples: |` form of Rasa training data is supported")
    return [line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("-")]


def _shipped_answers(data_dir: Path) -> dict[str, dict[str, str]]:
    """`faq/<key>` → {language: text} from the `utter_faq/<key>` responses."""
    answers: dict[str, dict[str, str]] = {}
    for path in _yaml_files(data_dir):
        for name, variations in (_load(path).get("responses") or {}).items():
            if name.startswith(ANSWER_PREFIX + FAQ_PREFIX):
                answers[name.removeprefix(ANSWER_PREFIX)] = _by_language(variations)
    return answers


def _by_language(variations: list[dict[str, Any]]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for variation in variations:
        language = "en" if variation.get("condition") == ENGLISH_CONDITION else "da"
        texts.setdefault(language, variation["text"])
    return texts


def write_training_data(db: Session, target: Path, shipped: Path) -> None:
    """Writes the stored content and the shipped rest as one Rasa data directory."""
    intents = list_intents(db, include_retired=False)
    _copy_unedited(shipped, target)
    nlu = target / "nlu"
    nlu.mkdir(parents=True, exist_ok=True)
    # Rasa reads a directory's files in name order: the dialogue's intents before the FAQ, as in
    # bot/data (basics, booking, faq), so unchanged content gives Rasa the examples in the shipped
    # order and trains the shipped model again (the order decides DIET's batches).
    (nlu / "dialogue.yml").write_text(
        _nlu_file([i for i in intents if not i.is_faq]), encoding="utf-8"
    )
    (nlu / "faq.yml").write_text(_nlu_file([i for i in intents if i.is_faq]), encoding="utf-8")
    responses = {
        ANSWER_PREFIX + intent.name: _variations(intent) for intent in intents if intent.is_faq
    }
    (target / "responses").mkdir(parents=True, exist_ok=True)
    (target / "responses" / "faq.yml").write_text(
        _dump({"version": RASA_FORMAT_VERSION, "responses": responses}), encoding="utf-8"
    )


def _copy_unedited(shipped: Path, target: Path) -> None:
    """The shipped files without the intents and FAQ answers the database now holds."""
    for path in _yaml_files(shipped):
        content = _load(path)
        if "nlu" in content:
            content["nlu"] = [item for item in content["nlu"] if "intent" not in item]
        if "responses" in content:
            content["responses"] = {
                name: value
                for name, value in content["responses"].items()
                if not name.startswith(ANSWER_PREFIX + FAQ_PREFIX)
            }
        if not any(content.get(part) for part in ("nlu", "responses", "rules", "stories")):
            continue
        copy = target / path.relative_to(shipped)
        copy.parent.mkdir(parents=True, exist_ok=True)
        if content == _load(path):
            shutil.copyfile(path, copy)
        else:
            copy.write_text(_dump({k: v for k, v in content.items() if v}), encoding="utf-8")


def _nlu_file(intents: list[AssistantIntent]) -> str:
    lines = [f'version: "{RASA_FORMAT_VERSION}"', "", "nlu:"]
    for intent in intents:
        lines += [f"- intent: {intent.name}", "  examples: |"]
        lines += [f"    - {example.text}" for example in intent.examples]
        lines.append("")
    return "\n".join(lines)


def _variations(intent: AssistantIntent) -> list[dict[str, Any]]:
    answer = {row.language: row.text for row in intent.answers}
    variations: list[dict[str, Any]] = [{"text": answer["da"]}]
    if "en" in answer:
        variations.append({"condition": ENGLISH_CONDITION, "text": answer["en"]})
    return variations


def _dump(content: dict[str, Any]) -> str:
    return yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=10_000)
