"""A closed-loop load generator: N client threads, each sending its next request on answer."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import requests

from bench.server import SERVICE_TOKEN
from bench.stats import Figures, percentile

# (method, path, JSON body or None)
Request = tuple[str, str, dict[str, object] | None]


@dataclass
class LoadResult:
    elapsed: float
    latencies_ms: list[float] = field(default_factory=list)  # successful requests only
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.elapsed if self.elapsed else 0.0

    def figures(self, name: str, success: int) -> Figures:
        values = {"req/s": f"{self.throughput:.0f}"}
        if self.latencies_ms:
            values["p50"] = f"{percentile(self.latencies_ms, 50):.1f} ms"
            values["p95"] = f"{percentile(self.latencies_ms, 95):.1f} ms"
        row = Figures(name, values)
        others = {s: n for s, n in self.statuses.items() if s != success}
        ok = self.statuses.get(success, 0)
        row.note(
            f"{ok} x {success} in {self.elapsed:.1f} s" + (f", other: {others}" if others else "")
        )
        if self.errors:
            row.note(f"{self.errors} connection errors")
        return row


def run(
    base_url: str,
    requests_source: Iterator[Request],
    *,
    success: int,
    clients: int,
    duration: float,
    idempotent: bool = False,
) -> LoadResult:
    """Send requests from `requests_source` with `clients` threads for `duration` seconds;
    with `idempotent`, each with its own `Idempotency-Key`, as the assistant sends them."""
    lock = threading.Lock()
    result = LoadResult(elapsed=0.0)
    deadline = time.perf_counter() + duration

    def next_request() -> Request | None:
        with lock:
            return next(requests_source, None)

    def client() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {SERVICE_TOKEN}"
        latencies, statuses, errors = [], Counter[int](), 0
        while time.perf_counter() < deadline:
            req = next_request()
            if req is None:
                break
            method, path, body = req
            headers = {"Idempotency-Key": f"bench-{uuid.uuid4()}"} if idempotent else None
            began = time.perf_counter()
            try:
                response = session.request(
                    method, base_url + path, json=body, headers=headers, timeout=30
                )
            except requests.RequestException:
                errors += 1
                continue
            took = (time.perf_counter() - began) * 1000
            statuses[response.status_code] += 1
            if response.status_code == success:
                latencies.append(took)
        with lock:
            result.latencies_ms.extend(latencies)
            result.statuses.update(statuses)
            result.errors += errors

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - began
    return result


def health_requests() -> Iterator[Request]:
    return itertools.repeat(("GET", "/healthz", None))


def booking_requests(
    service: str, starts: list[datetime], consent_version: int
) -> Iterator[Request]:
    """One create request per start, each with its own citizen (phone number)."""
    for i, start in enumerate(starts):
        body: dict[str, object] = {
            "service": service,
            "start": start.isoformat(),
            "citizen": {"name": f"Bench Borger {letters(i)}", "phone": f"+4526{i % 1_000_000:06d}"},
            "language": "da",
            "channel": "web",
            "consents": [{"purpose": "booking", "text_version": consent_version}],
        }
        yield ("POST", "/api/v1/bookings", body)


def letters(number: int) -> str:
    """A name part for `number` in letters ("A", "B", …, "BA"): names may not hold digits."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word = chr(ord("A") + digit) + word
        if number == 0:
            return word


def probe(base_url: str, request: Request) -> tuple[int, str]:
    """Send one request, return its status and the start of its body (to explain a failure)."""
    method, path, body = request
    response = requests.request(
        method,
        base_url + path,
        json=body,
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        timeout=30,
    )
    return response.status_code, response.text[:300]


@dataclass
class GiveUpResult:
    """Requests whose client gave up before the answer, then retried with the same key."""

    keys: int = 0
    timed_out: int = 0  # the first try really was abandoned (not answered in time)
    retried_201: int = 0
    replayed: int = 0  # the retry got the first try's booking back
    references: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    other: Counter[int] = field(default_factory=Counter)


def give_up_and_retry(
    base_url: str, requests_source: Iterator[Request], *, count: int, patience: float = 0.003
) -> GiveUpResult:
    """Send `count` bookings whose client stops waiting after `patience` seconds (the server
    goes on), then retry each with the same `Idempotency-Key`: the retry must find the booking
    the first try made, so no booking is left that the client was never told about."""
    result = GiveUpResult()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {SERVICE_TOKEN}"
    for _ in range(count):
        request = next(requests_source, None)
        if request is None:
            break
        method, path, body = request
        headers = {"Idempotency-Key": f"bench-gave-up-{uuid.uuid4()}"}
        result.keys += 1
        citizen = body.get("citizen") if body else None
        if isinstance(citizen, dict):
            result.phones.add(str(citizen["phone"]))
        try:
            session.request(
                method, base_url + path, json=body, headers=headers, timeout=(5, patience)
            )
        except requests.Timeout:
            result.timed_out += 1
        response = session.request(method, base_url + path, json=body, headers=headers, timeout=30)
        if response.status_code == 201:
            result.retried_201 += 1
            result.replayed += response.headers.get("Idempotent-Replayed") == "true"
            result.references.add(response.json()["reference"])
        else:
            result.other[response.status_code] += 1
    return result
