"""Parallel requests against the app under a real threaded WSGI server, SQLite and PostgreSQL.

Twenty citizens ask for the same slot of a service with one caseworker at the same moment:
exactly one gets it, the others get 409, and the database holds one booking. Concurrent
retries with one Idempotency-Key give one booking and the same answer to all.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from booking.models import Booking, ConsentRecord, IdempotencyRecord
from tests.support.api import SERVICE_TOKEN, TUESDAY_9, booking_body, count, prepare
from tests.support.app import database_of, serving

PARALLEL = 20


@pytest.fixture
def served(any_app: Flask) -> Iterator[tuple[Flask, str]]:
    with serving(any_app) as base_url:
        yield any_app, f"{base_url}/api/v1"


def post_together(url: str, bodies: list[dict[str, Any]], headers: dict[str, str]) -> list[Any]:
    barrier = threading.Barrier(len(bodies))

    def post(body: dict[str, Any]) -> Any:
        barrier.wait(timeout=30)
        return requests.post(f"{url}/bookings", json=body, headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def test_twenty_parallel_requests_for_one_slot_give_one_booking(
    served: tuple[Flask, str],
) -> None:
    app, url = served
    prepare(app, caseworkers=1)
    bodies = [
        # names hold no digits (booking/names.py): one letter per citizen
        booking_body(citizen={"name": f"Borger {chr(ord('A') + i)}", "phone": f"+45203040{i:02d}"})
        for i in range(PARALLEL)
    ]
    responses = post_together(url, bodies, {})
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: PARALLEL - 1}
    assert all(
        r.json()["error"]["code"] == "slot_unavailable" for r in responses if r.status_code == 409
    )
    assert count(app, Booking) == 1
    assert count(app, ConsentRecord) == 1


def test_parallel_retries_with_one_key_give_one_booking_and_one_answer(
    served: tuple[Flask, str],
) -> None:
    app, url = served
    prepare(app, caseworkers=3)  # room for more than one booking, so only the key can stop them
    headers = {"Authorization": f"Bearer {SERVICE_TOKEN}", "Idempotency-Key": "conversation-7"}
    responses = post_together(url, [booking_body() for _ in range(10)], headers)
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["reference"] for r in responses}) == 1
    assert len({r.json()["manage_token"] for r in responses}) == 1
    assert count(app, Booking) == 1
    assert count(app, IdempotencyRecord) == 1


def test_parallel_requests_for_one_slot_fill_every_free_caseworker_once(
    served: tuple[Flask, str],
) -> None:
    # On PostgreSQL each booking locks one caseworker at a time and skips those being booked:
    # the twenty requests must still end with each of the five booked exactly once.
    app, url = served
    caseworker_ids = prepare(app, caseworkers=5)
    bodies = [
        booking_body(citizen={"name": f"Borger {chr(ord('A') + i)}", "phone": f"+45203041{i:02d}"})
        for i in range(PARALLEL)
    ]
    responses = post_together(url, bodies, {})
    assert Counter(r.status_code for r in responses) == {201: 5, 409: PARALLEL - 5}
    with database_of(app).transaction() as session:
        booked = session.scalars(select(Booking.caseworker_id)).all()
    assert sorted(booked) == sorted(caseworker_ids)


def test_parallel_requests_for_different_times_are_all_booked_without_overlap(
    served: tuple[Flask, str],
) -> None:
    app, url = served
    prepare(app, caseworkers=2)
    starts = [TUESDAY_9 + timedelta(minutes=30 * (i // 2)) for i in range(12)]  # two per slot
    bodies = [
        booking_body(
            start=start.isoformat(),
            citizen={"name": f"Borger {chr(ord('A') + i)}", "phone": f"+45203042{i:02d}"},
        )
        for i, start in enumerate(starts)
    ]
    responses = post_together(url, bodies, {})
    assert [r.status_code for r in responses] == [201] * len(bodies)
    with database_of(app).transaction() as session:
        rows = session.execute(select(Booking.caseworker_id, Booking.start_at)).all()
    assert len(rows) == len(bodies) and len(set(rows)) == len(rows)  # nobody twice at a time
