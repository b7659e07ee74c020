"""The pointer to the published model that `bot/serve rasa` starts Rasa with."""

from __future__ import annotations

from pathlib import Path

from booking.assistant.published import POINTER_NAME, read_pointer, write_pointer
from bot.serving import ROOT, start_model


def test_the_pointer_names_the_last_model_written(tmp_path: Path) -> None:
    first, second = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    first.write_bytes(b"a")
    second.write_bytes(b"b")
    models = tmp_path / "candidates"
    assert read_pointer(models) is None
    write_pointer(models, str(first))
    write_pointer(models, str(second))
    assert read_pointer(models) == second.resolve()
    assert [p.name for p in models.iterdir()] == [POINTER_NAME]  # no temporary file left


def test_serve_starts_with_the_published_model_and_falls_back_when_it_is_gone(
    tmp_path: Path, capsys
) -> None:
    model = tmp_path / "training-7.tar.gz"
    model.write_bytes(b"model")
    env = {"ASSISTANT_MODELS_DIR": str(tmp_path)}
    assert start_model(env) == ROOT / "models"
    write_pointer(tmp_path, str(model))
    assert start_model(env) == model.resolve()
    model.unlink()
    assert read_pointer(tmp_path) is None
    assert start_model(env) == ROOT / "models"
    assert "is missing" in capsys.readouterr().err
