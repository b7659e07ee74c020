"""Assistant figures: NLU parse latency, chat-turn latency through the REST channel, train time.

`run()` starts the web app (gunicorn, temp SQLite with demo data), the action server and Rasa
on free loopback ports, measures, prints, and stops them. Needs models/borgerbooking.tar.gz.
The training figures (bench/training.py: a full `rasa train` on a cold cache, the retraining
after one FAQ edit on the warm cache, the held-out macro-F1) take minutes; BENCH_BOT_TRAIN=0
skips them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

from bench import training
from bench.server import ROOT, SERVICE_TOKEN, AppServer
from bench.stats import Figures, render, summarise

BOT_BIN = ROOT / ".venv-bot" / "bin"
MODEL = ROOT / "models" / "borgerbooking.tar.gz"
PARSE_TEXTS = [
    "jeg vil gerne booke et møde med jobcentret",
    "hvornår har I åbent",
    "aflys mit møde",
    "kan jeg få en tolk",
    "I want to book a meeting with the health visitor",
    "tak for hjælpen",
    "skal jeg bruge en app til videomødet",
    "næste uge om eftermiddagen",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited early")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _timed(call) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _prepare_database(tmp: Path) -> str:
    from booking.db import Database
    from booking.demo import seed_demo
    from web.cli import upgrade_database

    url = f"sqlite:///{tmp / 'bot-bench.db'}"
    upgrade_database(url)
    with Database(url).transaction() as session:
        seed_demo(session)
    return url


def measure_turns(rasa: str, repeats: int = 40) -> list[Figures]:
    session = requests.Session()
    parse = [
        _timed(lambda t=t: session.post(f"{rasa}/model/parse", json={"text": t}, timeout=30))
        for _ in range(repeats // len(PARSE_TEXTS) + 1)
        for t in PARSE_TEXTS
    ]
    webhook = f"{rasa}/webhooks/rest/webhook"

    def say(sender: str, text: str) -> None:
        session.post(
            webhook, json={"sender": sender, "message": text}, timeout=60
        ).raise_for_status()

    faq, booking = [], []
    for _ in range(repeats):
        sender = f"bench-{uuid.uuid4().hex}"
        say(sender, "hej")  # session start (municipality facts) is not part of the turn
        faq.append(_timed(lambda s=sender: say(s, "hvornår har I åbent")))
        say(sender, "jeg vil gerne booke et møde")
        # the citizen picks a service: actions fetch free slots from the booking API
        booking.append(_timed(lambda s=sender: say(s, '/inform{"service":"jobcenter"}')))
    return [
        summarise("NLU /model/parse", parse, unit="ms"),
        summarise("chat turn, FAQ (REST)", faq, unit="ms"),
        summarise("chat turn, booking: slots offered (REST)", booking, unit="ms"),
    ]


def run() -> None:
    if not MODEL.exists():
        print(f"assistant: {MODEL} missing, run `make bot-train`; skipped")
        return
    rows: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="bb-bot-bench-") as name:
        tmp = Path(name)
        database_url = _prepare_database(tmp)
        with AppServer(database_url, workers=2, log_path=tmp / "web.log") as web:
            actions_port, rasa_port = _free_port(), _free_port()
            (tmp / "endpoints.yml").write_text(
                f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
            )
            (tmp / "credentials.yml").write_text("rest:\n")
            env = {
                **os.environ,
                "RASA_TELEMETRY_ENABLED": "false",
                "BOOKING_API_URL": f"{web.base_url}/api/v1",
                "BOOKING_API_TOKEN": SERVICE_TOKEN,
            }
            log = (tmp / "bot.log").open("w")
            actions = subprocess.Popen(
                [str(BOT_BIN / "rasa"), "run", "actions", "-p", str(actions_port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            rasa = subprocess.Popen(
                [
                    str(BOT_BIN / "rasa"),
                    "run",
                    "--enable-api",
                    "-i",
                    "127.0.0.1",
                    "-p",
                    str(rasa_port),
                    "--model",
                    str(MODEL),
                    "--endpoints",
                    str(tmp / "endpoints.yml"),
                    "--credentials",
                    str(tmp / "credentials.yml"),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait(f"http://127.0.0.1:{actions_port}/health", actions, 60)
                started = time.perf_counter()
                _wait(f"http://127.0.0.1:{rasa_port}/status", rasa, 300)
                rows.append(
                    Figures(
                        "rasa run: ready after", {"time": f"{time.perf_counter() - started:.0f} s"}
                    )
                )
                rows.extend(measure_turns(f"http://127.0.0.1:{rasa_port}"))
            finally:
                for process in (rasa, actions):
                    process.terminate()
                    process.wait(timeout=30)
                log.close()
        if os.environ.get("BENCH_BOT_TRAIN", "1") != "0":
            print("assistant training (full, then after one FAQ edit) …", file=sys.stderr)
            rows.extend(training.run(tmp))
    print(f"\nAssistant (Rasa), {os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}")
    print(render(rows))


if __name__ == "__main__":
    run()
