"""A guessable SERVICEDESK_SECRET_KEY signs anyone's admin token: every process refuses one, and
each use gets its own key derived from the one secret."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from servicedesk_common.settings import SERVICES, Settings, SettingsError

ROOT = Path(__file__).resolve().parents[4]
EXAMPLE_KEY = next(line.split("=", 1)[1] for line in
                   (ROOT / "deploy" / ".env.example").read_text().splitlines()
                   if line.startswith("SERVICEDESK_SECRET_KEY="))
GOOD_KEY = "Zq3vX8-long-enough-and-random-Kp2wL9mN4"
WEAK_KEYS = [EXAMPLE_KEY, "change-me", "dev", "secret", "short-but-not-a-placeholder",
             "change-me-to-a-long-random-string-please", "test-secret-key"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("SERVICEDESK_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("key", WEAK_KEYS)
@pytest.mark.parametrize("process", SERVICES + ("gateway",))
def test_a_short_or_placeholder_key_is_refused_by_every_process(monkeypatch, key, process):
    monkeypatch.setenv("SERVICEDESK_SECRET_KEY", key)
    monkeypatch.setenv("SERVICEDESK_DEMO_PASSWORD", "demo-pass-123")  # not even in a demo

    with pytest.raises(SettingsError, match="SERVICEDESK_SECRET_KEY is refused"):
        Settings.from_env(process)


def test_a_long_random_key_is_taken(monkeypatch):
    monkeypatch.setenv("SERVICEDESK_SECRET_KEY", GOOD_KEY)

    assert Settings.from_env("gateway").secret_key == GOOD_KEY


def test_tokens_sessions_and_identities_are_signed_with_separate_derived_keys(monkeypatch):
    monkeypatch.setenv("SERVICEDESK_SECRET_KEY", GOOD_KEY)
    settings = Settings.from_env("gateway")
    keys = {settings.token_key, settings.session_key, settings.identity_key}

    assert len(keys) == 3 and GOOD_KEY not in keys
    assert all(len(key) == 64 for key in keys)
    assert Settings.from_env("intake").identity_key == settings.identity_key  # same in all


def test_an_identity_signed_with_the_token_key_is_not_believed_by_a_service(monkeypatch):
    from servicedesk_common.identity import Identity, read_identity, sign_identity

    monkeypatch.setenv("SERVICEDESK_SECRET_KEY", GOOD_KEY)
    settings = Settings.from_env("intake")
    forged = sign_identity(Identity("admin", "admin"), settings.token_key)

    assert read_identity(forged, settings.identity_key) is None
    assert read_identity(sign_identity(Identity("admin", "admin"), settings.identity_key),
                         settings.identity_key) == Identity("admin", "admin")


def test_the_worker_and_web_processes_exit_with_a_clear_log_line(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEDESK_")}
    environment.update(SERVICEDESK_SECRET_KEY=EXAMPLE_KEY, SERVICEDESK_DATA_DIR=str(tmp_path))
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind", "127.0.0.1:0", "--workers", "1"]
    commands = {f"{name}-worker": [sys.executable, "-m", f"{name}.worker"] for name in SERVICES}
    commands["intake-web"] = gunicorn + ["intake.api:create_app()"]
    commands["gateway"] = gunicorn + ["gateway.api:create_app()"]
    started = {name: subprocess.Popen(argv, env=environment, cwd=tmp_path, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               for name, argv in commands.items()}
    for name, process in started.items():
        output, _ = process.communicate(timeout=120)
        assert process.returncode != 0, f"{name} started with the example key"
        assert "event=secret_key_refused" in output and "known placeholder" in output, name
