"""Where a booking's time goes: `POST /api/v1/bookings` in process under cProfile.

`.venv/bin/python -m bench.profile_create [--bookings N] [--database URL | --postgres]` builds
the bench's dataset in a throwaway SQLite file (or the given empty database, or a throwaway
PostgreSQL server), creates the app as gunicorn would (production settings, a service token),
sends N create requests through Flask's test client, each with its own Idempotency-Key as the
bench's load sends them, and prints the SQL statements each booking sent (counted outside the
profiled run, `--sql` lists them) and the frames with the most cumulative and own time: the text
form of the flame graph's widest frames. Not a test and not timed against a target; it tells
where to look.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench import dataset, load
from bench.server import SERVICE_TOKEN


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--database", default="")
    parser.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sql", action="store_true", help="list one booking's statements")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir, _database(args, Path(workdir)) as url:
        return _profile(args, url)


@contextmanager
def _database(args: argparse.Namespace, workdir: Path) -> Iterator[str]:
    if not args.postgres:
        yield args.database or f"sqlite:///{workdir / 'profile.db'}"
        return
    # The test support module starts a throwaway server from the Debian package.
    from tests.support.postgres import start_postgres

    server = start_postgres(workdir)
    try:
        server.execute('CREATE DATABASE "profile"')
        yield server.url("profile")
    finally:
        server.stop()


def _profile(args: argparse.Namespace, url: str) -> int:
    now = datetime.now(UTC).replace(microsecond=0)
    consent_version = dataset.prepare(url, now)
    os.environ.update(
        {
            "BORGERBOOKING_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": url,
            "SERVICE_TOKENS": SERVICE_TOKEN,
            "RATELIMIT_ENABLED": "false",
            "SMS_BACKEND": "memory",
            "SMTP_HOST": "",
            "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
        }
    )
    from web import create_app

    app = create_app()
    client = app.test_client()
    requests = load.booking_requests(
        dataset.LOAD_SERVICE, dataset.load_starts(now), consent_version
    )

    def post() -> int:
        _, path, body = next(requests)
        headers = {
            "Authorization": f"Bearer {SERVICE_TOKEN}",
            "Idempotency-Key": f"profile-{uuid.uuid4()}",
        }
        return client.post(path, json=body, headers=headers).status_code

    assert post() == 201  # warm up: imports, first connection, caches
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    engine = app.extensions["database"].engine
    event.listen(engine, "before_cursor_execute", record)
    counted = 20
    try:
        assert all(post() == 201 for _ in range(counted))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # CPU time of this process alone (the app's share; a PostgreSQL server's is its own), with
    # no profiler: the figure the bench's "app CPU per request" corresponds to.
    cpu_started = time.process_time()
    assert all(post() == 201 for _ in range(args.bookings))
    cpu_ms = 1000 * (time.process_time() - cpu_started) / args.bookings
    profiler = cProfile.Profile()
    started = time.perf_counter()
    created = 0
    profiler.enable()
    for _ in range(args.bookings):
        created += post() == 201
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(
        f"{created} of {args.bookings} bookings created in process: "
        f"{1000 * elapsed / args.bookings:.1f} ms each (under the profiler); "
        f"{len(statements) / counted:.1f} SQL statements per booking (cursor executes, "
        f"{engine.dialect.name}); app CPU {cpu_ms:.1f} ms per booking without the profiler"
    )
    stats = pstats.Stats(profiler)
    for (_file, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if name in ("create_booking", "book"):
            print(f"  {name}: {1000 * cumulative / args.bookings:.2f} ms per booking (cumulative)")
    if args.sql:
        for statement in statements[: len(statements) // counted]:
            print("  " + " ".join(statement.split())[:160])
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(args.top)
        print(f"--- by {order} ---")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
