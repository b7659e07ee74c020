"""The round trip of issue 12: teach the assistant a new question through the admin API, train,
publish only with an override, the bot answers it; restore, and it no longer does.

Everything is real: the web app under gunicorn (its own database), the trainer process
(`flask --app web trainer`) running `rasa train` with a reduced-epochs config
(tests/e2e/fast_config.yml) and `rasa test nlu` for both models, and a Rasa server of this test's
own (started by `bot/serve rasa` like the session's, beside it) that the web app publishes to
through Rasa's authenticated `PUT /model`. The session's assistant is never changed.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.stack import (
    MODEL,
    ROOT,
    WEB_VENV,
    Assistant,
    BookingService,
    running_booking_service,
    start_rasa,
    stop,
    wait_for_rasa,
)
from tests.support.ports import free_port

pytestmark = pytest.mark.slow

FAST_CONFIG = Path(__file__).with_name("fast_config.yml")
TRAINING_TIMEOUT = 40 * 60  # seconds: a reduced training takes ~6 min on a busy 2-core machine
ANSWER_DA = "Du søger om parkeringstilladelse på kommunens hjemmeside under Borger og Trafik."
QUESTION = {
    "key": "parking_permit",
    "examples": {
        "da": [
            "hvordan får jeg en parkeringstilladelse",
            "kan jeg søge om beboerlicens",
            "hvor søger man p-tilladelse",
            "jeg skal bruge en parkeringstilladelse",
            "parkeringslicens til min bil",
            "hvordan søger jeg beboerparkering",
            "hvor får jeg en p-licens",
            "ansøgning om parkeringstilladelse",
        ],
        "en": [
            "how do I get a parking permit",
            "can I apply for a resident parking licence",
            "where do I apply for a parking permit",
            "I need a parking permit for my car",
            "resident parking permit application",
        ],
    },
    "answer": {"da": ANSWER_DA, "en": "You apply for a parking permit on the website."},
}
# Not among the examples above (nor in the held-out set)
UNSEEN = "hvordan får man en parkeringstilladelse"


@dataclass
class Admin:
    web: BookingService
    key: str
    rasa_url: str

    def call(self, method: str, path: str, **kw: Any) -> requests.Response:
        url = self.web.base_url + "/admin" + path
        headers = {"Authorization": f"Bearer {self.key}"}
        return requests.request(method, url, headers=headers, timeout=900, **kw)


@pytest.fixture(scope="module")
def own_rasa(assistant: Assistant) -> Iterator[str]:
    """A Rasa server of this test's own (the session's action server, tracker and lock store)."""
    port = free_port()
    process = start_rasa(assistant.env, port, assistant.log_dir / "rasa-training.log")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_rasa(url, assistant.token, process)
        yield url
    finally:
        stop([process])


@pytest.fixture(scope="module")
def admin(
    assistant: Assistant, own_rasa: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Admin]:
    """The web app publishing to `own_rasa`, its trainer, and an administrator's API key."""
    tmp = tmp_path_factory.mktemp("training-web")
    settings = {
        "RASA_URLS": own_rasa,
        "RASA_TOKEN": assistant.token,
        "ASSISTANT_TRAIN_CONFIG": str(FAST_CONFIG),
        "ASSISTANT_MODELS_DIR": str(tmp / "candidates"),
        "ASSISTANT_SHIPPED_MODEL": str(MODEL),
        # the reduced training is ~0.03 below the shipped model: refused with this tolerance
        "ASSISTANT_PUBLISH_TOLERANCE": "0.005",
    }
    with running_booking_service(tmp, **settings) as web:
        flask = [str(WEB_VENV / "flask"), "--app", "web"]
        created = subprocess.run(
            [*flask, "admin-key", "create", "admin@example.dk"],
            cwd=ROOT,
            env=web.env,
            check=True,
            capture_output=True,
            text=True,
        )
        key = created.stdout.strip().splitlines()[-1]
        with (tmp / "trainer.log").open("w") as log:
            trainer = subprocess.Popen(
                [*flask, "trainer"], cwd=ROOT, env=web.env, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                yield Admin(web, key, own_rasa)
            finally:
                stop([trainer])


def answers(url: str, sender: str, text: str) -> str:
    response = requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120
    )
    assert response.status_code == 200, response.text
    return "\n".join(message.get("text", "") for message in response.json())


def loaded_model(url: str, token: str) -> str:
    status = requests.get(f"{url}/status", params={"token": token}, timeout=30)
    assert status.status_code == 200, status.text
    return str(status.json()["model_file"])


def wait_for_training(admin: Admin, training_id: int) -> tuple[dict[str, Any], list[float]]:
    seen: list[float] = []
    deadline = time.monotonic() + TRAINING_TIMEOUT
    while time.monotonic() < deadline:
        response = admin.call("GET", f"/assistant/trainings/{training_id}")
        assert response.status_code == 200, response.text
        training = response.json()
        seen.append(training["progress"])
        if training["status"] in ("succeeded", "failed"):
            return training, seen
        time.sleep(5)
    raise AssertionError(f"training {training_id} did not finish: {training}")


def test_a_new_question_is_trained_published_with_override_answered_and_restored_away(
    admin: Admin, assistant: Assistant
) -> None:
    before = answers(admin.rasa_url, "round-trip-before", UNSEEN)
    assert ANSWER_DA not in before
    assert admin.call("POST", "/assistant/faqs", json=QUESTION).status_code == 201

    started = admin.call("POST", "/assistant/trainings")
    assert started.status_code == 202 and started.json()["status"] == "queued"
    training_id = started.json()["id"]
    assert admin.call("POST", "/assistant/trainings").status_code == 409  # one at a time
    training, seen = wait_for_training(admin, training_id)
    assert training["status"] == "succeeded", training["failure_reason"]
    assert any(0 < p < 1 for p in seen) and seen == sorted(seen)  # progress moved forward
    assert "rasa test nlu" in training["log_tail"] or "rasa.nlu.test" in training["log_tail"]
    assert Path(training["data_file"]).exists() and Path(training["model_file"]).exists()

    evaluation = training["evaluation"]
    # the reduced-epochs candidate is worse than the shipped full model on the same set
    assert evaluation["macro_f1"] < evaluation["published_macro_f1"] - 0.005, evaluation
    assert evaluation["published_model"] == str(MODEL)
    publish = f"/assistant/trainings/{training_id}/publish"
    refused = admin.call("POST", publish)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "candidate_worse"
    assert admin.call("POST", publish, json={"override": True}).status_code == 422
    assert loaded_model(admin.rasa_url, assistant.token) == MODEL.name

    body = {"override": True, "reason": "The parking question is needed before the weekend"}
    published = admin.call("POST", publish, json=body)
    assert published.status_code == 200, published.text
    assert published.json()["reason"] == body["reason"]
    assert loaded_model(admin.rasa_url, assistant.token) == f"training-{training_id}.tar.gz"
    assert ANSWER_DA in answers(admin.rasa_url, "round-trip-published", UNSEEN)
    # the session's assistant kept its model
    assert loaded_model(assistant.url, assistant.token) == MODEL.name

    restored = admin.call("POST", "/assistant/models/shipped/restore")
    assert restored.status_code == 200, restored.text
    assert loaded_model(admin.rasa_url, assistant.token) == MODEL.name
    assert ANSWER_DA not in answers(admin.rasa_url, "round-trip-restored", UNSEEN)
    history = admin.call("GET", "/assistant/models/published").json()["history"]
    assert [(p["action"], p["training_id"]) for p in history] == [
        ("restore", None),
        ("publish", training_id),
    ]
