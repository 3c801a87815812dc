"""Render the Kubernetes manifests for the five services: `python deploy/k8s/render.py`.

The output files are committed; CI validates them against the Kubernetes schemas and checks that
they are what this script renders, so the manifests and the script never drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from services import registry

HERE = Path(__file__).parent
SERVICES = registry.api_ports()  # {name: API port}; the worker's is 100 above
NAMESPACE = "llr-integrated-care"
IMAGE = "llr-integrated-care:1.0.0"
TOPICS = registry.topics()


def meta(name: str, component: str, service: str = "platform") -> dict[str, Any]:
    labels = {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": NAMESPACE,
        "app.kubernetes.io/component": component,
        "llr/service": service,
    }
    return {"name": name, "namespace": NAMESPACE, "labels": labels}


def env_from(service: str) -> list[dict[str, Any]]:
    return [{"configMapRef": {"name": "llr-config"}}, {"secretRef": {"name": f"{service}-secrets"}}]


def probe(path: str, port: int, delay: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": path, "port": port},
        "initialDelaySeconds": delay,
        "periodSeconds": 10,
        "timeoutSeconds": 3,
        "failureThreshold": 3,
    }


def container(service: str, role: str, port: int, resources: dict[str, Any]) -> dict[str, Any]:
    module = "main" if role == "api" else "worker"
    prefix = service.upper()
    return {
        "name": role,
        "image": IMAGE,
        "command": ["python", "-m", f"services.{service}.{module}"],
        "ports": [{"name": "http", "containerPort": port}],
        "env": [
            {"name": f"{prefix}_API_HOST", "value": "0.0.0.0"},
            {"name": f"{prefix}_API_PORT", "value": str(SERVICES[service])},
            {"name": f"{prefix}_WORKER_PORT", "value": str(SERVICES[service] + 100)},
        ],
        "envFrom": env_from(service),
        "readinessProbe": probe("/ready", port, 5),
        "livenessProbe": probe("/health", port, 10),
        "resources": resources,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }


def deployment(
    service: str, role: str, replicas: int, port: int, resources: dict[str, Any]
) -> dict[str, Any]:
    name = f"{service}-{role}"
    selector = {"app.kubernetes.io/name": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(name, role, service),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {
                    "labels": meta(name, role, service)["labels"],
                    "annotations": {
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": str(port),
                        "prometheus.io/path": "/metrics",
                    },
                },
                "spec": {
                    "containers": [container(service, role, port, resources)],
                    "terminationGracePeriodSeconds": 30,
                },
            },
        },
    }


def service_documents(service: str) -> list[dict[str, Any]]:
    api_port, worker_port = SERVICES[service], SERVICES[service] + 100
    api_resources = {
        "requests": {"cpu": "100m", "memory": "192Mi"},
        "limits": {"cpu": "1", "memory": "512Mi"},
    }
    worker_resources = {
        "requests": {"cpu": "50m", "memory": "160Mi"},
        "limits": {"cpu": "500m", "memory": "384Mi"},
    }
    api, worker = f"{service}-api", f"{service}-worker"
    return [
        deployment(service, "api", 2, api_port, api_resources),
        # Workers are consumer-group members: partitions (3) bound their useful number.
        deployment(service, "worker", 1, worker_port, worker_resources),
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta(api, "api", service),
            "spec": {
                "selector": {"app.kubernetes.io/name": api},
                "ports": [{"name": "http", "port": 80, "targetPort": api_port}],
            },
        },
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": meta(api, "api", service),
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": api},
                "minReplicas": 2,
                "maxReplicas": 6,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 70},
                        },
                    }
                ],
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": meta(api, "api", service),
            "spec": {
                "minAvailable": 1,
                "selector": {"matchLabels": {"app.kubernetes.io/name": api}},
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": meta(worker, "worker", service),
            "spec": {
                "maxUnavailable": 1,
                "selector": {"matchLabels": {"app.kubernetes.io/name": worker}},
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": meta(f"{service}-secrets", "config", service),
            "type": "Opaque",
            "stringData": {
                f"{service.upper()}_DATABASE_URL": f"postgresql+asyncpg://llr:changethis@postgres:5432/{service}"
            },
        },
    ]


def platform_documents() -> list[dict[str, Any]]:
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta("llr-config", "config"),
        "data": {},
    }
    for service in SERVICES:
        prefix = service.upper()
        config["data"].update(
            {
                f"{prefix}_ENVIRONMENT": "production",
                f"{prefix}_KAFKA_BOOTSTRAP": "kafka-bootstrap:9092",
                f"{prefix}_JWKS_URL": "https://identity.example.nhs.uk/.well-known/jwks.json",
                f"{prefix}_JWT_ISSUER": "https://identity.example.nhs.uk",
                f"{prefix}_JWT_AUDIENCE": "llr-platform",
            }
        )
    job_spec = {"backoffLimit": 3, "ttlSecondsAfterFinished": 3600}
    migrate = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta("llr-migrate", "migrate"),
        "spec": {
            **job_spec,
            "template": {
                "metadata": {"labels": meta("llr-migrate", "migrate")["labels"]},
                "spec": {
                    "restartPolicy": "OnFailure",
                    "containers": [
                        {
                            "name": "migrate",
                            "image": IMAGE,
                            "command": ["llr", "migrate"],
                            "envFrom": [e for s in SERVICES for e in env_from(s)[1:]]
                            + [{"configMapRef": {"name": "llr-config"}}],
                        }
                    ],
                },
            },
        },
    }
    create = " && ".join(
        f"/opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka-bootstrap:9092 --create "
        f"--if-not-exists --topic {t} --partitions 3 --replication-factor 3 "
        f"--config min.insync.replicas=2 --config retention.ms=2592000000"
        for t in [*TOPICS, "platform.dead-letters"]
    )
    topics = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta("llr-topics", "topics"),
        "spec": {
            **job_spec,
            "template": {
                "metadata": {"labels": meta("llr-topics", "topics")["labels"]},
                "spec": {
                    "restartPolicy": "OnFailure",
                    "containers": [
                        {
                            "name": "topics",
                            "image": "apache/kafka:4.1.0",
                            "command": ["bash", "-c", create],
                        }
                    ],
                },
            },
        },
    }
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}
    return [namespace, config, migrate, topics]


def render() -> dict[str, str]:
    files = {"platform.yaml": platform_documents()}
    files.update({f"{s}.yaml": service_documents(s) for s in SERVICES})
    return {
        name: "".join("---\n" + yaml.safe_dump(d, sort_keys=False) for d in docs)
        for name, docs in files.items()
    }


def main() -> int:
    rendered = render()
    if "--check" in sys.argv:
        stale = [n for n, text in rendered.items() if (HERE / n).read_text() != text]
        print("\n".join(f"{n}: stale, run python deploy/k8s/render.py" for n in stale) or "ok")
        return 1 if stale else 0
    for name, text in rendered.items():
        (HERE / name).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
