"""The admin API's trainings: start, follow, publish only when no worse, restore, try it, and
the administrators' test phrasings. Rasa's HTTP API is a stand-in on loopback here
(tests/support/fake_rasa_api.py); tests/e2e/test_training_round_trip.py uses the real one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from booking.assistant import AssistantPublication
from booking.db import Database
from booking.models import AuditEvent
from tests.support.assistant import faq_payload
from tests.support.fake_rasa_api import FakeRasaApi, assistant_settings, fake_rasa_api
from tests.support.staff import ADMIN_EMAIL, admin_api_key
from tests.support.trainings import succeeded_training
from web.trainings import training_settings

API = "/api/v1/admin/assistant"


@pytest.fixture
def rasa() -> Iterator[FakeRasaApi]:
    with fake_rasa_api() as fake:
        yield fake


@pytest.fixture
def app_settings(rasa: FakeRasaApi, tmp_path: Path) -> dict[str, Any]:
    return assistant_settings(rasa, tmp_path / "candidates")


@pytest.fixture
def api_key(db: Database, staff: int) -> str:
    return admin_api_key(db)


def call(client: FlaskClient, method: str, path: str, key: str, body: Any = None) -> Any:
    return client.open(
        API + path, method=method, json=body, headers={"Authorization": f"Bearer {key}"}
    )


def _publications(db: Database) -> list[tuple[str, int | None, bool, str | None]]:
    with db.transaction() as session:
        rows = session.query(AssistantPublication).order_by(AssistantPublication.id).all()
        return [(p.action, p.training_id, p.override, p.reason) for p in rows]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/trainings"),
        ("GET", "/trainings"),
        ("GET", "/trainings/1"),
        ("GET", "/trainings/1/evaluation"),
        ("POST", "/trainings/1/publish"),
        ("POST", "/models/shipped/restore"),
        ("POST", "/try"),
        ("GET", "/test-phrasings"),
    ],
)
def test_every_training_route_needs_an_admin_key(
    client: FlaskClient, db: Database, staff: int, method: str, path: str
) -> None:
    assert client.open(API + path, method=method, json={}).status_code == 401
    assert call(client, method, path, "bb_not-a-key").status_code == 401


def test_a_training_is_queued_with_202_and_a_second_gets_409_naming_the_first(
    client: FlaskClient, api_key: str
) -> None:
    started = call(client, "POST", "/trainings", api_key)
    assert started.status_code == 202
    assert started.get_json() == {"id": 1, "status": "queued"}
    assert started.headers["Location"].endswith("/api/v1/admin/assistant/trainings/1")
    again = call(client, "POST", "/trainings", api_key)
    assert again.status_code == 409
    assert again.get_json()["error"]["training_id"] == 1
    assert again.get_json()["error"]["code"] == "training_active"
    training = call(client, "GET", "/trainings/1", api_key).get_json()
    assert training["status"] == "queued" and training["progress"] == 0
    assert training["requested_by"] == ADMIN_EMAIL
    assert training["log_tail"] == "" and training["evaluation"] is None
    assert [t["id"] for t in call(client, "GET", "/trainings", api_key).get_json()] == [1]
    assert call(client, "GET", "/trainings/99", api_key).status_code == 404


def test_a_worse_candidate_is_refused_without_override_and_published_with_a_reason(
    client: FlaskClient, db: Database, api_key: str, rasa: FakeRasaApi, tmp_path: Path
) -> None:
    training = succeeded_training(db, tmp_path / "candidates", candidate=0.90, published=0.93)
    refused = call(client, "POST", f"/trainings/{training}/publish", api_key)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "candidate_worse"
    assert "0.900" in refused.get_json()["error"]["message"]
    no_reason = call(client, "POST", f"/trainings/{training}/publish", api_key, {"override": True})
    assert no_reason.status_code == 422
    assert no_reason.get_json()["error"]["field"] == "reason"
    blank = {"override": True, "reason": "  "}
    assert call(client, "POST", f"/trainings/{training}/publish", api_key, blank).status_code == 422
    assert rasa.loads == [] and _publications(db) == []

    body = {"override": True, "reason": "The new parking question is needed today"}
    published = call(client, "POST", f"/trainings/{training}/publish", api_key, body)
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["override"] is True
    assert rasa.loads == [str(tmp_path / "candidates" / f"training-{training}.tar.gz")]
    assert _publications(db) == [("publish", training, True, body["reason"])]
    with db.transaction() as session:
        event = session.query(AuditEvent).filter_by(action="assistant.publish").one()
        assert event.detail["reason"] == body["reason"] and event.actor_type == "user"
    current = call(client, "GET", "/models/published", api_key).get_json()
    assert current["training_id"] == training
    assert current["servers"] == [{"url": rasa.url, "model_file": f"training-{training}.tar.gz"}]


def test_a_candidate_within_the_tolerance_is_published_without_override(
    client: FlaskClient, db: Database, api_key: str, rasa: FakeRasaApi, tmp_path: Path
) -> None:
    training = succeeded_training(db, tmp_path / "candidates", candidate=0.926, published=0.93)
    response = call(client, "POST", f"/trainings/{training}/publish", api_key, {})
    assert response.status_code == 200
    assert _publications(db) == [("publish", training, False, None)]


def test_restoring_the_shipped_model_loads_it_on_every_server_and_is_recorded(
    client: FlaskClient, db: Database, api_key: str, rasa: FakeRasaApi, tmp_path: Path
) -> None:
    training = succeeded_training(db, tmp_path / "candidates", candidate=0.95, published=0.93)
    assert call(client, "POST", f"/trainings/{training}/publish", api_key).status_code == 200
    restored = call(client, "POST", "/models/shipped/restore", api_key)
    assert restored.status_code == 200
    assert rasa.model_file == "borgerbooking.tar.gz"
    assert _publications(db)[-1] == ("restore", None, False, None)
    again = call(client, "POST", f"/models/{training}/restore", api_key)
    assert again.status_code == 200 and rasa.model_file == f"training-{training}.tar.gz"
    assert call(client, "POST", "/models/nonsense/restore", api_key).status_code == 404


def test_a_server_that_does_not_load_the_model_is_502_and_nothing_is_recorded(
    client: FlaskClient, db: Database, api_key: str, rasa: FakeRasaApi, tmp_path: Path
) -> None:
    training = succeeded_training(db, tmp_path / "candidates", candidate=0.95, published=0.93)
    rasa.refuse_loads = True
    response = call(client, "POST", f"/trainings/{training}/publish", api_key)
    assert response.status_code == 502
    assert _publications(db) == []


def test_a_queued_training_cannot_be_published(client: FlaskClient, api_key: str) -> None:
    call(client, "POST", "/trainings", api_key)
    assert call(client, "POST", "/trainings/1/publish", api_key).status_code == 409


def test_the_evaluation_report_holds_both_models_scores(
    client: FlaskClient, db: Database, api_key: str, tmp_path: Path
) -> None:
    training = succeeded_training(db, tmp_path / "candidates")
    report = call(client, "GET", f"/trainings/{training}/evaluation", api_key).get_json()
    assert report["evaluation"]["macro_f1"] == 0.90
    assert report["evaluation"]["published_macro_f1"] == 0.93
    assert report["evaluation"]["intents"]["greet"]["published_f1"] == 0.93
    assert report["tolerance"] == 0.02


def test_trying_the_published_model_shows_the_stored_answer_server_side(
    client: FlaskClient, api_key: str, rasa: FakeRasaApi
) -> None:
    call(client, "GET", "/faqs", api_key)  # the content is imported
    tried = client.post(
        API + "/try",
        json={"text": "hvad koster det"},
        headers={"Authorization": f"Bearer {api_key}", "Accept-Language": "en"},
    ).get_json()
    assert rasa.parsed == ["hvad koster det"]
    assert tried["intent"] == "faq" and tried["faq"] == "faq/cost"
    assert tried["runner_ups"][0] == {"intent": "out_of_scope", "confidence": 0.05}
    assert "free" in tried["answer"].lower() or "cost" in tried["answer"].lower()
    assert call(client, "POST", "/try", api_key, {"text": " "}).status_code == 422


def test_test_phrasings_are_held_out_from_training_and_refused_when_already_examples(
    client: FlaskClient, api_key: str
) -> None:
    added = call(
        client, "POST", "/test-phrasings", api_key, {"intent": "faq/cost", "text": "koster p-lov"}
    )
    assert added.status_code == 201
    payload = faq_payload(
        examples={
            "da": ["koster p-lov", "hvordan søger jeg p-tilladelse", "p-tilladelse ansøgning"],
            "en": ["a", "b", "c"],
        }
    )
    refused = call(client, "POST", "/faqs", api_key, payload)
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "examples.da"
    example = call(
        client,
        "POST",
        "/test-phrasings",
        api_key,
        {"intent": "faq/cost", "text": "hvad koster det"},
    )
    assert example.status_code == 422  # a training example measures nothing
    assert example.get_json()["error"]["field"] == "text"
    assert (
        call(
            client, "POST", "/test-phrasings", api_key, {"intent": "nope", "text": "x y"}
        ).get_json()["error"]["field"]
        == "intent"
    )
    assert (
        call(
            client, "POST", "/test-phrasings", api_key, {"intent": "greet", "text": ""}
        ).get_json()["error"]["field"]
        == "text"
    )
    listed = call(client, "GET", "/test-phrasings", api_key).get_json()
    assert listed[0]["text"] == "koster p-lov"
    assert call(client, "DELETE", f"/test-phrasings/{listed[0]['id']}", api_key).status_code == 204
    assert call(client, "DELETE", f"/test-phrasings/{listed[0]['id']}", api_key).status_code == 404


def test_a_candidates_answer_is_read_once_its_process_has_written_it(
    client: FlaskClient, api_key: str, rasa: FakeRasaApi, tmp_path: Path
) -> None:
    call(client, "GET", "/faqs", api_key)  # the content is imported
    assert call(client, "GET", "/tries/abc123", api_key).get_json()["status"] == "running"
    tries = tmp_path / "candidates" / "tries"
    tries.mkdir(parents=True)
    (tries / "abc123.json").write_text(json.dumps(rasa.parse("hvad koster det")))
    done = call(client, "GET", "/tries/abc123", api_key).get_json()
    assert done["status"] == "done" and done["faq"] == "faq/cost" and done["answer"]
    (tries / "bad.json").write_text(json.dumps({"error": "ModelNotFound: gone"}))
    assert (
        call(client, "GET", "/tries/bad", api_key).get_json()["error"].startswith("ModelNotFound")
    )
    assert call(client, "GET", "/tries/..%2Fx", api_key).status_code == 404
    queued = call(client, "POST", "/trainings", api_key).get_json()["id"]
    no_model = call(client, "POST", f"/trainings/{queued}/try", api_key, {"text": "hej"})
    assert no_model.status_code == 404


def test_trainings_keep_rasas_cache_under_the_models_directory_unless_configured(
    build_app: Any, sqlite_url: str, tmp_path: Path
) -> None:
    default = build_app(sqlite_url, ASSISTANT_MODELS_DIR=str(tmp_path / "candidates"))
    with default.app_context():
        assert training_settings().cache_dir == tmp_path / "candidates" / "rasa-cache"
    configured = build_app(sqlite_url, ASSISTANT_TRAIN_CACHE_DIR=str(tmp_path / "cache"))
    with configured.app_context():
        assert training_settings().cache_dir == tmp_path / "cache"
