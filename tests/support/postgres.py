"""Start a throwaway PostgreSQL server from the Debian package, as root or not.

`initdb` refuses to run as root, so as root the server runs as the `postgres` system user in a
directory it owns. Each test gets its own database cloned from a migrated template.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg


def _pg_bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if candidates:
        return candidates[-1]
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} not found: install the Debian package postgresql")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@dataclass
class PostgresServer:
    data_dir: Path
    port: int

    @property
    def admin_dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def execute(self, sql: str) -> None:
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_template(self, name: str, migrate: Callable[[str], None]) -> None:
        self.execute(f'CREATE DATABASE "{name}"')
        migrate(self.url(name))

    def fresh_database(self, template: str) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start_postgres(_scratch: Path) -> PostgresServer:
    # pytest's temp dirs are private to root; the server gets its own directory under /tmp.
    base = Path(tempfile.mkdtemp(prefix="bb-pg-"))
    base.chmod(0o755)
    data_dir = base / "data"
    data_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(data_dir, "postgres")
    subprocess.run(
        _as_postgres(
            [
                _pg_bin("initdb"),
                "-D",
                str(data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    port = _free_port()
    options = f"-F -p {port} -k {data_dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
    subprocess.run(
        _as_postgres(
            [
                _pg_bin("pg_ctl"),
                "-D",
                str(data_dir),
                "-w",
                "-l",
                str(base / "log"),
                "-o",
                options,
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    return PostgresServer(data_dir=data_dir, port=port)
