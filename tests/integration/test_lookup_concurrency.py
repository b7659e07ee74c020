"""The lookup's limits are counted in the database, so they hold when requests arrive at once.

Threads stand for worker processes, each with its own connection; SQLite and PostgreSQL. At
most three codes an hour go to one booking, and a code dies after five wrong tries, however
many workers the requests are spread over.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from booking.bookings import lookup, tokens
from booking.db import Database
from booking.errors import CodeRejected
from booking.models import OneTimeCode
from booking.notify.sms import MemorySmsSender
from tests.support.clock import NOW
from tests.support.factories import make_booking, make_caseworker, make_service

T = TypeVar("T")
PHONE = "+4520304050"


def together(times: int, call: Callable[[int], T]) -> list[T | Exception]:
    barrier = threading.Barrier(times)

    def run(i: int) -> T | Exception:
        barrier.wait(timeout=30)
        try:
            return call(i)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            return exc

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(run, range(times)))


@pytest.fixture
def reference(db: Database) -> str:
    with db.transaction() as session:
        service = make_service(session)
        caseworker = make_caseworker(session, services=[service])
        booking = make_booking(
            session,
            service=service,
            caseworker=caseworker,
            start=NOW + timedelta(days=2),
            phone=PHONE,
        )
        booking.reference = tokens.new_reference()  # the factory's is not a typeable one
        return booking.reference


def codes(db: Database) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(OneTimeCode)) or 0)


def test_lookups_at_the_same_moment_send_at_most_three_codes(db: Database, reference: str) -> None:
    sms = MemorySmsSender()
    results = together(
        8, lambda _: lookup.start_lookup(db, reference, PHONE, now=NOW, sms_sender=sms)
    )
    assert results == [None] * 8
    assert codes(db) == lookup.MAX_CODES_PER_HOUR
    assert len(sms.sent) == lookup.MAX_CODES_PER_HOUR


def test_wrong_codes_at_the_same_moment_use_up_the_code(db: Database, reference: str) -> None:
    sms = MemorySmsSender()
    lookup.start_lookup(db, reference, PHONE, now=NOW, sms_sender=sms)
    right = next(word for word in sms.sent[-1]["body"].split() if word.strip(".").isdigit())
    right = right.strip(".")
    wrong = "000000" if right != "000000" else "111111"
    results = together(
        lookup.MAX_CODE_ATTEMPTS + 2,
        lambda _: lookup.confirm_lookup(db, reference, wrong, now=NOW),
    )
    assert all(isinstance(r, CodeRejected) for r in results), results
    with db.transaction() as session:
        code = session.scalars(select(OneTimeCode)).one()
        assert code.failed_attempts == lookup.MAX_CODE_ATTEMPTS
    with pytest.raises(CodeRejected):
        lookup.confirm_lookup(db, reference, right, now=NOW)
