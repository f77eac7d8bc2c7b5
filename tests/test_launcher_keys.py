"""`make run` without a key keeps one random key in the data directory; a weak key is refused."""
import importlib.util
import stat
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def launcher():
    spec = importlib.util.spec_from_file_location("launcher", ROOT / "deploy" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["launcher"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def environment(monkeypatch, tmp_path):
    monkeypatch.delenv("SERVICEDESK_SECRET_KEY", raising=False)
    monkeypatch.setenv("SERVICEDESK_DATA_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def test_without_a_key_one_random_key_is_kept_in_the_data_dir_for_every_run(environment):
    first = launcher().base_environment()["SERVICEDESK_SECRET_KEY"]
    second = launcher().base_environment()["SERVICEDESK_SECRET_KEY"]

    kept = environment / "secret_key"
    assert first == second == kept.read_text().strip()
    assert len(first) >= 32
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_two_data_dirs_get_different_keys(environment, monkeypatch, tmp_path):
    first = launcher().base_environment()["SERVICEDESK_SECRET_KEY"]
    monkeypatch.setenv("SERVICEDESK_DATA_DIR", str(tmp_path / "other"))

    assert launcher().base_environment()["SERVICEDESK_SECRET_KEY"] != first


@pytest.mark.parametrize("key", ["change-me", "dev", "change-me-to-a-long-random-string",
                                 "too-short"])
def test_a_weak_key_stops_the_launcher_with_a_clear_message(environment, monkeypatch, key):
    monkeypatch.setenv("SERVICEDESK_SECRET_KEY", key)
    monkeypatch.setenv("SERVICEDESK_DEMO_PASSWORD", "demo-pass-123")

    with pytest.raises(SystemExit, match="SERVICEDESK_SECRET_KEY is refused"):
        launcher().base_environment()


def test_the_operators_own_key_is_passed_on_unchanged(environment, monkeypatch):
    monkeypatch.setenv("SERVICEDESK_SECRET_KEY", "Zq3vX8-long-enough-and-random-Kp2wL9mN4")

    assert launcher().base_environment()["SERVICEDESK_SECRET_KEY"] == \
        "Zq3vX8-long-enough-and-random-Kp2wL9mN4"
    assert not (environment / "secret_key").exists()
