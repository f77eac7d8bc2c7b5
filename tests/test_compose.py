"""docker compose cannot run here (no engine), so the compose file is checked by reading it."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("intake", "triage", "escalation", "sla", "survey", "knowledge")
CODE_DIRS = ("libs", "services", "gateway", "deploy")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_the_code_reads() -> set[str]:
    names = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"SERVICEDESK_[A-Z0-9_]+", path.read_text()))
    # Names built from a service name at run time (SERVICEDESK_<NAME>_URL).
    names |= {f"SERVICEDESK_{name.upper()}_URL" for name in SERVICES}
    return names


def env_example() -> dict[str, str]:
    lines = (ROOT / "deploy" / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_every_service_has_a_web_process_and_a_worker_with_healthchecks():
    services = compose()["services"]
    for name in SERVICES:
        for process in (f"{name}-web", f"{name}-worker"):
            assert process in services, f"{process} is missing"
            assert "healthcheck" in services[process], f"{process} has no healthcheck"
    assert "healthcheck" in services["gateway"]
    assert "8080:8080" in services["gateway"]["ports"]


def test_brokers_and_databases_are_waited_for_until_healthy():
    services = compose()["services"]
    for name in ("rabbitmq", "postgres"):
        assert "healthcheck" in services[name]
    for name, spec in services.items():
        for dependency, condition in (spec.get("depends_on") or {}).items():
            assert condition == {"condition": "service_healthy"}, (name, dependency)
            assert dependency in services
    for name in SERVICES:
        assert set(services[f"{name}-web"]["depends_on"]) == {"rabbitmq", "postgres"}


def test_containers_get_only_settings_the_code_knows():
    known = settings_the_code_reads()
    given = set(env_example())
    for spec in compose()["services"].values():
        given |= {k for k in (spec.get("environment") or {}) if k.startswith("SERVICEDESK_")}
    unknown = given - known
    assert not unknown, f"settings no code reads: {sorted(unknown)}"


def test_each_service_image_is_built_from_its_own_dockerfile():
    services = compose()["services"]
    for name in SERVICES:
        dockerfile = services[f"{name}-web"]["build"]["dockerfile"]
        text = (ROOT / dockerfile).read_text()
        assert f"services/{name}" in text and "requirements.lock" in text
        assert services[f"{name}-worker"]["command"] == ["python", "-m", f"{name}.worker"]
