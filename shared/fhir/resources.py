"""FHIR R4 building blocks: the systems and profiles the views use, references, `meta`,
identifiers and codings (resources are plain dicts)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

Resource = dict[str, Any]
MEDIA_TYPE = "application/fhir+json"
BASE = "/fhir/R4"
UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
# The platform's own identifiers (its register codes, its record ids) are URNs of its own.
PLATFORM_SYSTEM = "urn:llr-ipc:id:"
FRAMEWORK_POLICY = "urn:llr-ipc:framework:version:"
DEFAULT_COUNT, MAX_COUNT, MAX_OFFSET = 20, 100, 100_000
PAGING = frozenset({"_count", "_offset"})
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def profile(name: str) -> str:
    """The UK Core profile of a resource type: `UKCore-Task`."""
    return f"{UK_CORE}{name}"


def meta(resource_type: str, last_updated: datetime | None, version: int | None = None) -> Resource:
    found: Resource = {"profile": [profile(resource_type)]}
    if version is not None:
        found["versionId"] = str(version)
    if last_updated is not None:
        found["lastUpdated"] = instant(last_updated)
    return found


def instant(at: datetime) -> str:
    """A FHIR instant: UTC, to the second or finer, with its zone."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def day(on: date) -> str:
    return on.isoformat()


def start_of(on: date) -> datetime:
    return datetime.combine(on, time(), tzinfo=UTC)


def reference(resource_type: str, resource_id: object, display: str | None = None) -> Resource:
    """A literal reference, relative to the FHIR base of the service that serves the type."""
    found: Resource = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        found["display"] = display
    return found


def identifier(system: str, value: str) -> Resource:
    return {"system": system, "value": value}


def platform_identifier(kind: str, value: object) -> Resource:
    """One of the platform's own record ids (`urn:llr-ipc:id:delegation`)."""
    return identifier(f"{PLATFORM_SYSTEM}{kind}", str(value))


def coding(system: str, code: str, display: str | None = None) -> Resource:
    found: Resource = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(text: str, *codings: Resource) -> Resource:
    found: Resource = {"text": text}
    if codings:
        found["coding"] = list(codings)
    return found


def framework_policy(version: int) -> str:
    """R29: the Framework version a decision was made under, as a policy URI."""
    return f"{FRAMEWORK_POLICY}{version}"
