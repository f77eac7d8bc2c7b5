"""`python deploy/k8s/generate.py`: write the Kubernetes base (deploy/k8s/base) from one table.

Seven components with the same shape would be seven hand-kept copies of the same YAML; this
writes them from `COMPONENTS`, and tests/test_kubernetes.py fails when the committed files and
this script disagree (run it after editing either). The production overlay is hand-written.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

BASE = Path(__file__).resolve().parent / "base"
WEB_PORT = 8000
WORKER_PORT = 9000
GATEWAY_PORT = 8080
LABELS = {"app.kubernetes.io/part-of": "servicedesk"}
HEADER = "# Written by deploy/k8s/generate.py from its COMPONENTS table: edit that, then run it.\n"


@dataclass(frozen=True)
class Component:
    name: str
    migrate: list[str]
    web_app: str
    has_worker: bool = True
    # a volume every replica shares: attachments with SERVICEDESK_ATTACHMENT_STORE=local; with
    # `database` (the production overlay) nothing is kept there and any disk would do
    data_volume: str | None = None


def _service(name: str, **extra) -> Component:
    return Component(
        name=name,
        migrate=["python", "-m", "servicedesk_common.migrate", name, f"services/{name}/migrations"],
        web_app=f"{name}.api:create_app()", **extra)


COMPONENTS = [
    _service("intake", data_volume="intake-data"), _service("triage"), _service("escalation"),
    _service("sla"), _service("survey"), _service("knowledge"),
    Component(name="gateway", migrate=["python", "-m", "gateway.prepare"],
              web_app="gateway.api:create_app()", has_worker=False),
]

RESOURCES = {"requests": {"cpu": "100m", "memory": "192Mi"}, "limits": {"memory": "512Mi"}}
SECURITY = {"runAsNonRoot": True, "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]}}


def _labels(component: Component, role: str) -> dict:
    return {**LABELS, "app.kubernetes.io/name": component.name,
            "app.kubernetes.io/component": role}


def _container(component: Component, role: str, command: list[str], **extra) -> dict:
    return {
        "name": role, "image": f"servicedesk-{component.name}", "command": command,
        "envFrom": [{"configMapRef": {"name": "servicedesk-settings"}},
                    {"secretRef": {"name": "servicedesk-secrets"}}],
        "resources": RESOURCES, "securityContext": SECURITY, **extra}


def _volumes(component: Component) -> tuple[list, list]:
    mounts = [{"name": "data", "mountPath": "/data"}]
    if component.data_volume:
        claim = {"claimName": component.data_volume}
        return [{"name": "data", "persistentVolumeClaim": claim}], mounts
    return [{"name": "data", "emptyDir": {}}], mounts


def _deployment(component: Component, role: str, container: dict) -> dict:
    labels = _labels(component, role)
    volumes, mounts = _volumes(component)
    container = {**container, "volumeMounts": mounts}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": f"{component.name}-{role}", "labels": labels},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"securityContext": {"runAsNonRoot": True, "runAsUser": 999,
                                             "fsGroup": 999},
                         "terminationGracePeriodSeconds": 30,
                         "containers": [container], "volumes": volumes}}}}


def _http_probe(path: str, port: int, period: int) -> dict:
    return {"httpGet": {"path": path, "port": port}, "periodSeconds": period,
            "timeoutSeconds": 5, "failureThreshold": 3}


def web(component: Component) -> list[dict]:
    port = GATEWAY_PORT if component.name == "gateway" else WEB_PORT
    container = _container(
        component, "web", ["gunicorn", "-c", "deploy/gunicorn.conf.py", component.web_app],
        env=[{"name": "SERVICEDESK_BIND", "value": f"0.0.0.0:{port}"}],
        ports=[{"name": "http", "containerPort": port}],
        readinessProbe=_http_probe("/readyz", port, 5),
        livenessProbe=_http_probe("/healthz", port, 10))
    name = f"{component.name}-web"
    selector = _labels(component, "web")
    return [
        _deployment(component, "web", container),
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": name, "labels": selector},
         "spec": {"selector": selector,
                  "ports": [{"name": "http", "port": port, "targetPort": "http"}]}},
        _disruption_budget(name, selector),
        {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
         "metadata": {"name": name, "labels": selector},
         "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                  "minReplicas": 1, "maxReplicas": 4,
                  "metrics": [{"type": "Resource", "resource": {
                      "name": "cpu", "target": {"type": "Utilization",
                                                "averageUtilization": 70}}}]}},
    ]


def worker(component: Component) -> list[dict]:
    container = _container(
        component, "worker", ["python", "-m", f"{component.name}.worker"],
        env=[{"name": "SERVICEDESK_WORKER_HOST", "value": "0.0.0.0"},
             {"name": "SERVICEDESK_WORKER_PORT", "value": str(WORKER_PORT)}],
        ports=[{"name": "probes", "containerPort": WORKER_PORT}],
        readinessProbe=_http_probe("/readyz", WORKER_PORT, 10),
        livenessProbe=_http_probe("/healthz", WORKER_PORT, 10))
    name = f"{component.name}-worker"
    selector = _labels(component, "worker")
    return [
        _deployment(component, "worker", container),
        _disruption_budget(name, selector),
        # Scaled by the depth of the service's queue: the external metric comes from the
        # RabbitMQ Prometheus plugin through an adapter (docs/DEPLOY.md).
        {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
         "metadata": {"name": name, "labels": selector},
         "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                  "minReplicas": 1, "maxReplicas": 4,
                  "metrics": [{"type": "External", "external": {
                      "metric": {"name": "rabbitmq_queue_messages_ready",
                                 "selector": {"matchLabels": {
                                     "queue": f"servicedesk.{component.name}"}}},
                      "target": {"type": "AverageValue", "averageValue": "200"}}}]}},
    ]


def _disruption_budget(name: str, selector: dict) -> dict:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": name, "labels": selector},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector}}}


def migration_job(component: Component) -> dict:
    labels = _labels(component, "migrate")
    return {
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": f"{component.name}-migrate", "labels": labels},
        "spec": {"backoffLimit": 6, "ttlSecondsAfterFinished": 86400,
                 "template": {"metadata": {"labels": labels},
                              "spec": {"restartPolicy": "OnFailure",
                                       "securityContext": {"runAsNonRoot": True,
                                                           "runAsUser": 999},
                                       "containers": [_container(component, "migrate",
                                                                 component.migrate)]}}}}


def shared() -> list[dict]:
    urls = {f"SERVICEDESK_{c.name.upper()}_URL": f"http://{c.name}-web:{WEB_PORT}"
            for c in COMPONENTS if c.name != "gateway"}
    claims = [{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
               "metadata": {"name": c.data_volume, "labels": LABELS},
               "spec": {"accessModes": ["ReadWriteMany"],
                        "resources": {"requests": {"storage": "20Gi"}}}}
              for c in COMPONENTS if c.data_volume]
    return [{"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": {"name": "servicedesk-settings", "labels": LABELS},
             "data": {"SERVICEDESK_DATA_DIR": "/data", "SERVICEDESK_LOG_LEVEL": "INFO",
                      "SERVICEDESK_WEB_WORKERS": "2", "SERVICEDESK_QUEUE_TYPE": "classic",
                      "SERVICEDESK_ATTACHMENT_STORE": "local",
                      **urls}},
            *claims]


def documents() -> dict[str, list[dict]]:
    files = {"shared.yaml": shared()}
    for component in COMPONENTS:
        resources = [migration_job(component), *web(component)]
        if component.has_worker:
            resources += worker(component)
        files[f"{component.name}.yaml"] = resources
    files["kustomization.yaml"] = [{
        "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
        "resources": sorted(name for name in files)}]
    return files


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):   # the shared label dicts are written out, not as &anchors
        return True


def render(resources: list[dict]) -> str:
    return HEADER + "---\n".join(yaml.dump(r, Dumper=_Dumper, sort_keys=False)
                                  for r in resources)


def main() -> int:
    BASE.mkdir(exist_ok=True)
    for name, resources in documents().items():
        (BASE / name).write_text(render(resources))
    return 0


if __name__ == "__main__":
    sys.exit(main())
