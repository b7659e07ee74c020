"""The admin API (/api/v1/admin): keys, FAQ questions, examples, answers, history."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient

from booking.db import Database
from booking.staff import api_keys_of, create_api_key, find_user_by_email, revoke_api_key
from tests.support.assistant import faq_payload
from tests.support.clock import NOW
from tests.support.staff import ADMIN_EMAIL, CASEWORKER_EMAIL, make_user

FAQS = "/api/v1/admin/assistant/faqs"


def _key(db: Database, email: str = ADMIN_EMAIL) -> str:
    with db.transaction() as session:
        user = find_user_by_email(session, email)
        assert user is not None
        return create_api_key(session, user, name="test", now=NOW).secret


@pytest.fixture
def api_key(db: Database, staff: int) -> str:
    make_user(db, email=ADMIN_EMAIL, role="admin", caseworker_email=None)
    return _key(db)


def _call(client: FlaskClient, method: str, path: str, key: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {key}"}
    return client.open(path, method=method, json=body, headers=headers)


def test_a_new_faq_question_is_created_with_201_and_listed(client: FlaskClient, api_key: str):
    created = _call(client, "POST", FAQS, api_key, faq_payload())
    assert created.status_code == 201
    assert created.get_json()["name"] == "faq/parking_permit"
    assert created.get_json()["answer"] == faq_payload()["answer"]
    listed = _call(client, "GET", FAQS, api_key).get_json()
    assert "faq/parking_permit" in [faq["name"] for faq in listed]
    assert "faq/opening_hours" in [faq["name"] for faq in listed]
    intents = _call(client, "GET", "/api/v1/admin/assistant/intents", api_key).get_json()
    assert {"greet", "faq/parking_permit"} <= {intent["name"] for intent in intents}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"key": "Parking"}, "key"),
        ({"key": None}, "key"),
        ({"key": "opening_hours"}, "key"),
        ({"examples": None}, "examples"),
        ({"examples": {"da": ["a", "b", "c"]}}, "examples.en"),
        ({"examples": {"da": ["a", "b"], "en": ["a", "b", "c"]}}, "examples.da"),
        ({"examples": {"da": "abc", "en": ["a", "b", "c"]}}, "examples.da"),
        ({"examples": {"da": ["åbningstider", "b", "c"], "en": ["a", "b", "c"]}}, "examples.da"),
        ({"examples": {"da": ["[a](service", "b", "c"], "en": ["a", "b", "c"]}}, "examples.da"),
        ({"examples": {"da": ["a", "b", "c"], "en": ["hello there", "b", "c"]}}, "examples.en"),
        ({"answer": {"da": "", "en": "x"}}, "answer.da"),
        ({"answer": {"da": "x"}}, "answer.en"),
        ({"answer": "x"}, "answer"),
    ],
)
def test_a_bad_faq_question_is_422_naming_the_field(
    client: FlaskClient, api_key: str, changes: dict[str, Any], field: str
) -> None:
    response = _call(client, "POST", FAQS, api_key, faq_payload(**changes))
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    assert response.get_json()["error"]["message"]


def test_messages_follow_the_request_language(client: FlaskClient, api_key: str) -> None:
    body = faq_payload(answer={"da": "", "en": "x"})
    headers = {"Authorization": f"Bearer {api_key}", "Accept-Language": "da"}
    danish = client.post(FAQS, json=body, headers=headers).get_json()["error"]["message"]
    headers["Accept-Language"] = "en"
    english = client.post(FAQS, json=body, headers=headers).get_json()["error"]["message"]
    assert english == "Write the answer in Danish."
    assert danish == "Skriv svaret på dansk."


def test_examples_and_answers_are_edited_and_a_change_reverted(
    client: FlaskClient, api_key: str
) -> None:
    examples = {
        "da": ["er det gratis", "koster det noget", "skal jeg betale"],
        "en": ["is it free", "what does it cost", "do I have to pay"],
    }
    edited = _call(client, "PUT", f"{FAQS}/cost/examples", api_key, {"examples": examples})
    assert edited.status_code == 200 and edited.get_json()["examples"] == examples
    answer = {"da": "Det er gratis.", "en": "It is free."}
    edited = _call(client, "PUT", f"{FAQS}/cost/answer", api_key, {"answer": answer})
    assert edited.status_code == 200 and edited.get_json()["answer"] == answer
    greet = {"da": ["hej", "goddag", "hejsa"], "en": ["hello", "hi", "good morning"]}
    path = "/api/v1/admin/assistant/intents/greet/examples"
    assert _call(client, "PUT", path, api_key, {"examples": greet}).status_code == 200

    changes = _call(client, "GET", "/api/v1/admin/assistant/changes?intent=faq/cost", api_key)
    latest = changes.get_json()[0]
    assert (latest["action"], latest["by"]) == ("answer.update", ADMIN_EMAIL)
    reverted = _call(
        client, "POST", f"/api/v1/admin/assistant/changes/{latest['id']}/revert", api_key
    )
    assert reverted.status_code == 200 and reverted.get_json()["reverts"] == latest["id"]
    faq = _call(client, "GET", f"{FAQS}/cost", api_key).get_json()
    assert faq["answer"] != answer and faq["examples"] == examples


def test_editing_refuses_bad_input_and_unknown_intents(client: FlaskClient, api_key: str):
    bad = {"examples": {"da": ["hej", "hej", "hej"], "en": ["hello", "hi", "hey"]}}
    response = _call(client, "PUT", "/api/v1/admin/assistant/intents/greet/examples", api_key, bad)
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "examples.da"
    response = _call(client, "PUT", f"{FAQS}/cost/answer", api_key, {"answer": {"da": "x"}})
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "answer.en"
    assert _call(client, "GET", f"{FAQS}/nothing", api_key).status_code == 404
    assert (
        _call(client, "POST", "/api/v1/admin/assistant/changes/9999/revert", api_key).status_code
        == 404
    )
    response = client.post(
        FAQS,
        data="{",
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_a_retired_question_is_listed_as_retired_and_cannot_be_edited(
    client: FlaskClient, api_key: str
) -> None:
    assert _call(client, "POST", f"{FAQS}/cost/retire", api_key).status_code == 200
    assert _call(client, "GET", f"{FAQS}/cost", api_key).get_json()["retired"] is True
    again = _call(client, "POST", f"{FAQS}/cost/retire", api_key)
    assert again.status_code == 409
    answer = {"answer": {"da": "x", "en": "y"}}
    assert _call(client, "PUT", f"{FAQS}/cost/answer", api_key, answer).status_code == 409


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer bb_wrong", "Basic YWRtaW46YWRtaW4=", "Bearer not-even-our-format"],
)
def test_without_a_valid_key_the_admin_api_is_401(
    client: FlaskClient, api_key: str, header: str
) -> None:
    headers = {"Authorization": header} if header else {}
    assert client.get(FAQS, headers=headers).status_code == 401
    assert client.post(FAQS, json=faq_payload(), headers=headers).status_code == 401


def test_a_revoked_key_fails(client: FlaskClient, db: Database, api_key: str) -> None:
    assert _call(client, "GET", FAQS, api_key).status_code == 200
    with db.transaction() as session:
        user = find_user_by_email(session, ADMIN_EMAIL)
        assert user is not None
        (key_id,) = [k.id for k in api_keys_of(session, user)]
        revoke_api_key(session, user, key_id, now=NOW)
    assert _call(client, "GET", FAQS, api_key).status_code == 401


def test_a_caseworker_cannot_have_a_key_and_an_admin_session_is_not_a_key(
    admin: FlaskClient, db: Database
) -> None:
    with db.transaction() as session:
        caseworker = find_user_by_email(session, CASEWORKER_EMAIL)
        assert caseworker is not None
        with pytest.raises(Exception, match="administrator"):
            create_api_key(session, caseworker, name="x", now=NOW)
    assert admin.get(FAQS).status_code == 401


def test_a_deactivated_administrators_key_fails(
    client: FlaskClient, db: Database, api_key: str
) -> None:
    with db.transaction() as session:
        user = find_user_by_email(session, ADMIN_EMAIL)
        assert user is not None
        user.active = False
    assert _call(client, "GET", FAQS, api_key).status_code == 401


def _cli(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


def test_the_command_prints_a_working_key_as_its_last_line(
    app: Flask, client: FlaskClient, db: Database, staff: int
) -> None:
    make_user(db, email=ADMIN_EMAIL, role="admin", caseworker_email=None)
    result = _cli(app, "admin-key", "create", ADMIN_EMAIL)
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert _call(client, "GET", FAQS, key).status_code == 200
    refused = _cli(app, "admin-key", "create", CASEWORKER_EMAIL)
    assert refused.exit_code != 0 and "administrator" in refused.output
    assert _cli(app, "admin-key", "create", "nobody@example.dk").exit_code != 0


def test_the_import_command_is_idempotent_and_export_writes_rasa_data(
    app: Flask, tmp_path: Any
) -> None:
    assert "was imported" in _cli(app, "assistant", "import").output
    assert "already" in _cli(app, "assistant", "import").output
    result = _cli(app, "assistant", "export", str(tmp_path / "data"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "nlu" / "faq.yml").read_text().count("- intent: faq/") == 13


def test_the_openapi_document_describes_the_admin_api(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert "post" in document["paths"]["/admin/assistant/faqs"]
    assert "adminApiKey" in document["components"]["securitySchemes"]
