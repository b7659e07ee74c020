"""Two Rasa processes behind one tracker store and one Redis lock store carry one conversation.

The session's assistant runs with REDIS_URL (conftest.py); a second Rasa server is started here
with the same environment: the same tracker database, lock store and action server. The
citizen's turns alternate between the two, and two messages are also sent at the same moment.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.stack import start_rasa, stop, wait_for_rasa
from tests.support.ports import free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def second_rasa(assistant):
    if not assistant.env.get("REDIS_URL"):
        pytest.fail("redis-server is needed for this test (Debian package redis-server)")
    port = free_port()
    process = start_rasa(assistant.env, port, assistant.log_dir / "rasa-second.log")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_rasa(url, assistant.token, process)
        yield url
    finally:
        stop([process])


def say(url: str, sender: str, message: str) -> list[dict]:
    response = requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=120
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_turns_alternating_between_two_servers_make_one_conversation(assistant, second_rasa):
    sender = "e2e-two-servers"
    servers = [assistant.url, second_rasa]
    replies = say(servers[0], sender, "jeg vil gerne booke et møde")
    service = next(
        b["payload"] for r in replies for b in r.get("buttons", []) if "service" in b["payload"]
    )
    replies = say(servers[1], sender, service)
    times = [b for r in replies for b in r.get("buttons", []) if "meeting_time" in b["payload"]]
    assert times, replies  # the second server knew the form and the chosen service
    assert "navn" in "\n".join(
        r.get("text", "") for r in say(servers[0], sender, times[0]["payload"])
    )
    assert "mobilnummer" in "\n".join(r.get("text", "") for r in say(servers[1], sender, "Ib Holm"))

    tracker = assistant.tracker(sender)
    texts = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert texts == ["jeg vil gerne booke et møde", service, times[0]["payload"], "Ib Holm"]
    assert tracker["slots"]["citizen_name"] == "Ib Holm"
    assert tracker["active_loop"]["name"] == "booking_form"
    chosen = json.loads(times[0]["payload"][len("/inform") :])["meeting_time"]
    assert tracker["slots"]["meeting_time"] == chosen
    say(servers[0], sender, "stop")


def test_messages_sent_at_the_same_moment_to_both_servers_are_all_kept_in_order(
    assistant, second_rasa
):
    sender = "e2e-two-servers-concurrent"
    messages = [f"hvornår har I åbent {i}" for i in range(6)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(
            pool.map(
                lambda pair: say(*pair),
                [((assistant.url, second_rasa)[i % 2], sender, m) for i, m in enumerate(messages)],
            )
        )
    events = assistant.tracker(sender)["events"]
    user_texts = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(user_texts) == sorted(messages)  # nothing lost, nothing doubled
    # each message was answered before the next was taken in: no interleaved turns
    kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
    assert kinds[0] == "user" and all(
        not (a == "user" and b == "user") for a, b in zip(kinds, kinds[1:], strict=False)
    )
    timestamps = [e["timestamp"] for e in events]
    assert timestamps == sorted(timestamps)
