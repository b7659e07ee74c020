"""The stored content written back as Rasa training data: the round trip and the seam to training.

Import then export gives data Rasa's own loader reads as the shipped data (same intents,
phrasings, entity annotations, responses, synonyms, rules and stories): read in the bot's
venv with `tests/support/rasa_reader.py`. A change in the database shows in the files.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from booking import assistant
from booking.db import Database
from tests.support.assistant import SHIPPED, faq_payload, import_content
from tests.support.clock import NOW

ROOT = SHIPPED.parents[1]
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"


def _export(db: Database, target: Path) -> Path:
    with db.transaction() as session:
        assistant.write_training_data(session, target, SHIPPED)
    return target


def _read_with_yaml(data_dir: Path) -> dict[str, Any]:
    """Intents → phrasings and responses, read structurally (without Rasa)."""
    intents: dict[str, list[str]] = {}
    responses: dict[str, Any] = {}
    for path in sorted(data_dir.rglob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in content.get("nlu") or []:
            if "intent" in item:
                lines = item["examples"].splitlines()
                intents[item["intent"]] = sorted(line[2:] for line in lines if line.strip())
        responses.update(content.get("responses") or {})
    return {"intents": intents, "responses": responses}


def _read_with_rasa(data_dir: Path) -> dict[str, Any]:
    result = subprocess.run(
        [str(BOT_PYTHON), str(ROOT / "tests" / "support" / "rasa_reader.py"), str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return dict(json.loads(result.stdout))


@pytest.fixture
def content(db: Database) -> Database:
    import_content(db)
    return db


def test_the_exported_data_holds_the_shipped_intents_examples_and_answers(
    content: Database, tmp_path: Path
) -> None:
    exported = _read_with_yaml(_export(content, tmp_path / "data"))
    assert exported == _read_with_yaml(SHIPPED)


@pytest.mark.slow
@pytest.mark.skipif(not BOT_PYTHON.exists(), reason="needs the bot's venv (make test builds it)")
def test_rasas_own_loader_reads_the_export_as_the_shipped_data(
    content: Database, tmp_path: Path
) -> None:
    assert _read_with_rasa(_export(content, tmp_path / "data")) == _read_with_rasa(SHIPPED)


def test_a_new_question_and_a_retired_one_show_in_the_exported_data(
    content: Database, tmp_path: Path
) -> None:
    body = faq_payload()
    with content.transaction() as session:
        assistant.add_faq(
            session, body["key"], body["examples"], body["answer"], user_id=None, now=NOW
        )
        assistant.retire_faq(session, "faq/cost", user_id=None, now=NOW)
    exported = _read_with_yaml(_export(content, tmp_path / "data"))
    assert exported["intents"]["faq/parking_permit"] == sorted(
        body["examples"]["da"] + body["examples"]["en"]
    )
    assert exported["responses"]["utter_faq/parking_permit"] == [
        {"text": body["answer"]["da"]},
        {
            "condition": [{"type": "slot", "name": "language", "value": "en"}],
            "text": body["answer"]["en"],
        },
    ]
    assert "faq/cost" not in exported["intents"]
    assert "utter_faq/cost" not in exported["responses"]
