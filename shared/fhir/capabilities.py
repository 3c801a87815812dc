"""HL7 FHIR R4 read views (UK Core): every service's CapabilityStatement at `metadata` and the
partner register (R2), which every service keeps, as Organizations with their ODS codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import ColumnElement, func, select

from shared.auth import CurrentUser, Role, admits
from shared.errors import InvalidInput, NotFound
from shared.fhir.resources import (
    DEFAULT_COUNT,
    MEDIA_TYPE,
    ODS_SYSTEM,
    PLATFORM_SYSTEM,
    Resource,
    coding,
    concept,
    identifier,
    instant,
    meta,
    platform_identifier,
    profile,
)
from shared.fhir.search import Count, FhirId, Offset, Page, bundle, only
from shared.fhir.web import FhirResponse, fhir_router
from shared.organisations import Organisation, organisations
from shared.web import Session


@dataclass(frozen=True)
class Served:
    """A resource type a service serves: read, and search by these parameters."""

    resource_type: str
    search: tuple[tuple[str, str], ...] = ()  # (name, FHIR search parameter type)
    vread: bool = False


def capability_statement(service: str, served: Sequence[Served], at: datetime) -> Resource:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": instant(at),
        "publisher": "LLR Integrated Personalised Care platform",
        "kind": "instance",
        "software": {"name": f"llr-ipc {service}"},
        "implementation": {"description": f"The {service} service's FHIR R4 read views"},
        "fhirVersion": "4.0.1",
        "format": [MEDIA_TYPE],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": "Bearer JWT; reads of a person's records need a legitimate "
                    "relationship and are audited, as on the JSON API"
                },
                "resource": [_capability(s) for s in served],
            }
        ],
    }


def _capability(served: Served) -> Resource:
    """Read (and vread); search-type with its parameters when the type is searched."""
    interactions = ["read", *(["vread"] if served.vread else [])]
    found: Resource = {"type": served.resource_type, "profile": profile(served.resource_type)}
    if served.search:
        interactions.append("search-type")
        paging = (("_count", "number"), ("_offset", "number"))
        found["searchParam"] = [
            {"name": name, "type": kind} for name, kind in (*served.search, *paging)
        ]
    found["interaction"] = [{"code": code} for code in interactions]
    return found


ORGANIZATION = Served("Organization", (("identifier", "token"), ("_id", "token")))
_ORGANIZATION_TYPES = "http://terminology.hl7.org/CodeSystem/organization-type"
_KIND_TYPES = {
    "icb": ("pay", "Payer"),
    "nhs_trust": ("prov", "Healthcare Provider"),
    "gp_practice": ("prov", "Healthcare Provider"),
    "local_authority": ("govt", "Government"),
    "csu": ("bus", "Non-Healthcare Business or Corporation"),
    "care_provider": ("prov", "Healthcare Provider"),
}


def organization(entry: Organisation) -> Resource:
    """R2: an organisation of the register, with its national ODS code when it has one."""
    identifiers = [platform_identifier("organisation", entry.ods_code)]
    if entry.national_ods_code:
        identifiers.insert(0, identifier(ODS_SYSTEM, entry.national_ods_code))
    code, display = _KIND_TYPES.get(entry.kind.value, ("other", "Other"))
    return {
        "resourceType": "Organization",
        "id": entry.ods_code,
        "meta": meta("Organization", None),
        "identifier": identifiers,
        "active": True,
        "type": [
            concept(entry.kind.value, coding(_ORGANIZATION_TYPES, code, display)),
        ],
        "name": entry.name,
    }


def _by_identifier(value: str) -> ColumnElement[bool]:
    system, _, code = value.rpartition("|")
    if system == ODS_SYSTEM:
        return organisations.c.national_ods_code == code
    if system == f"{PLATFORM_SYSTEM}organisation":
        return organisations.c.ods_code == code
    if system == "":
        return (organisations.c.national_ods_code == code) | (organisations.c.ods_code == code)
    raise InvalidInput("identifier", f"unknown identifier system '{system}'")


def serve_organizations(router: APIRouter) -> None:
    """Organization read and search, from the service's copy of the register (any role: the
    register holds no personal data)."""

    @router.get("/Organization/{organization_id}", summary="FHIR Organization (UKCore)")
    async def fhir_read_organization(
        organization_id: Annotated[str, FhirId], session: Session, user: CurrentUser = admits(*Role)
    ) -> FhirResponse:
        """An organisation of the partner register (R2) with its ODS identifier."""
        row = (
            await session.execute(
                select(organisations).where(organisations.c.ods_code == organization_id)
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"no Organization {organization_id}")
        return FhirResponse(organization(Organisation.of(row)))

    @router.get("/Organization", summary="Search FHIR Organizations (UKCore)")
    async def fhir_search_organizations(
        request: Request,
        session: Session,
        identifier: Annotated[str | None, Query(max_length=300)] = None,
        _id: Annotated[str | None, Query(alias="_id", max_length=100)] = None,
        count: Count = DEFAULT_COUNT,
        offset: Offset = 0,
        user: CurrentUser = admits(*Role),
    ) -> FhirResponse:
        """The register's organisations, by ODS code (`identifier=<ods system>|QK1`) or id."""
        only(request, ("identifier", "_id"))
        query = select(organisations).order_by(organisations.c.ods_code)
        if identifier is not None:
            query = query.where(_by_identifier(identifier))
        if _id is not None:
            query = query.where(organisations.c.ods_code == _id)
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = (await session.execute(query.offset(offset).limit(count))).all()
        found = [organization(Organisation.of(row)) for row in rows]
        return bundle(request, Page(found, int(total or 0), offset, count))


def serve_metadata(router: APIRouter, service: str, served: Sequence[Served]) -> None:
    @router.get("/metadata", summary="FHIR CapabilityStatement")
    async def fhir_capabilities(
        request: Request, user: CurrentUser = admits(*Role)
    ) -> FhirResponse:
        """What this service's FHIR views serve: resource types, profiles, search parameters
        (any partner's token: every endpoint but the probes authenticates)."""
        now: datetime = request.app.state.runtime.clock.now()
        return FhirResponse(capability_statement(service, served, now))


def open_router(service: str, served: Sequence[Served]) -> APIRouter:
    """A service's FHIR router with `metadata` and Organization; it adds its own types."""
    router = fhir_router()
    serve_metadata(router, service, [*served, ORGANIZATION])
    serve_organizations(router)
    return router
