"""The admin training pages: access, CSRF, start, detail with progress and evaluation, publish
with an override reason, restore, try it and test phrasings. Rasa's API is a stand-in here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from booking.db import Database
from tests.support.fake_rasa_api import TOKEN, FakeRasaApi, assistant_settings, fake_rasa_api
from tests.support.staff import post
from tests.support.trainings import succeeded_training

PAGES = ["/admin/assistant/trainings", "/admin/assistant/trainings/1"]
POSTS = [
    "/admin/assistant/trainings",
    "/admin/assistant/trainings/1/publish",
    "/admin/assistant/models/shipped/restore",
    "/admin/assistant/try",
    "/admin/assistant/trainings/1/try",
    "/admin/assistant/test-phrasings",
    "/admin/assistant/test-phrasings/1/delete",
]


@pytest.fixture
def rasa() -> Iterator[FakeRasaApi]:
    with fake_rasa_api() as fake:
        yield fake


@pytest.fixture
def app_settings(rasa: FakeRasaApi, tmp_path: Path) -> dict[str, Any]:
    return assistant_settings(rasa, tmp_path / "candidates")


@pytest.fixture
def trained(db: Database, tmp_path: Path) -> int:
    return succeeded_training(db, tmp_path / "candidates", candidate=0.90, published=0.93)


def test_the_evaluation_is_drawn_as_charts_with_their_tables(
    admin: FlaskClient, db: Database, tmp_path: Path
) -> None:
    trained = succeeded_training(db, tmp_path / "candidates", candidate=0.80, published=0.93)
    page = admin.get(f"/admin/assistant/trainings/{trained}?lang=en").get_data(as_text=True)
    figures = _chart_data(page, "f1-per-intent")
    assert figures["labels"] == ["greet", "faq"] and figures["percent"] is True
    assert [d["data"] for d in figures["datasets"]] == [[80.0, 100.0], [93.0, 100.0]]
    assert [d["label"] for d in figures["datasets"]] == ["New model", "Published model"]
    assert "<td>0.800 (worse)</td>" in page  # the table beside the chart marks the drop
    confusions = _chart_data(page, "confusions")
    assert confusions["labels"] == ["greet → thank"] and confusions["datasets"][0]["data"] == [2]
    assert 'aria-describedby="f1-per-intent-table-note"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page


def test_a_restarted_rasa_starts_with_what_was_published_or_restored_last(
    admin: FlaskClient, trained: int, app_settings: dict[str, Any]
) -> None:
    from bot.serving import start_model

    env = {"ASSISTANT_MODELS_DIR": app_settings["ASSISTANT_MODELS_DIR"]}
    assert start_model(env).name == "models"  # nothing published yet: what make trained
    path = f"/admin/assistant/trainings/{trained}/publish"
    published = post(admin, path, {"override": "yes", "reason": "Needed for the new question"})
    assert published.status_code == 302
    assert start_model(env) == Path(app_settings["ASSISTANT_MODELS_DIR"]).resolve() / (
        f"training-{trained}.tar.gz"
    )
    assert post(admin, "/admin/assistant/models/shipped/restore").status_code == 302
    pointer = Path(app_settings["ASSISTANT_MODELS_DIR"]) / "published"
    assert Path(pointer.read_text().strip()).name == "borgerbooking.tar.gz"  # the shipped model


def _chart_data(page: str, chart_id: str) -> dict[str, Any]:
    start = page.index(f'<script type="application/json" id="{chart_id}-data">')
    body = page[page.index(">", start) + 1 : page.index("</script>", start)]
    return json.loads(body)


@pytest.mark.parametrize("path", PAGES)
def test_only_admins_see_the_training_pages(
    admin: FlaskClient, app: Any, trained: int, path: str
) -> None:
    assert admin.get(path).status_code == 200
    assert 'lang="da"' in admin.get(path).get_data(as_text=True)
    assert "Training" in admin.get(path + "?lang=en").get_data(as_text=True)
    visitor = app.test_client()
    assert visitor.get(path).status_code == 302


def test_an_unknown_training_is_404_and_a_bad_try_id_is_ignored(
    admin: FlaskClient, trained: int
) -> None:
    assert admin.get("/admin/assistant/trainings/99").status_code == 404
    page = admin.get(f"/admin/assistant/trainings/{trained}?try=../../etc")
    assert page.status_code == 200


def test_a_caseworker_gets_403(logged_in: FlaskClient, trained: int) -> None:
    for path in PAGES:
        assert logged_in.get(path).status_code == 403
    for path in POSTS:
        assert post(logged_in, path, {}).status_code == 403


@pytest.mark.parametrize("path", POSTS)
def test_every_training_form_needs_the_csrf_token(
    admin: FlaskClient, trained: int, rasa: FakeRasaApi, path: str
) -> None:
    assert (
        admin.post(path, data={"text": "hej", "override": "yes", "reason": "x"}).status_code == 400
    )
    assert rasa.loads == [] and rasa.parsed == []


def test_starting_a_training_leads_to_its_page_and_a_second_start_is_refused(
    admin: FlaskClient,
) -> None:
    started = post(admin, "/admin/assistant/trainings")
    assert started.status_code == 302
    assert started.headers["Location"].endswith("/admin/assistant/trainings/1")
    page = admin.get(started.headers["Location"]).get_data(as_text=True)
    assert "training-progress" in page and 'data-running="yes"' in page
    assert "js/training.js" in page
    again = post(admin, "/admin/assistant/trainings")
    assert again.status_code == 409
    assert 'href="/admin/assistant/trainings/1"' in again.get_data(as_text=True)
    status = admin.get("/admin/assistant/trainings/1/status").get_json()
    assert status["status"] == "queued" and status["progress"] == 0


def test_the_detail_page_shows_both_models_scores_and_refuses_a_worse_model_without_reason(
    admin: FlaskClient, trained: int, rasa: FakeRasaApi
) -> None:
    page = admin.get(f"/admin/assistant/trainings/{trained}?lang=en").get_data(as_text=True)
    assert "0.900" in page and "0.930" in page
    assert "evaluates worse" in page and "greet" in page and "thank" in page
    path = f"/admin/assistant/trainings/{trained}/publish"
    refused = post(admin, path, {})
    assert refused.status_code == 409 and rasa.loads == []
    no_reason = post(admin, path, {"override": "yes", "reason": ""})
    assert no_reason.status_code == 422
    assert 'id="reason-error"' in no_reason.get_data(as_text=True)
    published = post(admin, path, {"override": "yes", "reason": "Needed for the new question"})
    assert published.status_code == 302 and len(rasa.loads) == 1
    listing = admin.get("/admin/assistant/trainings").get_data(as_text=True)
    assert "Needed for the new question" in listing
    assert f"{rasa.url}: training-{trained}.tar.gz" in listing  # what each server runs
    restored = post(admin, "/admin/assistant/models/shipped/restore")
    assert restored.status_code == 302 and rasa.model_file == "borgerbooking.tar.gz"
    rasa.model_file = "other.tar.gz"  # e.g. a server restarted with its --model
    listing = admin.get("/admin/assistant/trainings?lang=en").get_data(as_text=True)
    assert "runs other.tar.gz: publish or restore again" in listing


def test_trying_the_published_model_shows_intent_runner_ups_and_answer(
    admin: FlaskClient, rasa: FakeRasaApi
) -> None:
    page = post(admin, "/admin/assistant/try?lang=en", {"text": "what does it cost"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "faq/cost" in text and "out_of_scope" in text
    assert TOKEN not in text
    assert post(admin, "/admin/assistant/try", {"text": ""}).status_code == 422


def test_a_test_phrasing_is_added_and_removed_through_the_page(admin: FlaskClient) -> None:
    added = post(
        admin, "/admin/assistant/test-phrasings", {"intent": "faq/cost", "text": "prisen?"}
    )
    assert added.status_code == 302
    assert "prisen?" in admin.get("/admin/assistant/trainings").get_data(as_text=True)
    refused = post(
        admin, "/admin/assistant/test-phrasings", {"intent": "faq/cost", "text": "er det gratis"}
    )
    assert refused.status_code == 422
    assert 'id="phrasing_text-error"' in refused.get_data(as_text=True)
    assert post(admin, "/admin/assistant/test-phrasings/1/delete").status_code == 302
    assert "prisen?" not in admin.get("/admin/assistant/trainings").get_data(as_text=True)
