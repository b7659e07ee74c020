"""Trainings as a job: the state machine on both databases, and the runner's failure path with
a real subprocess (a stand-in `rasa` that fails: the published model stays as it was)."""

from __future__ import annotations

import dataclasses
import stat
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from booking.assistant import AssistantPublication, TrainingStatus, trainings
from booking.assistant.models import AssistantTestPhrasing
from booking.assistant.runner import TrainingSettings, run_training
from booking.db import Database
from booking.errors import InvalidState
from tests.support.assistant import SHIPPED, import_content
from tests.support.clock import NOW

ROOT = Path(__file__).resolve().parents[2]


def _queue(db: Database) -> int:
    with db.transaction() as session:
        return trainings.request_training(session, user_id=None, now=NOW).id


def _status(db: Database, training_id: int) -> trainings.AssistantTraining:
    with db.transaction() as session:
        training = trainings.get_training(session, training_id)
        session.expunge(training)
        return training


def test_a_training_moves_from_queued_to_running_to_succeeded(db: Database) -> None:
    training_id = _queue(db)
    with db.transaction() as session:
        claimed = trainings.claim_next(session, now=NOW)
        assert claimed is not None and claimed.id == training_id
        assert claimed.status == TrainingStatus.RUNNING and claimed.started_at == NOW
    with db.transaction() as session:
        assert trainings.claim_next(session, now=NOW) is None  # nothing else queued
        trainings.report_progress(session, training_id, progress=0.5, phase="training", now=NOW)
        trainings.report_progress(session, training_id, progress=0.3, phase="training", now=NOW)
    assert _status(db, training_id).progress == 0.5  # progress never goes back
    with db.transaction() as session:
        trainings.succeed(
            session,
            training_id,
            model_file="m.tar.gz",
            evaluation={"macro_f1": 0.9},
            now=NOW + timedelta(minutes=3),
        )
    done = _status(db, training_id)
    assert done.status == TrainingStatus.SUCCEEDED and done.progress == 1.0
    assert done.duration_seconds == 180 and done.active is None
    with db.transaction() as session, pytest.raises(InvalidState):
        trainings.fail(session, training_id, reason="late", now=NOW)
    assert _queue(db) == training_id + 1  # the next one may be queued now


def test_only_one_training_is_queued_or_running_at_a_time(db: Database) -> None:
    first = _queue(db)
    with db.transaction() as session, pytest.raises(trainings.TrainingActive) as refused:
        trainings.request_training(session, user_id=None, now=NOW)
    assert refused.value.training_id == first
    with db.transaction() as session:
        trainings.claim_next(session, now=NOW)
    with db.transaction() as session, pytest.raises(trainings.TrainingActive):
        trainings.request_training(session, user_id=None, now=NOW)


def test_the_database_refuses_a_second_active_training_even_when_requests_race(
    db: Database,
) -> None:
    _queue(db)
    with db.transaction() as session:
        session.add(trainings.AssistantTraining(status="queued", active=True, requested_at=NOW))
        with pytest.raises(Exception, match="(?i)unique"):
            session.flush()
        session.rollback()


def test_a_running_training_whose_worker_stopped_is_failed_by_the_next_claim(
    db: Database,
) -> None:
    training_id = _queue(db)
    with db.transaction() as session:
        trainings.claim_next(session, now=NOW)
    with db.transaction() as session:
        assert trainings.claim_next(session, now=NOW + timedelta(minutes=2)) is None
    assert _status(db, training_id).status == TrainingStatus.RUNNING
    with db.transaction() as session:
        trainings.claim_next(session, now=NOW + timedelta(minutes=6))
    stale = _status(db, training_id)
    assert stale.status == TrainingStatus.FAILED and "stopped" in (stale.failure_reason or "")


def _failing_rasa(directory: Path) -> Path:
    """A stand-in `rasa` that writes some log lines and exits 1, like a failed training."""
    script = directory / "rasa"
    script.write_text(
        "#!/bin/sh\n"
        "echo \"Starting to train component 'DIETClassifier'.\"\n"
        'echo "Epochs:  50%|#####     | 5/10 [00:01<00:01]"\n'
        'echo "InvalidConfigException: the pipeline cannot be trained" >&2\n'
        "exit 1\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def _settings(tmp_path: Path, rasa: Path) -> TrainingSettings:
    return TrainingSettings(
        rasa=rasa,
        project=ROOT,
        domain=ROOT / "domain.yml",
        config=ROOT / "config.yml",
        models_dir=tmp_path / "candidates",
        shipped_data=SHIPPED,
        shipped_model=ROOT / "models" / "borgerbooking.tar.gz",
        held_out_file=ROOT / "bot" / "tests" / "nlu_holdout.yml",
    )


def test_a_failed_training_says_why_and_leaves_the_published_model_untouched(
    db: Database, tmp_path: Path
) -> None:
    import_content(db)
    with db.transaction() as session:
        before = trainings.published_model(session, shipped_model="shipped.tar.gz")
    training_id = _queue(db)
    with db.transaction() as session:
        trainings.claim_next(session, now=NOW)
    settings = _settings(tmp_path, _failing_rasa(tmp_path))
    status = run_training(db, training_id, settings, clock=lambda: NOW)
    assert status == TrainingStatus.FAILED
    failed = _status(db, training_id)
    assert failed.status == TrainingStatus.FAILED and failed.active is None
    assert "rasa train exited with status 1" in (failed.failure_reason or "")
    assert "the pipeline cannot be trained" in (failed.failure_reason or "")
    assert failed.model_file is None
    assert 0.05 <= failed.progress < 0.8  # it got to the training step
    assert Path(failed.data_file or "").exists()  # the data it was given is kept
    assert "InvalidConfigException" in Path(failed.log_file or "").read_text()
    assert not (tmp_path / "candidates" / f"training-{training_id}.tar.gz").exists()
    with db.transaction() as session:
        assert session.scalar(select(func.count(AssistantPublication.id))) == 0
        assert trainings.published_model(session, shipped_model="shipped.tar.gz") == before


def test_a_training_stopped_with_the_worker_fails_and_kills_rasa(
    db: Database, tmp_path: Path
) -> None:
    import_content(db)
    slow = tmp_path / "rasa"
    slow.write_text("#!/bin/sh\necho started\nexec sleep 60\n")
    slow.chmod(slow.stat().st_mode | stat.S_IEXEC)
    training_id = _queue(db)
    with db.transaction() as session:
        trainings.claim_next(session, now=NOW)
    stop = threading.Event()
    threading.Timer(1.5, stop.set).start()
    status = run_training(db, training_id, _settings(tmp_path, slow), clock=lambda: NOW, stop=stop)
    assert status == TrainingStatus.FAILED
    assert "was stopped" in (_status(db, training_id).failure_reason or "")


def _recording_rasa(directory: Path, record: Path) -> Path:
    """A stand-in `rasa` that succeeds: `train` keeps a copy of the data it was given and the
    cache directory it was told to use, and writes a model; `test nlu` writes a report."""
    script = directory / "rasa"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, shutil, sys\n"
        "from pathlib import Path\n"
        "args = sys.argv[1:]\n"
        "value = lambda flag: args[args.index(flag) + 1]\n"
        f"record = Path({str(record)!r})\n"
        "if args[0] == 'train':\n"
        "    n = len(list(record.glob('data-*')))\n"
        "    shutil.copytree(value('--data'), record / f'data-{n}')\n"
        "    cache = os.environ.get('RASA_CACHE_DIRECTORY', '')\n"
        "    (record / f'cache-{n}').write_text(cache)\n"
        "    Path(value('--out'), value('--fixed-model-name') + '.tar.gz').write_bytes(b'model')\n"
        "else:\n"
        "    with (record / 'evaluated.txt').open('a') as models:\n"
        "        models.write(value('--model') + '\\n')\n"
        "    out = Path(value('--out'))\n"
        "    out.mkdir(parents=True, exist_ok=True)\n"
        "    report = {'greet': {'f1-score': 0.9, 'support': 3}, 'macro avg': {'f1-score': 0.9}}\n"
        "    (out / 'intent_report.json').write_text(json.dumps(report))\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def _recording(tmp_path: Path, **changes: object) -> tuple[TrainingSettings, Path]:
    """Settings with the recording stand-in `rasa` (and what it records) and a shipped model
    of its own."""
    record = tmp_path / "record"
    record.mkdir()
    shipped_model = tmp_path / "shipped.tar.gz"
    shipped_model.write_bytes(b"shipped")
    rasa = _recording_rasa(tmp_path, record)
    settings = dataclasses.replace(
        _settings(tmp_path, rasa), shipped_model=shipped_model, **changes
    )
    return settings, record


def _train(db: Database, settings: TrainingSettings) -> trainings.AssistantTraining:
    """Queue, claim and run one training that must succeed; returns it as stored."""
    training_id = _queue(db)
    with db.transaction() as session:
        trainings.claim_next(session, now=NOW)
    assert run_training(db, training_id, settings, clock=lambda: NOW) == "succeeded"
    return _status(db, training_id)


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_every_training_keeps_rasas_cache_in_one_directory_and_exports_the_same_bytes(
    db: Database, tmp_path: Path
) -> None:
    import_content(db)
    settings, record = _recording(tmp_path, cache_dir=tmp_path / "candidates" / "rasa-cache")
    for _ in range(2):
        _train(db, settings)

    cache = str(tmp_path / "candidates" / "rasa-cache")
    assert (record / "cache-0").read_text() == (record / "cache-1").read_text() == cache
    assert Path(cache).is_dir()
    first, second = _files(record / "data-0"), _files(record / "data-1")
    assert "nlu/faq.yml" in first and "responses/faq.yml" in first
    assert first == second  # unchanged content: the same bytes, the same fingerprints


def test_without_a_cache_directory_rasa_train_gets_no_cache_variable(tmp_path: Path) -> None:
    settings = _settings(tmp_path, tmp_path / "rasa")
    assert settings.train_env() == {}
    cached = dataclasses.replace(settings, cache_dir=tmp_path / "cache")
    assert cached.train_env() == {"RASA_CACHE_DIRECTORY": str(tmp_path / "cache")}


def test_the_published_model_is_evaluated_once_per_held_out_set(
    db: Database, tmp_path: Path
) -> None:
    import_content(db)
    settings, record = _recording(tmp_path)
    shipped_model = settings.shipped_model
    first, second = _train(db, settings), _train(db, settings)
    evaluated = (record / "evaluated.txt").read_text().split()
    assert evaluated.count(str(shipped_model)) == 1  # the second training reused the scores
    assert len(evaluated) == 3  # and each candidate was measured
    assert second.evaluation == {**first.evaluation, "macro_f1": second.evaluation["macro_f1"]}
    assert "reused the evaluation of shipped.tar.gz" in Path(second.log_file or "").read_text()

    with db.transaction() as session:  # a new test phrasing changes the held-out set
        session.add(AssistantTestPhrasing(intent="greet", text="godmorgen med dig"))
    _train(db, settings)
    evaluated = (record / "evaluated.txt").read_text().split()
    assert evaluated.count(str(shipped_model)) == 2
