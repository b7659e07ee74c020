"""The admin pages about what the assistant knows: access, CSRF, validation, history, keys."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from booking import assistant
from booking.db import Database
from tests.support.assistant import faq_payload
from tests.support.staff import login, post

PAGES = [
    "/admin/assistant/",
    "/admin/assistant/intents/faq/cost",
    "/admin/assistant/intents/greet",
    "/admin/assistant/faqs/new",
    "/admin/assistant/history",
    "/admin/api-keys",
]
POSTS = [
    "/admin/assistant/faqs",
    "/admin/assistant/intents/faq/cost/examples",
    "/admin/assistant/intents/faq/cost/answer",
    "/admin/assistant/intents/faq/cost/retire",
    "/admin/assistant/changes/1/revert",
    "/admin/api-keys",
    "/admin/api-keys/1/revoke",
]


def _form(**changes: Any) -> dict[str, str]:
    """The new-question form for `faq_payload(**changes)`: one example per line."""
    body = faq_payload(**changes)
    form = {"key": body["key"]}
    for language in ("da", "en"):
        form[f"examples_{language}"] = "\n".join(body["examples"].get(language, []))
        form[f"answer_{language}"] = body["answer"].get(language, "")
    return form


def _content(db: Database, name: str) -> dict[str, Any]:
    with db.transaction() as session:
        return assistant.snapshot(assistant.get_intent(session, name))


@pytest.mark.parametrize("path", PAGES)
def test_an_admin_sees_every_page_in_danish(admin: FlaskClient, path: str) -> None:
    response = admin.get(path)
    assert response.status_code == 200
    assert 'lang="da"' in response.get_data(as_text=True)


def test_the_pages_are_in_english_by_choice(admin: FlaskClient) -> None:
    page = admin.get("/admin/assistant/?lang=en").get_data(as_text=True)
    assert "What the assistant knows" in page and "opening_hours" in page
    page = admin.get("/admin/assistant/?lang=da").get_data(as_text=True)
    assert "Hvad assistenten ved" in page


@pytest.mark.parametrize("path", PAGES)
def test_a_caseworker_gets_403_and_a_visitor_the_login(
    client: FlaskClient, logged_in: FlaskClient, path: str, app: Any
) -> None:
    assert logged_in.get(path).status_code == 403
    visitor = app.test_client()
    response = visitor.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", POSTS)
def test_a_caseworker_cannot_post_to_the_admin_forms(logged_in: FlaskClient, path: str) -> None:
    assert post(logged_in, path, _form()).status_code == 403


@pytest.mark.parametrize("path", POSTS)
def test_every_admin_form_needs_the_csrf_token(admin: FlaskClient, db: Database, path: str):
    admin.get("/admin/assistant/")  # the content is imported
    assert admin.post(path, data=_form()).status_code == 400
    assert _content(db, "faq/cost")["retired"] is False


def test_adding_a_question_through_the_form_records_who_added_it(
    admin: FlaskClient, db: Database
) -> None:
    response = post(admin, "/admin/assistant/faqs", _form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/assistant/intents/faq/parking_permit")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Spørgsmålet blev tilføjet" in page
    assert "hvordan får jeg en parkeringstilladelse" in page
    assert "admin@example.dk" in page
    assert "Tilføjet (Engelsk): how do I get a parking permit" in page
    assert "Genindsat" not in page  # a new question was not "brought back"
    assert "{municipality_phone}" in page  # the facts an answer may use
    assert _content(db, "faq/parking_permit")["answer"] == faq_payload()["answer"]


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"key": "Parkering"}, "key", "små bogstaver"),
        ({"key": "opening_hours"}, "key", "findes allerede"),
        ({"examples": {"da": ["a", "b", "c"], "en": []}}, "examples_en", "på engelsk"),
        ({"examples": {"da": ["a", "b"], "en": ["a", "b", "c"]}}, "examples_da", "mindst 3"),
        (
            {"examples": {"da": ["åbningstider", "b", "c"], "en": ["a", "b", "c"]}},
            "examples_da",
            "allerede et eksempel på “faq/opening_hours”",
        ),
        (
            {"examples": {"da": ["[tirsdag(date)", "b", "c"], "en": ["a", "b", "c"]}},
            "examples_da",
            "Rasa ikke kan læse",
        ),
        (
            {"examples": {"da": ["hej chat", "b", "c"], "en": ["a", "b", "c"]}},
            "examples_da",
            "testformuleringer",
        ),
        ({"answer": {"da": " ", "en": "x"}}, "answer_da", "Skriv svaret på dansk"),
        ({"answer": {"da": "x", "en": "{mayor}"}}, "answer_en", "ikke et fakta"),
    ],
)
def test_a_bad_question_is_shown_again_with_the_message_beside_its_field(
    admin: FlaskClient, db: Database, changes: dict[str, Any], field_id: str, message: str
) -> None:
    response = post(admin, "/admin/assistant/faqs", _form(**changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field_id}-error"' in page and f'href="#{field_id}"' in page
    assert 'aria-invalid="true"' in page
    with db.transaction() as session:
        names = [intent.name for intent in assistant.list_intents(session)]
    assert "faq/parking_permit" not in names and "faq/Parkering" not in names


def test_editing_examples_and_the_answer_then_reverting_from_the_history(
    admin: FlaskClient, db: Database
) -> None:
    admin.get("/admin/assistant/")
    original = _content(db, "faq/cost")
    examples = {
        "examples_da": "er mødet helt gratis for mig\nkoster det noget\nskal jeg betale",
        "examples_en": "is it free\nwhat does it cost\ndo I have to pay",
    }
    assert post(admin, "/admin/assistant/intents/faq/cost/examples", examples).status_code == 302
    answer = {"answer_da": "Det er gratis.", "answer_en": "It is free."}
    assert post(admin, "/admin/assistant/intents/faq/cost/answer", answer).status_code == 302
    assert _content(db, "faq/cost")["answer"] == {"da": "Det er gratis.", "en": "It is free."}

    history = admin.get("/admin/assistant/history").get_data(as_text=True)
    assert "Svar ændret" in history and "Tilføjet (Dansk): er mødet helt gratis for mig" in history
    with db.transaction() as session:
        latest = assistant.history(session, name="faq/cost")[0]
    response = post(admin, f"/admin/assistant/changes/{latest.id}/revert", {"back": "intent"})
    assert response.headers["Location"].endswith("/admin/assistant/intents/faq/cost")
    assert _content(db, "faq/cost")["answer"] == original["answer"]
    assert "Ændring fortrudt" in admin.get("/admin/assistant/history").get_data(as_text=True)


def test_a_bad_edit_is_refused_beside_its_field(admin: FlaskClient, db: Database) -> None:
    admin.get("/admin/assistant/")
    bad = {"examples_da": "hej\nhej\nhej", "examples_en": "hello\nhi\nhey"}
    response = post(admin, "/admin/assistant/intents/greet/examples", bad)
    assert response.status_code == 422
    assert 'id="examples_da-error"' in response.get_data(as_text=True)
    response = post(admin, "/admin/assistant/intents/greet/answer", {"answer_da": "x"})
    assert response.status_code == 422 and "Kun FAQ-spørgsmål" in response.get_data(as_text=True)
    assert post(admin, "/admin/assistant/intents/faq/nothing/answer", {}).status_code == 404
    assert admin.get("/admin/assistant/intents/faq/nothing").status_code == 404
    assert post(admin, "/admin/assistant/changes/99999/revert", {}).status_code == 404


def test_retiring_a_question_and_bringing_it_back(admin: FlaskClient, db: Database) -> None:
    admin.get("/admin/assistant/")
    assert post(admin, "/admin/assistant/intents/faq/cost/retire", {}).status_code == 302
    page = admin.get("/admin/assistant/intents/faq/cost").get_data(as_text=True)
    assert "Dette spørgsmål er udgået" in page
    assert post(admin, "/admin/assistant/intents/faq/cost/retire", {}).status_code == 422
    assert post(admin, "/admin/assistant/intents/greet/retire", {}).status_code == 422
    with db.transaction() as session:
        retirement = assistant.history(session, name="faq/cost")[0]
    assert post(admin, f"/admin/assistant/changes/{retirement.id}/revert", {}).status_code == 302
    assert _content(db, "faq/cost")["retired"] is False


def test_an_admin_creates_a_key_sees_it_once_and_revokes_it(admin: FlaskClient, app: Any) -> None:
    response = post(
        admin, "/admin/api-keys", {"name": "Skript til FAQ"}, token_from="/admin/api-keys"
    )
    assert response.status_code == 201
    secret = re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True))
    assert secret is not None
    key = secret.group(1)
    api = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    assert api.get("/api/v1/admin/assistant/faqs", headers=headers).status_code == 200
    page = admin.get("/admin/api-keys").get_data(as_text=True)
    assert "Skript til FAQ" in page and key not in page and key[:10] in page
    key_id = re.search(r"/admin/api-keys/(\d+)/revoke", page)
    assert key_id is not None
    assert post(admin, f"/admin/api-keys/{key_id.group(1)}/revoke", {}).status_code == 302
    assert api.get("/api/v1/admin/assistant/faqs", headers=headers).status_code == 401
    assert "Tilbagekaldt" in admin.get("/admin/api-keys").get_data(as_text=True)


def test_an_admin_cannot_revoke_someone_elses_key(
    admin: FlaskClient, app: Any, db: Database
) -> None:
    from booking.staff import create_api_key, find_user_by_email
    from tests.support.clock import NOW
    from tests.support.staff import make_user

    make_user(db, email="other.admin@example.dk", role="admin", caseworker_email=None)
    with db.transaction() as session:
        other = find_user_by_email(session, "other.admin@example.dk")
        assert other is not None
        key_id = create_api_key(session, other, name="x", now=NOW).key.id
    assert post(admin, f"/admin/api-keys/{key_id}/revoke", {}).status_code == 404
    assert login(app.test_client(), "other.admin@example.dk").status_code == 302
