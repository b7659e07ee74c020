"""Where a booking's time goes: `POST /api/v1/bookings` in process under cProfile.

`.venv/bin/python -m bench.profile_create [--bookings N] [--database URL]` builds the bench's
dataset in a throwaway SQLite file (or the given empty database), creates the app as gunicorn
would (production settings, a service token), sends N create requests through Flask's test
client and prints the frames with the most cumulative and own time: the text form of the flame
graph's widest frames. Not a test and not timed against a target; it tells where to look.
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
from datetime import UTC, datetime
from pathlib import Path

from bench import dataset, load
from bench.server import SERVICE_TOKEN


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--database", default="")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as workdir:
        url = args.database or f"sqlite:///{Path(workdir) / 'profile.db'}"
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

        client = create_app().test_client()
        headers = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
        requests = load.booking_requests(
            dataset.LOAD_SERVICE, dataset.load_starts(now), consent_version
        )
        _, path, body = next(requests)  # warm up: imports, first connection, caches
        assert client.post(path, json=body, headers=headers).status_code == 201
        profiler = cProfile.Profile()
        started = time.perf_counter()
        created = 0
        profiler.enable()
        for _ in range(args.bookings):
            _, path, body = next(requests)
            created += client.post(path, json=body, headers=headers).status_code == 201
        profiler.disable()
        elapsed = time.perf_counter() - started
    print(
        f"{created} of {args.bookings} bookings created in process: "
        f"{1000 * elapsed / args.bookings:.1f} ms each (under the profiler)"
    )
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(args.top)
        print(f"--- by {order} ---")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
