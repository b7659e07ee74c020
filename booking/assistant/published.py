"""Which model a Rasa server should load when it starts: the published one, not the shipped one.

Publishing loads a model on the running servers through Rasa's API, but a server that restarts
loads what `bot/serve rasa` names. So every publication and restore also writes the model's
path into `<models dir>/published` (one line, written atomically), and `bot/serve rasa` starts
Rasa with that model when the file names one that exists (bot/serving.py reads it; standard
library on both sides).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

POINTER_NAME = "published"


def write_pointer(models_dir: Path, model_file: str) -> Path:
    """Names `model_file` as the model servers start with; returns the pointer's path."""
    models_dir.mkdir(parents=True, exist_ok=True)
    pointer = models_dir / POINTER_NAME
    handle, temporary = tempfile.mkstemp(dir=models_dir, prefix=".published-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(str(Path(model_file).resolve()) + "\n")
        os.replace(temporary, pointer)  # readers see the old or the new line, never half
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return pointer


def read_pointer(models_dir: Path) -> Path | None:
    """The published model's path, or None without a pointer or when its file is gone."""
    try:
        named = (models_dir / POINTER_NAME).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(named) if named and Path(named).is_file() else None
