"""The Kubernetes manifests fit a hardened cluster: the restricted Pod Security Standard for every
pod (Jobs included), no replica count where an autoscaler decides, network policies, Secrets
referenced but never committed, images pinned by digest (and compose pinned too)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from shared.testing.plugin import repo_root

K8S = repo_root() / "deploy" / "k8s"


def documents() -> list[dict[str, Any]]:
    return [
        d for path in sorted(K8S.glob("*.yaml")) for d in yaml.safe_load_all(path.read_text()) if d
    ]


def pods() -> Iterator[tuple[str, dict[str, Any]]]:
    for d in documents():
        if d["kind"] in {"Deployment", "Job"}:
            yield d["metadata"]["name"], d["spec"]["template"]["spec"]


def test_every_pod_meets_the_restricted_pod_security_standard() -> None:
    for name, pod in pods():
        context = pod["securityContext"]
        assert context["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert context["runAsNonRoot"] is True, name
        assert context["runAsUser"] >= 10000, name
        assert context["runAsGroup"] >= 10000, name
        for container in pod["containers"]:
            own = container["securityContext"]
            assert own["allowPrivilegeEscalation"] is False, name
            assert own["capabilities"] == {"drop": ["ALL"]}, name
            assert own["readOnlyRootFilesystem"] is True, name
            assert own["runAsNonRoot"] is True, name
            assert {"requests", "limits"} <= container["resources"].keys(), name
        volume_kinds = {key for v in pod.get("volumes", []) for key in v if key != "name"}
        assert volume_kinds <= {"emptyDir", "secret", "configMap"}, name


def test_no_deployment_sets_replicas_where_an_autoscaler_decides() -> None:
    scaled = {
        d["spec"]["scaleTargetRef"]["name"]
        for d in documents()
        if d["kind"] == "HorizontalPodAutoscaler"
    }
    deployments = {d["metadata"]["name"]: d for d in documents() if d["kind"] == "Deployment"}

    assert scaled == {
        f"{s}-api" for s in ("assessment", "delegation", "training", "funding", "governance")
    }
    assert all("replicas" not in deployments[name]["spec"] for name in scaled)


def test_network_policies_deny_by_default_and_let_each_component_only_what_it_needs() -> None:
    policies = {
        d["metadata"]["name"]: d["spec"] for d in documents() if d["kind"] == "NetworkPolicy"
    }
    components = {
        pod_labels["app.kubernetes.io/component"]
        for d in documents()
        if d["kind"] in {"Deployment", "Job"}
        for pod_labels in [d["spec"]["template"]["metadata"]["labels"]]
    }

    assert policies["default-deny"]["podSelector"] == {}
    assert components <= set(policies)
    worker_ports = {p["port"] for rule in policies["worker"]["egress"] for p in rule["ports"]}
    assert worker_ports == {5432, 9093}
    api_sources = [s for rule in policies["api"]["ingress"] for s in rule["from"]]
    assert {"kubernetes.io/metadata.name": "ingress-nginx"} in [
        s["namespaceSelector"]["matchLabels"] for s in api_sources
    ]


def test_secrets_are_referenced_and_never_committed() -> None:
    text = "".join(path.read_text() for path in K8S.glob("*.yaml"))

    assert not [d for d in documents() if d["kind"] == "Secret"]
    assert "changethis" not in text
    assert "secretRef" in text


def test_images_are_pinned_by_digest_and_compose_by_version() -> None:
    images = {c["image"] for _, pod in pods() for c in pod["containers"]}
    compose = (repo_root() / "docker-compose.yml").read_text()

    assert all("@sha256:" in image for image in images), images
    assert ":latest" not in compose
