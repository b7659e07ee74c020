"""Parses one text with a model file no Rasa server has loaded (the admin's "try it" box).

Runs in the bot's environment: `.venv-bot/bin/python bot/parse_with_model.py <model> <text>
<result.json>` writes Rasa's parse result (what `POST /model/parse` answers) to the result file,
or `{"error": …}` when the model cannot be loaded; the file appears only when complete. Loading
a model takes a minute on a busy machine, so the web app starts this and reads the file later.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from typing import Any


def parse(model: str, text: str) -> dict[str, Any]:
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent  # noqa: PLC0415 (Rasa's import takes seconds)

    agent = Agent.load(model)
    return dict(asyncio.run(agent.parse_message(text)))


def main(model: str, text: str, result_file: str) -> int:
    try:
        result = parse(model, text)
        status = 0
    except Exception as error:  # noqa: BLE001 (any failure is reported to the page)
        result, status = {"error": f"{type(error).__name__}: {error}"[:500]}, 1
    partial = result_file + ".part"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, default=str)
    os.replace(partial, result_file)
    return status


if __name__ == "__main__":
    # The model names components of this project (bot.nlu); `rasa` itself imports them from its
    # working directory, a script run by path only sees its own folder.
    sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
