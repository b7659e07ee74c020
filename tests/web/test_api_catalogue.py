"""GET /services, /services/{code}/slots, /consent-texts and /openapi.json."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.support.api import create, error, prepare


def test_services_are_listed_in_both_languages(any_app: Flask) -> None:
    prepare(any_app)
    response = any_app.test_client().get("/api/v1/services")
    assert response.status_code == 200
    assert response.get_json() == [
        {
            "code": "jobcenter",
            "name": {"da": "Møde (jobcenter)", "en": "Meeting (jobcenter)"},
            "description": {"da": "Samtale", "en": ""},
            "duration_minutes": 30,
            "modes": ["video"],
        }
    ]


def test_slots_are_sorted_with_copenhagen_offsets_and_skip_booked_times(any_app: Flask) -> None:
    prepare(any_app)
    client = any_app.test_client()
    url = "/api/v1/services/jobcenter/slots?from=2030-01-08&to=2030-01-08"
    slots = client.get(url).get_json()
    starts = [s["start"] for s in slots]
    assert starts[0] == "2030-01-08T08:00:00+01:00" and starts[-1] == "2030-01-08T15:30:00+01:00"
    assert len(starts) == 16 and starts == sorted(starts)
    assert slots[0]["end"] == "2030-01-08T08:30:00+01:00"
    create(client, start="2030-01-08T09:00:00+01:00")
    after = [s["start"] for s in client.get(url).get_json()]
    assert "2030-01-08T09:00:00+01:00" not in after and len(after) == 15


def test_slots_default_to_the_coming_week_and_honour_the_notice(any_app: Flask) -> None:
    prepare(any_app)  # Monday 08:00 local, 60 minutes notice
    starts = [
        s["start"] for s in any_app.test_client().get("/api/v1/services/jobcenter/slots").get_json()
    ]
    assert starts[0] == "2030-01-07T09:00:00+01:00"
    assert starts[-1].startswith("2030-01-11")  # Friday; the weekend has no hours


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/v1/services/tandlaege/slots", 404, "service"),
        ("/api/v1/services/jobcenter/slots?from=08-01-2030", 422, "from"),
        ("/api/v1/services/jobcenter/slots?from=2030-02-30", 422, "from"),
        ("/api/v1/services/jobcenter/slots?from=2030-01-09&to=2030-01-08", 422, "to"),
        ("/api/v1/services/jobcenter/slots?from=2030-01-01&to=2030-12-31", 422, "to"),
        ("/api/v1/services/jobcenter/slots?from=9999-12-31&to=9999-12-31", 422, "from"),
        ("/api/v1/services/jobcenter/slots?from=2030-01-01&to=0001-01-01", 422, "to"),
        ("/api/v1/consent-texts?language=de", 422, "language"),
    ],
)
def test_bad_queries_get_a_clear_4xx(any_app: Flask, url: str, status: int, field: str) -> None:
    prepare(any_app)
    assert error(any_app.test_client().get(url), status)["field"] == field


def test_consent_texts_in_force_are_listed_per_language(any_app: Flask) -> None:
    prepare(any_app)
    client = any_app.test_client()
    texts = client.get("/api/v1/consent-texts?language=en").get_json()
    assert {t["purpose"] for t in texts} == {"booking", "sms_reminders", "chat_transcript"}
    assert all(t["version"] == 1 and t["text"].endswith(" en") for t in texts)
    assert client.get("/api/v1/consent-texts").get_json()[0]["text"].endswith(" da")


def test_unknown_routes_and_methods_answer_in_json(app: Flask) -> None:
    client = app.test_client()
    assert error(client.get("/api/v1/nothing"), 404)["code"] == "not_found"
    assert error(client.delete("/api/v1/services"), 405)["code"] == "method_not_allowed"


def test_the_openapi_document_describes_every_route_of_the_api(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    routes: set[tuple[str, str]] = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("api.", "admin_api.")):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    documented = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert routes == documented
    refs = re.findall(r'"#/components/schemas/(\w+)"', str(doc).replace("'", '"'))
    assert set(refs) <= set(doc["components"]["schemas"])
