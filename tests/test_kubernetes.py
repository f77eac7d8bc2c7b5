"""Kubernetes cannot run here, so the manifests are checked by reading them: each resource against
the API's schema (kubernetes-validate), and the wiring between them (selectors, probes, budgets,
scalers, settings) the way a cluster would use it."""
import re
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
OVERLAY = K8S / "overlays" / "production"
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")  # an old one distributions still carry, the newest

sys.path.insert(0, str(K8S))
import generate  # noqa: E402


def documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def base() -> list[dict]:
    kustomization = documents(K8S / "base" / "kustomization.yaml")[0]
    return [doc for name in kustomization["resources"] for doc in documents(K8S / "base" / name)]


def overlay_resources() -> list[dict]:
    kustomization = documents(OVERLAY / "kustomization.yaml")[0]
    own = [name for name in kustomization["resources"] if not name.startswith("..")]
    return [doc for name in own for doc in documents(OVERLAY / name)]


def of_kind(kind: str) -> list[dict]:
    return [doc for doc in base() if doc["kind"] == kind]


def named(kind: str, name: str) -> dict:
    return next(doc for doc in of_kind(kind) if doc["metadata"]["name"] == name)


def test_the_committed_base_is_what_the_generator_writes():
    for name, resources in generate.documents().items():
        assert (K8S / "base" / name).read_text() == generate.render(resources), (
            f"deploy/k8s/base/{name} differs from generate.py: run python deploy/k8s/generate.py")


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_resource_is_valid_for_the_kubernetes_api(version):
    for doc in base() + overlay_resources():
        kubernetes_validate.validate(doc, version, strict=True)


def test_every_deployment_has_probes_resources_and_a_disruption_budget():
    budgets = [pdb["spec"]["selector"]["matchLabels"] for pdb in of_kind("PodDisruptionBudget")]
    for deployment in of_kind("Deployment"):
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        name = deployment["metadata"]["name"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        probe_port = container["readinessProbe"]["httpGet"]["port"]
        assert probe_port in [port["containerPort"] for port in container["ports"]], name
        assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
        assert deployment["spec"]["template"]["metadata"]["labels"] in budgets, name


def test_services_select_the_web_pods_and_the_settings_name_them():
    pods = [d["spec"]["template"]["metadata"]["labels"] for d in of_kind("Deployment")]
    services = {s["metadata"]["name"]: s for s in of_kind("Service")}
    for service in services.values():
        assert service["spec"]["selector"] in pods, service["metadata"]["name"]
    settings = named("ConfigMap", "servicedesk-settings")["data"]
    for setting, url in settings.items():
        if setting.endswith("_URL"):
            host, port = re.fullmatch(r"http://([a-z-]+):(\d+)", url).groups()
            assert host in services, setting
            assert int(port) in [p["port"] for p in services[host]["spec"]["ports"]], setting


def test_each_worker_scales_on_its_own_queue_and_each_web_on_cpu():
    for scaler in of_kind("HorizontalPodAutoscaler"):
        target = scaler["spec"]["scaleTargetRef"]["name"]
        assert named("Deployment", target)
        metric = scaler["spec"]["metrics"][0]
        if target.endswith("-worker"):
            service = target.removesuffix("-worker")
            selector = metric["external"]["metric"]["selector"]["matchLabels"]
            assert selector == {"queue": f"servicedesk.{service}"}, target
        else:
            assert metric["resource"]["name"] == "cpu", target


def test_migrations_run_once_as_jobs_and_not_in_the_web_pods():
    jobs = {job["metadata"]["name"] for job in of_kind("Job")}
    assert jobs == {f"{c.name}-migrate" for c in generate.COMPONENTS}
    for deployment in of_kind("Deployment"):
        command = " ".join(deployment["spec"]["template"]["spec"]["containers"][0]["command"])
        assert "migrate" not in command and "prepare" not in command


def test_the_gateway_is_the_only_service_the_ingress_exposes():
    ingress = next(doc for doc in overlay_resources() if doc["kind"] == "Ingress")
    backends = {path["backend"]["service"]["name"]
                for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]}
    assert backends == {"gateway-web"}


def test_production_patches_reach_what_they_name():
    kustomization = documents(OVERLAY / "kustomization.yaml")[0]
    for patch in kustomization["patches"]:
        if "path" in patch:
            target = documents(OVERLAY / patch["path"])[0]
            assert named(target["kind"], target["metadata"]["name"])
            continue
        selector = patch["target"].get("labelSelector", "")
        targets = [doc for doc in of_kind(patch["target"]["kind"])
                   if all(doc["metadata"]["labels"].get(k) == v for k, v in
                          (pair.split("=") for pair in filter(None, selector.split(","))))]
        assert targets, patch["target"]
        for operation in yaml.safe_load(patch["patch"]):
            for doc in targets:
                _resolve(doc, operation["path"])


def _resolve(doc, pointer: str):
    for part in pointer.strip("/").split("/"):
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def test_secrets_come_from_the_operators_own_file_never_from_the_repository():
    kustomization = documents(OVERLAY / "kustomization.yaml")[0]
    env_files = [name for gen in kustomization["secretGenerator"] for name in gen["envs"]]
    assert env_files == ["secrets.env"]
    assert "overlays/*/secrets.env" in (ROOT / ".gitignore").read_text()
    example = (OVERLAY / "secrets.env.example").read_text()
    assert re.search(r"^SERVICEDESK_SECRET_KEY=$", example, re.M), "the example must hold no key"
    for doc in base():
        assert doc["kind"] != "Secret", "secrets are generated from secrets.env, not committed"


def test_every_setting_the_manifests_set_is_one_the_code_reads():
    read = set()
    for folder in ("libs", "services", "gateway", "deploy"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.parent != K8S:
                read |= set(re.findall(r"SERVICEDESK_[A-Z0-9_]+", path.read_text()))
    read |= {f"SERVICEDESK_{c.name.upper()}_URL" for c in generate.COMPONENTS}
    text = "".join(p.read_text() for p in K8S.rglob("*") if p.is_file() and p.suffix != ".py")
    assert set(re.findall(r"SERVICEDESK_[A-Z0-9_]+", text)) - read == set()
