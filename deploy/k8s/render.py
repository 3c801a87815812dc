"""Render the Kubernetes manifests for the five services: `python deploy/k8s/render.py`.

The output files are committed; CI validates them against the Kubernetes schemas and checks that
they are what this script renders, so the manifests and the script never drift apart. `make lint`
also scores them with kube-score (0 critical, 0 warning, no check ignored) and every pod
meets the restricted Pod Security Standard. Secrets are referenced, never committed: create
`<service>-secrets` (`<SERVICE>_DATABASE_URL`, `<SERVICE>_KAFKA_SASL_USERNAME`,
`<SERVICE>_KAFKA_SASL_PASSWORD`), `llr-kafka-tls` (`ca.pem`) and `llr-kafka-client`
(`client.properties` for the Kafka tools) before applying.
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
# The release pipeline puts the pushed image's digest here: a tag can be moved, a digest not.
IMAGE = "registry.llr.nhs.uk/llr-integrated-care:1.0.0@sha256:" + "0" * 64
KAFKA_IMAGE = "docker.io/apache/kafka:4.1.0@sha256:" + "0" * 64
KAFKA_BOOTSTRAP = "kafka-bootstrap:9093"
KAFKA_PORT, POSTGRES_PORT = 9093, 5432
UID = 10001  # the image's llr user and group (Dockerfile); above 10000, clear of host accounts
TLS_DIR = "/etc/llr/kafka-tls"
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


def resources(cpu: str, memory: str, cpu_limit: str, memory_limit: str) -> dict[str, Any]:
    return {
        "requests": {"cpu": cpu, "memory": memory, "ephemeral-storage": "64Mi"},
        "limits": {"cpu": cpu_limit, "memory": memory_limit, "ephemeral-storage": "256Mi"},
    }


def container_security() -> dict[str, Any]:
    """The restricted Pod Security Standard, and a root filesystem nothing can write."""
    return {
        "runAsNonRoot": True,
        "runAsUser": UID,
        "runAsGroup": UID,
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def pod_spec(containers: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """What every pod shares: non-root, seccomp, no service account token, a writable /tmp only."""
    mounts = [{"name": "tmp", "mountPath": "/tmp"}]  # noqa: S108
    volumes: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {"sizeLimit": "128Mi"}}]
    for c in containers:
        c["volumeMounts"] = mounts + c.get("volumeMounts", [])
        volumes += c.pop("volumes", [])
    return {
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": UID,
            "runAsGroup": UID,
            "fsGroup": UID,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": containers,
        "volumes": volumes,
        **extra,
    }


def kafka_tls() -> dict[str, Any]:
    """The cluster's CA, for the settings' KAFKA_SSL_CAFILE."""
    return {
        "volumeMounts": [{"name": "kafka-tls", "mountPath": TLS_DIR, "readOnly": True}],
        "volumes": [{"name": "kafka-tls", "secret": {"secretName": "llr-kafka-tls"}}],
    }


def container(service: str, role: str, port: int, limits: dict[str, Any]) -> dict[str, Any]:
    module = "main" if role == "api" else "worker"
    prefix = service.upper()
    return {
        "name": role,
        "image": IMAGE,
        "imagePullPolicy": "Always",
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
        "resources": limits,
        "securityContext": container_security(),
        **kafka_tls(),
    }


def deployment(
    service: str, role: str, replicas: int | None, port: int, limits: dict[str, Any]
) -> dict[str, Any]:
    name = f"{service}-{role}"
    selector = {"app.kubernetes.io/name": name}
    spread = {
        "affinity": {
            "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 100,
                        "podAffinityTerm": {
                            "topologyKey": "kubernetes.io/hostname",
                            "labelSelector": {"matchLabels": selector},
                        },
                    }
                ]
            }
        }
    }
    spec: dict[str, Any] = {
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
            "spec": pod_spec(
                [container(service, role, port, limits)],
                terminationGracePeriodSeconds=30,
                **(spread if role == "api" else {}),
            ),
        },
    }
    if replicas is not None:  # none where a HorizontalPodAutoscaler decides
        spec = {"replicas": replicas, **spec}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(name, role, service),
        "spec": spec,
    }


def service_documents(service: str) -> list[dict[str, Any]]:
    api_port, worker_port = SERVICES[service], SERVICES[service] + 100
    api, worker = f"{service}-api", f"{service}-worker"
    return [
        deployment(service, "api", None, api_port, resources("100m", "192Mi", "1", "512Mi")),
        # Workers are consumer-group members: partitions (3) bound their useful number.
        deployment(service, "worker", 1, worker_port, resources("50m", "160Mi", "500m", "384Mi")),
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
    ]


def egress_to(*ports: int) -> list[dict[str, Any]]:
    # Where PostgreSQL and Kafka live differs by site (managed services, another namespace):
    # narrow `to:` to their addresses when applying; the ports are what the platform needs.
    return [{"ports": [{"protocol": "TCP", "port": port} for port in ports]}]


def from_namespace(name: str, port: int) -> dict[str, Any]:
    return {
        "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}],
        "ports": [{"protocol": "TCP", "port": port}],
    }


def network_policy(
    name: str, component: str, ingress: list[dict[str, Any]], egress: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta(name, "network"),
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/component": component}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": ingress,
            "egress": egress,
        },
    }


def network_policies() -> list[dict[str, Any]]:
    """Nothing in or out but what each kind of pod needs (DNS for all)."""
    deny_all = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta("default-deny", "network"),
        "spec": {
            "podSelector": {},
            "policyTypes": ["Ingress", "Egress"],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
                            },
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                }
            ],
        },
    }
    api_ports = [{"protocol": "TCP", "port": port} for port in SERVICES.values()]
    worker_ports = [{"protocol": "TCP", "port": port + 100} for port in SERVICES.values()]
    scrape = {"kubernetes.io/metadata.name": "monitoring"}
    return [
        deny_all,
        # APIs: requests from the ingress controller (and Prometheus); out to PostgreSQL, Kafka
        # (readiness) and the identity provider's JWKS over HTTPS.
        network_policy(
            "api",
            "api",
            [
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}
                            }
                        },
                        {"namespaceSelector": {"matchLabels": scrape}},
                    ],
                    "ports": api_ports,
                }
            ],
            egress_to(POSTGRES_PORT, KAFKA_PORT, 443),
        ),
        # Workers: Prometheus scrapes them; they reach Kafka and PostgreSQL only.
        network_policy(
            "worker",
            "worker",
            [{"from": [{"namespaceSelector": {"matchLabels": scrape}}], "ports": worker_ports}],
            egress_to(POSTGRES_PORT, KAFKA_PORT),
        ),
        network_policy("migrate", "migrate", [], egress_to(POSTGRES_PORT)),
        network_policy("topics", "topics", [], egress_to(KAFKA_PORT)),
    ]


def job(name: str, component: str, container_: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta(name, component),
        "spec": {
            "backoffLimit": 3,
            "ttlSecondsAfterFinished": 3600,
            "template": {
                "metadata": {"labels": meta(name, component)["labels"]},
                "spec": pod_spec(
                    [
                        {
                            "imagePullPolicy": "Always",
                            "resources": resources("50m", "128Mi", "500m", "384Mi"),
                            "securityContext": container_security(),
                            **container_,
                        }
                    ],
                    restartPolicy="OnFailure",
                ),
            },
        },
    }


def platform_documents() -> list[dict[str, Any]]:
    data: dict[str, str] = {}
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta("llr-config", "config"),
        "data": data,
    }
    for service in SERVICES:
        prefix = service.upper()
        data.update(
            {
                f"{prefix}_ENVIRONMENT": "production",
                f"{prefix}_KAFKA_BOOTSTRAP": KAFKA_BOOTSTRAP,
                f"{prefix}_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                f"{prefix}_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
                f"{prefix}_KAFKA_SSL_CAFILE": f"{TLS_DIR}/ca.pem",
                f"{prefix}_JWKS_URL": "https://identity.example.nhs.uk/.well-known/jwks.json",
                f"{prefix}_JWT_ISSUER": "https://identity.example.nhs.uk",
                f"{prefix}_JWT_AUDIENCE": "llr-platform",
            }
        )
    migrate = job(
        "llr-migrate",
        "migrate",
        {
            "name": "migrate",
            "image": IMAGE,
            "command": ["llr", "migrate"],
            "envFrom": [e for s in SERVICES for e in env_from(s)[1:]]
            + [{"configMapRef": {"name": "llr-config"}}],
        },
    )
    create = " && ".join(
        f"/opt/kafka/bin/kafka-topics.sh --bootstrap-server {KAFKA_BOOTSTRAP} --create "
        f"--command-config /etc/llr/kafka-client/client.properties "
        f"--if-not-exists --topic {t} --partitions 3 --replication-factor 3 "
        f"--config min.insync.replicas=2 --config retention.ms=2592000000"
        for t in [*TOPICS, "platform.dead-letters"]
    )
    topics = job(
        "llr-topics",
        "topics",
        {
            "name": "topics",
            "image": KAFKA_IMAGE,
            "command": ["bash", "-c", create],
            "env": [{"name": "LOG_DIR", "value": "/tmp/kafka-logs"}],  # noqa: S108
            "volumeMounts": [
                {"name": "kafka-client", "mountPath": "/etc/llr/kafka-client", "readOnly": True}
            ],
            "volumes": [{"name": "kafka-client", "secret": {"secretName": "llr-kafka-client"}}],
        },
    )
    namespace = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": NAMESPACE,
            "labels": {
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
            },
        },
    }
    return [namespace, config, migrate, topics, *network_policies()]


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
