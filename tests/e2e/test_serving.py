"""bot/serve: what it refuses to start, and the command lines it builds (no server started)."""

from __future__ import annotations

import subprocess

import pytest

from bot.serving import ServeError, allowed_origins, rasa_command, rasa_environment
from tests.e2e.stack import ROOT, SERVE


def test_the_allowed_origins_are_the_apps_own_then_the_widget_sites():
    env = {
        "PUBLIC_URL": "https://booking.kommune.dk/",
        "WIDGET_ORIGINS": " https://www.kommune.dk, https://Borger.Kommune.dk ,,",
    }
    assert allowed_origins(env) == [
        "https://booking.kommune.dk",
        "https://www.kommune.dk",
        "https://borger.kommune.dk",
    ]
    assert allowed_origins({}) == ["http://127.0.0.1:8000"]


@pytest.mark.parametrize(
    "widget_origins",
    ["*", "https://*.kommune.dk", "ftp://kommune.dk", "https://kommune.dk/chat", "kommune.dk"],
)
def test_wildcards_paths_and_non_http_origins_are_refused(widget_origins):
    with pytest.raises(ServeError):
        allowed_origins({"WIDGET_ORIGINS": widget_origins})


def test_the_rasa_command_line_has_the_token_loopback_and_no_star(tmp_path):
    env = rasa_environment({"BORGERBOOKING_ENV": "development"}, tmp_path)
    command = rasa_command(env, ["-p", "5123"])
    assert command[command.index("--auth-token") + 1] == env["RASA_TOKEN"]
    assert command[command.index("-i") + 1] == "127.0.0.1"
    assert command[command.index("--cors") + 1 :] == ["http://127.0.0.1:8000"]
    assert "*" not in command and "--enable-api" in command


def test_development_secrets_are_random_kept_in_instance_and_private(tmp_path):
    first = rasa_environment({"BORGERBOOKING_ENV": "development"}, tmp_path)
    again = rasa_environment({"BORGERBOOKING_ENV": "development"}, tmp_path)
    other = rasa_environment({"BORGERBOOKING_ENV": "development"}, tmp_path / "other")
    assert first["RASA_TOKEN"] == again["RASA_TOKEN"] != other["RASA_TOKEN"]
    assert len(first["RASA_TOKEN"]) >= 40
    assert (tmp_path / "rasa-token").stat().st_mode & 0o077 == 0
    assert first["TRACKER_STORE_URL"].startswith("sqlite:///")


def test_production_without_a_token_does_not_start(tmp_path):
    result = subprocess.run(
        [str(SERVE), "rasa"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "INSTANCE_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "RASA_TOKEN must be set" in result.stderr
    assert not (tmp_path / "rasa-token").exists()


def test_a_wildcard_in_the_allow_list_does_not_start(tmp_path):
    result = subprocess.run(
        [str(SERVE), "rasa"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "RASA_TOKEN": "x" * 40,
            "TRACKER_ENCRYPTION_KEY": "k",
            "WIDGET_ORIGINS": "*",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "wildcard" in result.stderr


def test_the_lock_store_is_our_redis_one_when_redis_url_is_set_and_in_memory_otherwise(tmp_path):
    memory = rasa_environment({"BORGERBOOKING_ENV": "development"}, tmp_path)
    assert memory["LOCK_STORE_TYPE"] == "in_memory"
    redis = rasa_environment(
        {"BORGERBOOKING_ENV": "development", "REDIS_URL": "redis://:s3cret@cache.local:6380/2"},
        tmp_path,
    )
    assert (redis["LOCK_STORE_TYPE"], redis["LOCK_STORE_HOST"], redis["LOCK_STORE_PORT"]) == (
        "bot.stores.lock_store.SerialRedisLockStore",
        "cache.local",
        "6380",
    )
    assert (redis["LOCK_STORE_DB"], redis["LOCK_STORE_PASSWORD"]) == ("2", "s3cret")
    with pytest.raises(ServeError):
        rasa_environment({"BORGERBOOKING_ENV": "development", "REDIS_URL": "http://x"}, tmp_path)


def test_endpoints_yml_names_our_tracker_store_and_takes_its_values_from_serve(
    tmp_path, monkeypatch
):
    from rasa.utils.endpoints import read_endpoint_config

    env = rasa_environment({"BORGERBOOKING_ENV": "development"}, tmp_path)
    for name in ("ACTION_SERVER_URL", "TRACKER_STORE_URL") + tuple(
        k for k in env if k.startswith("LOCK_STORE_")
    ):
        monkeypatch.setenv(name, env[name])
    endpoints = str(ROOT / "endpoints.yml")
    store = read_endpoint_config(endpoints, "tracker_store")
    assert store.type == "bot.stores.tracker_store.RedactingTrackerStore"
    assert store.url == env["TRACKER_STORE_URL"] == f"sqlite:///{tmp_path / 'conversations.db'}"
    assert read_endpoint_config(endpoints, "action_endpoint").url == (
        "http://127.0.0.1:5055/webhook"
    )
    assert read_endpoint_config(endpoints, "lock_store").type == "in_memory"


def test_with_redis_rasa_loads_our_lock_store_from_endpoints_yml(tmp_path, monkeypatch):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import read_endpoint_config

    from bot.stores.lock_store import SerialRedisLockStore

    env = rasa_environment(
        {"BORGERBOOKING_ENV": "development", "REDIS_URL": "redis://:s3cret@cache.local:6380/2"},
        tmp_path,
    )
    for name in ("ACTION_SERVER_URL", "TRACKER_STORE_URL") + tuple(
        k for k in env if k.startswith("LOCK_STORE_")
    ):
        monkeypatch.setenv(name, env[name])
    store = LockStore.create(read_endpoint_config(str(ROOT / "endpoints.yml"), "lock_store"))
    assert type(store) is SerialRedisLockStore
    options = store.red.connection_pool.connection_kwargs
    assert (options["host"], options["port"], options["db"], options["password"]) == (
        "cache.local",
        6380,
        2,
        "s3cret",
    )
    assert store.key_prefix == "borgerbooking:lock:"
