"""docker compose cannot run here (no engine), so the compose file is checked by reading it."""
import re
from pathlib import Path

import yaml

from servicedesk_common.settings import secret_key_problem

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("intake", "triage", "escalation", "sla", "survey", "knowledge")
CODE_DIRS = ("libs", "services", "gateway", "deploy")
IMAGE_SETTINGS = {"POSTGRES_PASSWORD", "RABBITMQ_DEFAULT_PASS"}  # read by the images themselves


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


def test_brokers_and_databases_are_waited_for_until_healthy():
    services = compose()["services"]
    for name in ("rabbitmq", "postgres"):
        assert "healthcheck" in services[name]
    for name, spec in services.items():
        for dependency, condition in (spec.get("depends_on") or {}).items():
            expected = "service_completed_successfully" if dependency == "bus-users" \
                else "service_healthy"
            assert condition == {"condition": expected}, (name, dependency)
            assert dependency in services
    for name in SERVICES:
        assert set(services[f"{name}-web"]["depends_on"]) == {"rabbitmq", "postgres",
                                                               "bus-users"}


def test_containers_get_only_settings_the_code_knows():
    known = settings_the_code_reads() | IMAGE_SETTINGS
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


def test_every_container_reads_the_operators_own_env_file_never_the_example():
    services = compose()["services"]
    for name, spec in services.items():
        if name == "rabbitmq" or name == "postgres" or "image" in spec and \
                spec["image"].startswith("servicedesk-"):
            assert spec.get("env_file") == "deploy/.env", name  # a missing file stops compose
    assert "deploy/.env\n" in (ROOT / ".gitignore").read_text()
    assert ".env.example" not in yaml.safe_dump(services)


def test_the_broker_and_the_database_are_not_published_on_all_interfaces():
    services = compose()["services"]
    assert "ports" not in services["postgres"]
    for mapping in services["rabbitmq"]["ports"]:
        assert str(mapping).startswith("127.0.0.1:"), mapping
    for name, spec in services.items():
        if name != "proxy":
            for mapping in spec.get("ports") or ():
                assert str(mapping).startswith("127.0.0.1:"), (name, mapping)


def test_the_gateway_scales_behind_the_proxy_which_alone_publishes_8080():
    services = compose()["services"]
    gateway, proxy = services["gateway"], services["proxy"]
    # A fixed host port or name would stop `docker compose up --scale gateway=3`.
    assert "ports" not in gateway and "container_name" not in gateway
    assert gateway["environment"]["SERVICEDESK_TRUSTED_PROXIES"] == "1"
    assert proxy["ports"] == ["8080:8080"]
    assert proxy["depends_on"] == {"gateway": {"condition": "service_healthy"}}
    assert "healthcheck" in proxy
    source, target = proxy["volumes"][0].split(":")[:2]
    config = (ROOT / source).read_text()
    assert target == "/etc/nginx/nginx.conf"
    # Every replica, looked up again through Docker's DNS: a scale up needs no proxy restart.
    assert re.search(r"resolver 127\.0\.0\.11 valid=\d+s", config)
    assert re.search(r"upstream gateway \{[^}]*zone [^}]*server gateway:8080 resolve;", config)
    assert "proxy_pass http://gateway;" in config
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in config
    assert "listen 8080;" in config


def test_internal_service_ports_are_never_published():
    services = compose()["services"]
    for name in SERVICES:
        for process in (f"{name}-web", f"{name}-worker"):
            assert "ports" not in services[process], process
    published = {name for name, spec in services.items() if spec.get("ports")}
    assert published == {"proxy", "rabbitmq"}  # rabbitmq: the operator's loopback tools only


def test_no_password_or_key_is_written_in_the_compose_file():
    text = (ROOT / "docker-compose.yml").read_text()
    for spec in compose()["services"].values():
        environment = spec.get("environment") or {}
        assert not {"POSTGRES_PASSWORD", "RABBITMQ_DEFAULT_PASS", "SERVICEDESK_SECRET_KEY"} & \
            set(environment)
    assert "guest" not in text and "change-me" not in text


def test_the_template_passwords_agree_and_its_key_is_refused_by_every_process():
    example = env_example()
    assert f":{example['POSTGRES_PASSWORD']}@postgres:" in example["SERVICEDESK_DATABASE_URL"]
    assert f":{example['RABBITMQ_DEFAULT_PASS']}@rabbitmq:" in \
        example["SERVICEDESK_BUS_ADMIN_URL"]
    assert secret_key_problem(example["SERVICEDESK_SECRET_KEY"]) == "it is a known placeholder"
    assert "guest" not in (ROOT / "deploy" / ".env.example").read_text()


def test_each_service_connects_as_its_own_broker_user_made_by_the_bus_users_job():
    services, example = compose()["services"], env_example()
    assert example["SERVICEDESK_BUS_USERS"] == "1"
    assert "@" not in example["SERVICEDESK_AMQP_URL"]  # no shared login: each derives its own
    job = services["bus-users"]
    assert job["command"] == ["python", "-m", "servicedesk_common.bus_users"]
    assert job["restart"] == "no"
    assert job["depends_on"] == {"rabbitmq": {"condition": "service_healthy"}}
    for name in SERVICES:
        assert services[f"{name}-web"]["depends_on"]["bus-users"] == {
            "condition": "service_completed_successfully"}
