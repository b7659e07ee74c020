"""`python -m bench.lighthouse` (`make lighthouse`): Lighthouse accessibility scores of the
citizen's pages: `/` (with the chat widget), `/book` and the manage page, in both languages.

The app runs in a thread on a throwaway SQLite file with the demo data and one booking (for
the manage page, opened through its confirmation link). Lighthouse (npm, installed on demand by
the make target) drives the Debian Chromium given by CHROME_PATH. The JSON reports are written
to reports/lighthouse/; nothing is asserted (the axe-core browser tests are the gate).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from werkzeug.serving import make_server

from booking.bookings import BookingRequest, BookingSettings, book
from booking.db import Database
from booking.demo import seed_demo
from booking.privacy import ConsentGiven, active_texts
from booking.slots import local_date, search_slots
from web import create_app
from web.cli import upgrade_database

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
REPORTS = ROOT / "reports" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run"


def _booking(database: Database, config: dict) -> tuple[str, str]:
    """A confirmed booking a week ahead; returns its reference and manage token."""
    now = datetime.now(UTC)
    with database.transaction() as session:
        seed_demo(session)
        day = local_date(now) + timedelta(days=7)
        slot = search_slots(session, "jobcenter", day, day + timedelta(days=7), now=now)[0]
        version = next(t.version for t in active_texts(session, "da") if t.purpose == "booking")
    created = book(
        database,
        BookingRequest(
            service="jobcenter",
            start=slot.start,
            name="Anna Jensen",
            phone="20304050",
            consents=(ConsentGiven("booking", version),),
        ),
        now=now,
        settings=BookingSettings.from_mapping(config),
        idempotency_scope="lighthouse",
    )
    return created.reference, created.manage_token


def _score(url: str, name: str) -> float:
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{name}.json"
    subprocess.run(
        [
            "node",
            str(LIGHTHOUSE),
            url,
            "--only-categories=accessibility",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        timeout=300,
    )
    result = json.loads(report.read_text())
    failed = [
        audit_id
        for audit_id, audit in result["audits"].items()
        if audit.get("score") == 0 and audit.get("scoreDisplayMode") == "binary"
    ]
    if failed:
        print(f"  {name}: failed audits: {', '.join(failed)}")
    return float(result["categories"]["accessibility"]["score"]) * 100


def main() -> int:
    if not LIGHTHOUSE.exists():
        print("Lighthouse is missing: run `make lighthouse` (it installs it)", file=sys.stderr)
        return 1
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'lighthouse.db'}"
        upgrade_database(url)
        app = create_app("testing", DATABASE_URL=url)
        reference, token = _booking(app.extensions["database"], app.config)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        app.config["PUBLIC_BASE_URL"] = base
        pages = {
            "front": "/?lang={lang}",
            "book": "/book/?lang={lang}",
            "manage": f"/booking/{reference}?token={token}&lang={{lang}}",
        }
        scores = {}
        try:
            for name, path in pages.items():
                for lang in ("da", "en"):
                    scores[(name, lang)] = _score(base + path.format(lang=lang), f"{name}-{lang}")
        finally:
            server.shutdown()
            app.extensions["database"].dispose()
    print("lighthouse  accessibility score (0-100)")
    for (name, lang), score in scores.items():
        print(f"  {name:<8} {lang}  {score:5.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
