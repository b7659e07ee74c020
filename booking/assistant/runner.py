"""Runs one claimed training: export, `rasa train`, evaluate both models, record the result.

Rasa runs in its own environment (`.venv-bot`), so everything here talks to it as a
subprocess: `rasa train` with the stored content written as a data directory, then
`rasa test nlu` on the same held-out set for the candidate and for the published model. The log
is streamed to a file beside the model while progress is derived from it. A failure (a non-zero
exit, a time-out, a stop) fails the training with the last lines of the log and touches nothing
else: publishing is a separate, explicit step.

`rasa train` keeps Rasa's training cache in `cache_dir` (`RASA_CACHE_DIRECTORY`), one directory
for every training, so a retraining reuses each graph node whose inputs did not change (after an
FAQ edit the policies; the NLU pipeline trains again, its data changed). Rasa fingerprints
content, not paths, and the export writes unchanged content byte for byte the same, so the
temporary data directory does not defeat the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import yaml
from sqlalchemy import select

from booking.assistant import trainings
from booking.assistant.evaluation import (
    TrainingProgress,
    compare,
    progress_components,
    summarise_report,
    write_evaluation_set,
)
from booking.assistant.models import AssistantTestPhrasing
from booking.assistant.training_data import write_training_data
from booking.db import Database

Clock = Callable[[], datetime]
# Shares of the whole job: export, then rasa train, then two evaluations.
TRAIN_START, TRAIN_END, CANDIDATE_DONE = 0.05, 0.8, 0.9
HEARTBEAT_SECONDS = 2.0
TAIL_LINES = 40
LINE_BREAK = re.compile(r"\r\n|\r|\n")


class TrainingFailed(Exception):
    """A step of the training failed; the message says which and why."""


@dataclass(frozen=True)
class TrainingSettings:
    """Where Rasa and the project's files are; how long a step may take."""

    rasa: Path  # the bot environment's `rasa` executable
    project: Path  # the directory with domain.yml (rasa runs there; its cache lives there)
    domain: Path
    config: Path  # ASSISTANT_TRAIN_CONFIG: e.g. a config with fewer epochs for tests
    models_dir: Path  # candidates, their data snapshots, logs and evaluation reports
    shipped_data: Path
    shipped_model: Path
    held_out_file: Path
    env: Mapping[str, str] = field(default_factory=dict)
    timeout_seconds: float = 3600.0
    # Rasa's training cache, kept between trainings; None: Rasa's default (.rasa/cache in project)
    cache_dir: Path | None = None

    def train_env(self) -> dict[str, str]:
        """The environment `rasa train` gets on top of `env`: the persistent cache."""
        if self.cache_dir is None:
            return {}
        return {"RASA_CACHE_DIRECTORY": str(self.cache_dir)}

    def files(self, training_id: int) -> dict[str, Path]:
        stem = self.models_dir / f"training-{training_id}"
        return {
            "model_file": stem.with_name(stem.name + ".tar.gz"),
            "data_file": stem.with_name(stem.name + ".data.tar.gz"),
            "log_file": stem.with_name(stem.name + ".log"),
            "reports": stem.with_name(stem.name + "-evaluation"),
        }


def log_tail(path: str | Path | None, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of a training's log ('' before it exists)."""
    if not path or not Path(path).exists():
        return ""
    with Path(path).open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 64_000))
        text = handle.read().decode("utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def run_training(
    database: Database,
    training_id: int,
    settings: TrainingSettings,
    *,
    clock: Clock,
    stop: threading.Event | None = None,
) -> str:
    """Runs the claimed (running) training to its end; returns its final status."""
    files = settings.files(training_id)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    files["log_file"].write_text("", encoding="utf-8")
    with database.transaction(immediate=True) as db:
        trainings.record_files(
            db, training_id, log_file=str(files["log_file"]), data_file=str(files["data_file"])
        )
    job = _Job(database, training_id, settings, clock, stop or threading.Event())
    try:
        evaluation = job.run(files)
    except Exception as failure:  # noqa: BLE001 (whatever stopped it, the training says why)
        if not isinstance(failure, TrainingFailed):
            failure = TrainingFailed(f"{type(failure).__name__}: {failure}")
        reason = f"{failure}\n{log_tail(files['log_file'], 15)}".strip()
        with database.transaction(immediate=True) as db:
            trainings.fail(db, training_id, reason=reason, now=clock())
        return trainings.TrainingStatus.FAILED
    with database.transaction(immediate=True) as db:
        trainings.succeed(
            db,
            training_id,
            model_file=str(files["model_file"]),
            evaluation=evaluation,
            now=clock(),
        )
    return trainings.TrainingStatus.SUCCEEDED


@dataclass
class _Job:
    database: Database
    training_id: int
    settings: TrainingSettings
    clock: Clock
    stop: threading.Event
    last_beat: float = 0.0
    share: float = 0.0
    phase: str = "exporting"

    def run(self, files: dict[str, Path]) -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="assistant-training-") as tmp:
            data, evaluation_set = Path(tmp) / "data", Path(tmp) / "evaluation.yml"
            published = self._export(data, evaluation_set, files["data_file"])
            shutil.copyfile(evaluation_set, files["reports"].with_suffix(".evaluation-set.yml"))
            self._train(data, files)
            candidate = self._evaluate(files["model_file"], evaluation_set, files, "candidate")
            self._beat(CANDIDATE_DONE, "evaluating", force=True)
            baseline = self._evaluate_published(Path(published), evaluation_set, files)
            size = _count_examples(evaluation_set)
        return compare(candidate, baseline, published_model=published, evaluation_set_size=size)

    def _export(self, data: Path, evaluation_set: Path, snapshot: Path) -> str:
        self._beat(0.0, "exporting", force=True)
        with self.database.transaction() as db:
            write_training_data(db, data, self.settings.shipped_data)
            phrasings = [
                (row.intent, row.text) for row in db.scalars(select(AssistantTestPhrasing))
            ]
            published = trainings.published_model(
                db, shipped_model=str(self.settings.shipped_model)
            ).model_file
        write_evaluation_set(self.settings.held_out_file, phrasings, evaluation_set)
        with tarfile.open(snapshot, "w:gz") as archive:
            archive.add(data, arcname="data")
            archive.add(evaluation_set, arcname="evaluation.yml")
        return published

    def _train(self, data: Path, files: dict[str, Path]) -> None:
        s = self.settings
        config = yaml.safe_load(s.config.read_text(encoding="utf-8")) or {}
        progress = TrainingProgress(progress_components(config))
        command = [str(s.rasa), "train", "--data", str(data), "--domain", str(s.domain)]
        command += ["--config", str(s.config), "--out", str(s.models_dir)]
        command += ["--fixed-model-name", f"training-{self.training_id}"]
        self._beat(TRAIN_START, "training", force=True)

        def on_line(line: str) -> None:  # in the reader thread: the main loop writes it
            self.share = TRAIN_START + (TRAIN_END - TRAIN_START) * progress.read(line)

        if s.cache_dir is not None:
            s.cache_dir.mkdir(parents=True, exist_ok=True)
        self._run("rasa train", command, files["log_file"], on_line, s.train_env())
        if not files["model_file"].exists():
            raise TrainingFailed("rasa train wrote no model.")

    def _evaluate(
        self, model: Path, evaluation_set: Path, files: dict[str, Path], name: str
    ) -> dict[str, Any]:
        if not model.exists():
            raise TrainingFailed(f"The {name} model {model} does not exist.")
        out = files["reports"] / name
        command = [str(self.settings.rasa), "test", "nlu", "--nlu", str(evaluation_set)]
        command += ["--model", str(model), "--out", str(out), "--no-plot"]
        self._beat(TRAIN_END, "evaluating", force=True)
        self._run(f"rasa test nlu ({name})", command, files["log_file"], lambda _line: None)
        report = out / "intent_report.json"
        if not report.exists():
            raise TrainingFailed(f"rasa test nlu wrote no report for the {name} model.")
        return summarise_report(json.loads(report.read_text(encoding="utf-8")))

    def _evaluate_published(
        self, model: Path, evaluation_set: Path, files: dict[str, Path]
    ) -> dict[str, Any]:
        """The published model's scores, measured once per model and held-out set: a model
        file never changes once written, so every training against the same published model
        and the same phrasings reuses them instead of another `rasa test nlu` (a minute or
        more on 2 CPUs)."""
        if not model.exists():
            return self._evaluate(model, evaluation_set, files, "published")  # says it is gone
        key = _evaluation_key(model, evaluation_set)
        cached = self.settings.models_dir / "evaluations" / f"{key}.json"
        try:
            summary: dict[str, Any] = json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        else:
            with files["log_file"].open("a", encoding="utf-8") as log:
                log.write(f"rasa test nlu (published): reused the evaluation of {model.name}\n")
            return summary
        summary = self._evaluate(model, evaluation_set, files, "published")
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        partial.write_text(json.dumps(summary), encoding="utf-8")
        os.replace(partial, cached)  # a reader sees the whole evaluation or none
        return summary

    def _run(
        self,
        what: str,
        command: list[str],
        log_file: Path,
        on_line: Any,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", **self.settings.env}
        env.update(extra_env or {})
        with log_file.open("a", encoding="utf-8") as log:
            log.write(f"$ {' '.join(command)}\n")
            log.flush()
            process = subprocess.Popen(  # noqa: S603 (a fixed executable, arguments as a list)
                command,
                cwd=self.settings.project,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            assert process.stdout is not None
            deadline = time.monotonic() + self.settings.timeout_seconds
            reader = threading.Thread(
                target=_pump, args=(process.stdout, log, on_line), daemon=True
            )
            reader.start()
            while process.poll() is None:
                if self.stop.is_set() or time.monotonic() > deadline:
                    process.kill()
                    process.wait()
                    reader.join(timeout=5)
                    why = "was stopped" if self.stop.is_set() else "took too long"
                    raise TrainingFailed(f"{what} {why}.")
                time.sleep(0.2)
                self._beat(None)
            reader.join(timeout=10)
        if process.returncode != 0:
            raise TrainingFailed(f"{what} exited with status {process.returncode}.")

    def _beat(self, share: float | None, phase: str = "", *, force: bool = False) -> None:
        """Progress and heartbeat, written at most every HEARTBEAT_SECONDS unless forced.

        Every write here begins IMMEDIATE: on SQLite a transaction that reads and then writes
        while another process wrote meanwhile fails at once instead of waiting its turn.
        """
        if share is not None:
            self.share, self.phase = share, phase or self.phase
        if not force and time.monotonic() - self.last_beat < HEARTBEAT_SECONDS:
            return
        self.last_beat = time.monotonic()
        with self.database.transaction(immediate=True) as db:
            trainings.report_progress(
                db, self.training_id, progress=self.share, phase=self.phase, now=self.clock()
            )


def _evaluation_key(model: Path, evaluation_set: Path) -> str:
    """Names one model file (path, size, modification time) and one held-out set (its bytes)."""
    stat = model.stat()
    digest = hashlib.sha256(f"{model.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    digest.update(evaluation_set.read_bytes())
    return digest.hexdigest()


def _pump(stream: IO[bytes], log: IO[str], on_line: Callable[[str], None]) -> None:
    """Copies the process's output to the log line by line (a progress bar's \\r ends a line)."""
    pending = ""
    while chunk := stream.read1(4096):  # type: ignore[attr-defined]
        pending += chunk.decode("utf-8", errors="replace")
        *lines, pending = LINE_BREAK.split(pending)
        for line in lines:
            if line.strip():
                log.write(line + "\n")
                on_line(line)
        log.flush()
    if pending.strip():
        log.write(pending + "\n")
        on_line(pending)
    log.flush()


def _count_examples(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    return sum(1 for line in text.splitlines() if line.startswith("    - "))
