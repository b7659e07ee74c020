"""Rasa's action server builds every action without arguments: the client comes from the env."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

from actions.service_action import UsesBookingService

ROOT = Path(__file__).resolve().parents[2]
CALLS_THE_SERVICE = {
    "action_session_start",
    "validate_booking_form",  # the modes a chosen service offers
    "action_ask_mode",
    "action_ask_meeting_time",
    "action_ask_consent_given",
    "action_submit_booking",
    "validate_manage_form",
    "action_manage_booking",
    "action_cancel_booking",
    "action_reschedule_booking",
    "action_erase_data",
    "action_transcript_consent",
}


def test_the_action_server_registers_exactly_the_domains_actions(monkeypatch):
    monkeypatch.setenv("BOOKING_API_URL", "http://127.0.0.1:9/api/v1")
    monkeypatch.setenv("BOOKING_API_TOKEN", "service-token")
    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert set(executor.actions) == set(domain["actions"])
    actions = {name: run.__self__ for name, run in executor.actions.items()}
    clients = {n: a.api for n, a in actions.items() if isinstance(a, UsesBookingService)}
    assert set(clients) == CALLS_THE_SERVICE
    for client in clients.values():
        assert (client.base_url, client.token) == ("http://127.0.0.1:9/api/v1", "service-token")
