"""The running Rasa servers, reached through Rasa's own authenticated HTTP API.

Publishing is Rasa's `PUT /model {"model_file": …}` on every configured server, and done only
when each one's `GET /status` names the new model file. "Try it" parses with `POST
/model/parse` on the published model, and with a short-lived process in Rasa's environment for
a candidate model that no server has loaded (`bot/parse_with_model.py`). The token is sent as
Rasa reads it (`?token=`), only from the server side.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from booking.errors import BookingError
from booking.i18n import N_


class RasaUnavailable(BookingError):
    """A Rasa server did not answer, refused or did not load the model; `message` says which."""

    code = "rasa_unavailable"


@dataclass(frozen=True)
class RasaServers:
    urls: Sequence[str]
    token: str
    load_timeout: float = 900.0

    def _call(
        self, method: str, url: str, path: str, timeout: float | None = None, **kw: Any
    ) -> requests.Response:
        try:
            return requests.request(
                method,
                url + path,
                params={"token": self.token},
                timeout=timeout or self.load_timeout,
                **kw,
            )
        except requests.RequestException as error:
            raise RasaUnavailable(
                N_("The assistant at %(url)s did not answer: %(error)s"), url=url, error=error
            ) from error

    def loaded_model(self, url: str, timeout: float = 30) -> str | None:
        """The model file the server at `url` runs (its file name), None when unknown."""
        response = self._call("GET", url, "/status", timeout=timeout)
        if response.status_code != 200:
            return None
        return str(response.json().get("model_file") or "") or None

    def load(self, model_file: str) -> None:
        """Every server loads `model_file`; returns once each one's status names it."""
        wanted = Path(model_file).name
        for url in self.urls:
            response = self._call("PUT", url, "/model", json={"model_file": model_file})
            if response.status_code not in (200, 204):
                raise RasaUnavailable(
                    N_("The assistant at %(url)s refused the model (%(status)s): %(error)s"),
                    url=url,
                    status=response.status_code,
                    error=response.text[:300],
                )
        deadline = time.monotonic() + self.load_timeout
        for url in self.urls:
            while Path(self.loaded_model(url) or "").name != wanted:
                if time.monotonic() > deadline:
                    raise RasaUnavailable(
                        N_("The assistant at %(url)s did not load %(model)s."),
                        url=url,
                        model=wanted,
                    )
                time.sleep(1)

    def parse(self, text: str) -> dict[str, Any]:
        """What the published model (on the first server) understands of `text`."""
        url = self.urls[0]
        response = self._call("POST", url, "/model/parse", json={"text": text})
        if response.status_code != 200:
            raise RasaUnavailable(
                N_("The assistant at %(url)s did not parse the text (%(status)s)."),
                url=url,
                status=response.status_code,
            )
        return dict(response.json())


def start_parse_with_model(
    python: Path, script: Path, model_file: str, text: str, result_file: Path
) -> None:
    """Starts parsing `text` with a model no server runs; `result_file` appears when done.

    Loading a model takes up to a minute or two, longer than a web request may: the process
    runs on its own (its own session) and writes Rasa's parse result, or `{"error": …}`.
    """
    result_file.parent.mkdir(parents=True, exist_ok=True)
    subprocess.Popen(  # noqa: S603 (fixed executable and script, arguments as a list)
        [str(python), str(script), model_file, text, str(result_file)],
        cwd=script.parent.parent,
        env={"RASA_TELEMETRY_ENABLED": "false", "LOG_LEVEL": "ERROR", "PATH": "/usr/bin:/bin"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def parse_result(result_file: Path) -> dict[str, Any] | None:
    """The parse result once written (`{"error": …}` on failure); None while it runs."""
    if not result_file.exists():
        return None
    return dict(json.loads(result_file.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Understanding:
    """A parse result as people read it: intent, confidence, runner-ups, the FAQ question."""

    intent: str
    confidence: float
    ranking: list[tuple[str, float]]
    faq: str | None  # `faq/cost` when the response selector chose a question


def understanding(parsed: dict[str, Any], *, runner_ups: int = 4) -> Understanding:
    intent = parsed.get("intent") or {}
    ranking = [
        (str(item.get("name")), float(item.get("confidence") or 0.0))
        for item in (parsed.get("intent_ranking") or [])[1 : runner_ups + 1]
    ]
    faq = None
    selector = (parsed.get("response_selector") or {}).get("faq") or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    if intent.get("name") == "faq" and key:
        faq = str(key)
    return Understanding(
        intent=str(intent.get("name") or ""),
        confidence=float(intent.get("confidence") or 0.0),
        ranking=ranking,
        faq=faq,
    )
