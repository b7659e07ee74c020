"""The assistant's training time, as an administrator's trainings run it (issue 15, point 3).

The shipped content is imported into a throwaway database and exported with the trainings' own
`write_training_data`; `rasa train` runs with Rasa's cache in a fresh directory (a cold cache:
the full training), then again after one FAQ answer is edited and after one example phrasing of
an FAQ question is edited, each time through `set_answer`/`set_examples` and a new export, on the
warm cache (what the runner's persistent `ASSISTANT_TRAIN_CACHE_DIR` gives). Each row says which
components trained and which came from the cache. The fully trained model is then evaluated on
the held-out set like CI's gate (`make bot-test-nlu`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.server import ROOT
from bench.stats import Figures
from booking.assistant import import_shipped
from booking.assistant.content import get_intent, set_answer, set_examples
from booking.assistant.evaluation import STARTED
from booking.assistant.training_data import write_training_data
from booking.db import Database
from web.cli import upgrade_database

RASA = ROOT / ".venv-bot" / "bin" / "rasa"
SHIPPED_DATA = ROOT / "bot" / "data"
HELD_OUT = ROOT / "bot" / "tests" / "nlu_holdout.yml"
FULL_TARGET_SECONDS = 180
RETRAIN_TARGET_SECONDS = 90
GATE_MINIMUM = 0.95  # NLU_MIN_F1 in mk/bot.mk
EDITED_FAQ = "faq/opening_hours"
RESTORED = re.compile(r"Restored component '(\w+)' from cache")


def _train(data: Path, cache: Path, out: Path, name: str) -> tuple[float, str]:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "RASA_CACHE_DIRECTORY": str(cache)}
    command = [str(RASA), "train", "--data", str(data), "--domain", "domain.yml"]
    command += ["--config", "config.yml", "--out", str(out), "--fixed-model-name", name]
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (a fixed executable, arguments as a list)
        command, cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return time.perf_counter() - started, done.stdout + done.stderr


def _components(log: str) -> str:
    trained, restored = STARTED.findall(log), RESTORED.findall(log)
    cached = ", ".join(sorted(set(restored))) or "nothing"
    return f"trained: {', '.join(trained) or 'nothing'}; from the cache: {cached}"


def _row(name: str, seconds: float, target: int, log: str) -> Figures:
    verdict = "met" if seconds <= target else "MISSED"
    values = {"time": f"{seconds:.0f} s", "target": f"<= {target} s ({verdict})"}
    return Figures(name, values).note(_components(log))


def _held_out(model: Path, out: Path) -> Figures:
    command = [str(RASA), "test", "nlu", "--nlu", str(HELD_OUT), "--model", str(model)]
    command += ["--out", str(out), "--no-plot"]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    intents = {
        name: scores["f1-score"]
        for name, scores in report.items()
        if isinstance(scores, dict) and "support" in scores and "avg" not in name
    }
    lowest = sorted(intents.items(), key=lambda item: item[1])[:3]
    macro = report["macro avg"]["f1-score"]
    return Figures(
        "held-out intent macro-F1 (full training)",
        {"macro-F1": f"{macro:.3f}", "gate": f">= {GATE_MINIMUM:.2f}"},
    ).note("lowest: " + ", ".join(f"{name} {f1:.3f}" for name, f1 in lowest))


def _export(database: Database, data: Path) -> None:
    with database.transaction() as db:
        write_training_data(db, data, SHIPPED_DATA)


def run(tmp: Path) -> list[Figures]:
    """Full training (cold cache), two retrainings after one FAQ edit (warm), held-out F1."""
    url = f"sqlite:///{tmp / 'training-bench.db'}"
    upgrade_database(url)
    database, now = Database(url), datetime.now(UTC)
    with database.transaction() as db:
        import_shipped(db, SHIPPED_DATA, now=now)
    cache, out = tmp / "rasa-cache", tmp / "trained"
    _export(database, tmp / "data-full")
    seconds, log = _train(tmp / "data-full", cache, out, "full")
    rows = [_row("rasa train, full (cold cache)", seconds, FULL_TARGET_SECONDS, log)]

    with database.transaction() as db:
        answer = {row.language: row.text for row in get_intent(db, EDITED_FAQ).answers}
        answer["da"] += " Ret: også på helligdage."
        set_answer(db, EDITED_FAQ, answer, user_id=None, now=now)
    _export(database, tmp / "data-answer")
    seconds, log = _train(tmp / "data-answer", cache, out, "answer")
    rows.append(_row("retrain after one FAQ answer edit", seconds, RETRAIN_TARGET_SECONDS, log))

    with database.transaction() as db:
        intent = get_intent(db, EDITED_FAQ)
        examples: dict[str, list[str]] = {}
        for example in intent.examples:
            examples.setdefault(example.language, []).append(example.text)
        examples["da"][0] += " i dag"
        set_examples(db, EDITED_FAQ, examples, user_id=None, now=now)
    _export(database, tmp / "data-example")
    seconds, log = _train(tmp / "data-example", cache, out, "example")
    rows.append(_row("retrain after one FAQ example edit", seconds, RETRAIN_TARGET_SECONDS, log))

    rows.append(_held_out(out / "full.tar.gz", tmp / "held-out"))
    database.dispose()
    return rows


if __name__ == "__main__":  # `.venv/bin/python -m bench.training`: these figures alone
    import tempfile

    from bench.stats import render

    with tempfile.TemporaryDirectory(prefix="bb-training-bench-") as name:
        load = os.getloadavg()[0]
        figures = run(Path(name))
    print(
        f"{os.cpu_count()} CPU cores, load average before/after {load:.1f}/{os.getloadavg()[0]:.1f}"
    )
    print(render(figures))
