"""FHIR checks every service's FHIR tests share: each resource validates against the kept
R4B models of `fhir.resources` (R4B matches R4 for the resources served) and carries its UK Core
profile; a response is `application/fhir+json`."""

from __future__ import annotations

from typing import Any

import httpx
from fhir.resources.R4B import get_fhir_model_class

from shared.fhir import MEDIA_TYPE, UK_CORE

Json = dict[str, Any]
UNPROFILED = {"Bundle", "OperationOutcome", "CapabilityStatement"}


def valid(resource: Json) -> Json:
    """The resource, once its R4B model accepts it and it names its UK Core profile."""
    model = get_fhir_model_class(resource["resourceType"])
    model.model_validate(resource)
    if resource["resourceType"] not in UNPROFILED:
        profiles = resource["meta"]["profile"]
        assert profiles == [f"{UK_CORE}{resource['resourceType']}"], profiles
    for entry in resource.get("entry", []):
        valid(entry["resource"])
    return resource


def fhir_body(response: httpx.Response, status: int = 200) -> Json:
    """A FHIR response's resource, validated, after checking its status and media type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(MEDIA_TYPE), response.headers
    body: Json = response.json()
    return valid(body)


def outcome(response: httpx.Response, status: int) -> str:
    """The diagnostics of an OperationOutcome answered with `status`."""
    body = fhir_body(response, status)
    assert body["resourceType"] == "OperationOutcome", body
    diagnostics: str = body["issue"][0]["diagnostics"]
    return diagnostics


def entries(bundle: Json, resource_type: str | None = None) -> list[Json]:
    assert bundle["resourceType"] == "Bundle", bundle
    assert bundle["type"] == "searchset", bundle
    found = [e["resource"] for e in bundle.get("entry", [])]
    if resource_type is not None:
        assert all(r["resourceType"] == resource_type for r in found), found
    return found


def link(bundle: Json, relation: str) -> str | None:
    return next((ln["url"] for ln in bundle.get("link", []) if ln["relation"] == relation), None)
