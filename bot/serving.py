"""How the assistant's two servers are started: `bot/serve rasa` and `bot/serve actions`.

One place decides what Rasa may expose: its HTTP API only with the token (`RASA_TOKEN`), CORS
only for the app's own origin (`PUBLIC_URL`) and the municipal sites that embed the widget
(`WIDGET_ORIGINS`), the action server only on loopback. Standard library only, so the web venv
and its tests can import it too.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
DEFAULT_RASA_PORT = "5005"
DEFAULT_ACTIONS_PORT = "5055"


class ServeError(Exception):
    """The configuration would open the assistant more than allowed; the server is not started."""


def origin_of(value: str) -> str:
    """`scheme://host[:port]` of a configured origin; wildcards and non-http(s) are refused."""
    candidate = value.strip().rstrip("/")
    if "*" in candidate:
        raise ServeError(f"wildcard origins are not allowed: {candidate!r}")
    parts = urlsplit(candidate)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServeError(f"not an http(s) origin: {candidate!r}")
    if parts.path or parts.query or parts.fragment or parts.username:
        raise ServeError(f"an origin has no path, query or credentials: {candidate!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def allowed_origins(env: Mapping[str, str]) -> list[str]:
    """The app's own origin first, then the widget allow-list, without duplicates."""
    public = env.get("PUBLIC_URL") or env.get("PUBLIC_BASE_URL") or DEFAULT_PUBLIC_URL
    origins = [origin_of(public)]
    for item in env.get("WIDGET_ORIGINS", "").split(","):
        if item.strip():
            origin = origin_of(item)
            if origin not in origins:
                origins.append(origin)
    return origins


def development(env: Mapping[str, str]) -> bool:
    return env.get("BORGERBOOKING_ENV", "production") == "development"


def instance_secret(instance: Path, name: str, make: Callable[[], str] | None = None) -> str:
    """A development secret generated once into instance/ (mode 0600), never a fixed value."""
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        value = make() if make else secrets.token_urlsafe(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(str(value))
    return path.read_text().strip()


def fernet_key() -> str:
    """A key in Fernet's format (32 random bytes, url-safe base64) without importing it."""
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def rasa_environment(env: Mapping[str, str], instance: Path) -> dict[str, str]:
    """The environment Rasa runs with: token, tracker store and its key, lock store.

    Production must configure `RASA_TOKEN` and `TRACKER_ENCRYPTION_KEY`; development
    (`BORGERBOOKING_ENV=development`, as `make run` sets) gets random ones kept in instance/.
    """
    result = dict(env)
    for name, file, make in (
        ("RASA_TOKEN", "rasa-token", None),
        ("TRACKER_ENCRYPTION_KEY", "tracker-key", fernet_key),
    ):
        if result.get(name):
            continue
        if not development(env):
            raise ServeError(f"{name} must be set (see README, Data protection)")
        result[name] = instance_secret(instance, file, make)
    result.setdefault("TRACKER_STORE_URL", f"sqlite:///{(instance / 'conversations.db').resolve()}")
    result.update(lock_store_environment(env.get("REDIS_URL", "")))
    result.setdefault("ACTION_SERVER_URL", f"http://127.0.0.1:{DEFAULT_ACTIONS_PORT}/webhook")
    result.setdefault("RASA_TELEMETRY_ENABLED", "false")
    return result


def lock_store_environment(redis_url: str) -> dict[str, str]:
    """The lock store in endpoints.yml: Redis from `redis://[:password@]host[:port][/db]`."""
    if not redis_url:
        return {
            "LOCK_STORE_TYPE": "in_memory",
            "LOCK_STORE_HOST": "",
            "LOCK_STORE_PORT": "0",
            "LOCK_STORE_DB": "0",
            "LOCK_STORE_PASSWORD": "",
        }
    parts = urlsplit(redis_url)
    if parts.scheme != "redis" or not parts.hostname:
        raise ServeError("REDIS_URL must look like redis://[:password@]host[:port][/db]")
    return {
        # Rasa's own "redis" lock store races between processes (bot/stores/lock_store.py)
        "LOCK_STORE_TYPE": "bot.stores.lock_store.SerialRedisLockStore",
        "LOCK_STORE_HOST": parts.hostname,
        "LOCK_STORE_PORT": str(parts.port or 6379),
        "LOCK_STORE_DB": parts.path.strip("/") or "1",
        "LOCK_STORE_PASSWORD": parts.password or "",
    }


def start_model(env: Mapping[str, str]) -> Path:
    """The model Rasa starts with: the published one (named in `<ASSISTANT_MODELS_DIR>/published`
    by the admin's publish or restore, booking/assistant/published.py), else the newest model in
    models/ (what `make` trained).

    This reads the pointer itself rather than through `published.read_pointer`: it runs in
    Rasa's venv, where importing `booking` (SQLAlchemy 2) is not possible. The web tests write
    the pointer with the app's code and read it back here (test_admin_trainings_pages.py)."""
    models_dir = Path(env.get("ASSISTANT_MODELS_DIR") or ROOT / "models" / "candidates")
    try:
        named = (models_dir / "published").read_text(encoding="utf-8").strip()
    except OSError:
        named = ""
    if named and Path(named).is_file():
        return Path(named)
    if named:
        print(
            f"bot/serve: the published model {named} is missing; starting with models/",
            file=sys.stderr,
        )
    return ROOT / "models"


def rasa_command(env: Mapping[str, str], extra: Sequence[str]) -> list[str]:
    """`rasa run` with the API behind the token and CORS limited to the allowed origins."""
    command = [str(ROOT / ".venv-bot" / "bin" / "rasa"), "run", "--enable-api"]
    command += ["--auth-token", env["RASA_TOKEN"], "-i", "127.0.0.1"]
    if "-p" not in extra and "--port" not in extra:
        command += ["-p", env.get("RASA_PORT", DEFAULT_RASA_PORT)]
    if "--endpoints" not in extra:
        command += ["--endpoints", str(ROOT / "endpoints.yml")]
    if "--model" not in extra and "-m" not in extra:
        command += ["--model", str(start_model(env))]
    command += list(extra)
    # last: --cors takes every following word as an origin
    return [*command, "--cors", *allowed_origins(env)]


def actions_command(env: Mapping[str, str], extra: Sequence[str]) -> list[str]:
    command = [str(ROOT / ".venv-bot" / "bin" / "rasa"), "run", "actions"]
    if "-p" not in extra and "--port" not in extra:
        command += ["-p", env.get("ACTIONS_PORT", DEFAULT_ACTIONS_PORT)]
    return [*command, *extra]


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in ("rasa", "actions"):
        print("usage: bot/serve rasa|actions [extra rasa arguments]", file=sys.stderr)
        return 2
    instance = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))
    try:
        if argv[0] == "rasa":
            env = rasa_environment(os.environ, instance)
            command = rasa_command(env, argv[1:])
        else:
            # the action server takes no token: it must not be reachable from outside the host
            env = {**os.environ, "SANIC_HOST": "127.0.0.1", "RASA_TELEMETRY_ENABLED": "false"}
            command = actions_command(env, argv[1:])
    except ServeError as error:
        print(f"bot/serve: {error}", file=sys.stderr)
        return 2
    os.chdir(ROOT)
    os.execve(command[0], command, env)  # noqa: S606 (no shell: the arguments are a list)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
