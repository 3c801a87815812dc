"""HL7 FHIR R4 read views (UK Core): the plumbing every service's `/fhir/R4` routes share.

Resources are plain dicts built by each service from its own tables; this module gives them the
common parts: references, `meta` with the UK Core profile, `searchset` Bundles with paging links,
search parameters parsed strictly (an unknown parameter or a bad value is a 400), errors as an
`OperationOutcome` (never an RFC 9457 problem: FHIR clients read OperationOutcome), the
`CapabilityStatement`, and the Organization view of the partner register, which every service
keeps. The tests validate what these views answer with the `fhir.resources` R4B models.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import CurrentUser, Role, admits
from shared.errors import DomainError, InvalidInput, NotFound
from shared.organisations import Organisation, organisations
from shared.problems import DATA_EXCEPTION
from shared.web import Session

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
_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    409: "conflict",
    422: "business-rule",
    503: "transient",
}


# ----------------------------------------------------------------------------------------------
# Resources


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


# ----------------------------------------------------------------------------------------------
# Responses and errors


class FhirResponse(JSONResponse):
    media_type = MEDIA_TYPE


def operation_outcome(status: int, diagnostics: str) -> Resource:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": _ISSUE_CODES.get(status, "processing"),
                "diagnostics": diagnostics,
            }
        ],
    }


def outcome_response(status: int, diagnostics: str) -> FhirResponse:
    return FhirResponse(operation_outcome(status, diagnostics), status_code=status)


def _status_of(error: DomainError) -> int:
    """Bad search input is a 400 in FHIR (the JSON API's 422)."""
    return 400 if isinstance(error, InvalidInput) else error.status


def _invalid(error: RequestValidationError) -> str:
    parts = []
    for found in error.errors():
        where = ".".join(str(p) for p in found.get("loc", ()) if p not in {"query", "path"})
        parts.append(f"{where}: {found.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _bad_value(error: DBAPIError) -> bool:
    """PostgreSQL refused a value of the request (a NUL character, out of range)."""
    return str(getattr(error.orig, "sqlstate", None) or "").startswith(DATA_EXCEPTION)


class FhirRoute(APIRoute):
    """A route whose every error, authentication and validation included, is an
    OperationOutcome in `application/fhir+json`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                return outcome_response(400, _invalid(error))
            except DomainError as error:
                return outcome_response(_status_of(error), error.detail)
            except DBAPIError as error:
                if error.connection_invalidated or not _bad_value(error):
                    raise
                return outcome_response(400, "a value cannot be used (a NUL character?)")

        return route


class OutcomeIssue(BaseModel):
    severity: str
    code: str
    diagnostics: str | None = None


class OperationOutcome(BaseModel):
    """A FHIR R4 OperationOutcome: what went wrong (every error of the FHIR views)."""

    resourceType: Literal["OperationOutcome"]
    issue: list[OutcomeIssue]


class FhirResource(BaseModel):
    """A FHIR R4 resource with its UK Core profile in meta.profile, or a searchset Bundle."""

    model_config = ConfigDict(extra="allow")

    resourceType: str


_ERRORS = {
    "400": "Unknown search parameter or bad value",
    "401": "Missing or invalid bearer token",
    "403": "The caller's role or organisation may not read this",
    "404": "No such resource, or none the caller's organisation may see",
    "422": "A Framework rule stops the request",
    "503": "A dependency is unavailable",
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    "200": {"description": "The resource, or a searchset Bundle", "model": FhirResource},
    **{
        status: {"description": text, "model": OperationOutcome} for status, text in _ERRORS.items()
    },
}


def fhir_router() -> APIRouter:
    """The router of a service's `/fhir/R4` views: FHIR responses and errors."""
    return APIRouter(
        prefix=BASE,
        tags=["FHIR R4"],
        route_class=FhirRoute,
        default_response_class=FhirResponse,
        responses=RESPONSES,
    )


# ----------------------------------------------------------------------------------------------
# Search


Count = Annotated[
    int, Query(alias="_count", ge=1, le=MAX_COUNT, description="Entries per page (FHIR _count)")
]
Offset = Annotated[
    int, Query(alias="_offset", ge=0, le=MAX_OFFSET, description="Entries to skip (next link)")
]
LastUpdated = Annotated[
    list[str] | None,
    Query(
        alias="_lastUpdated",
        max_length=10,
        description="ge|gt|le|lt|eq followed by a date or an instant; repeat for a range",
    ),
]
FhirId = Path(pattern=r"^[A-Za-z0-9\-.]{1,64}$", description="a FHIR logical id")
ReferenceParam = Annotated[str | None, Query(max_length=200)]
TokenParam = Annotated[str | None, Query(max_length=500, description="comma-separated: any of")]


def only(request: Request, allowed: Iterable[str]) -> None:
    """A search answers only the parameters it knows: anything else is a 400, never ignored."""
    known = set(allowed) | PAGING
    unknown = sorted({name for name in request.query_params if name not in known})
    if unknown:
        raise InvalidInput(unknown[0], f"not a search parameter here (known: {sorted(known)})")


def id_of(value: str, resource_type: str, field: str) -> str:
    """`Patient/123` or `123`: the id, a 400 naming the field when it is no FHIR id."""
    bare = value.removeprefix(f"{resource_type}/")
    if not _ID.match(bare):
        raise InvalidInput(field, f"'{value}' is not a reference to a {resource_type}")
    return bare


def uuid_of(value: str, resource_type: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(id_of(value, resource_type, field))
    except ValueError:
        raise InvalidInput(field, f"'{value}' is not a {resource_type} of this platform") from None


def tokens(value: str | None, allowed: Iterable[str], field: str) -> list[str] | None:
    """The codes asked for (any of), each one the parameter knows."""
    if value is None:
        return None
    known = set(allowed)
    asked = [code.strip() for code in value.split(",")]
    if wrong := [code for code in asked if code not in known]:
        raise InvalidInput(field, f"'{wrong[0]}' is not one of {sorted(known)}")
    return asked


_PREFIXES = ("eq", "gt", "lt", "ge", "le")


def _bounds(value: str) -> tuple[datetime, datetime]:
    """The instants a date or a dateTime of the given precision covers: [start, end)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        start = start_of(date.fromisoformat(value))
        return start, start + timedelta(days=1)
    at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return at, at + timedelta(seconds=1) if at.microsecond == 0 else at + timedelta(microseconds=1)


def last_updated(column: Any, values: list[str] | None) -> list[ColumnElement[bool]]:
    """`_lastUpdated=ge2026-01-01&_lastUpdated=lt2026-02-01` as conditions on `column`."""
    conditions: list[ColumnElement[bool]] = []
    for value in values or []:
        prefix, rest = (value[:2], value[2:]) if value[:2] in _PREFIXES else ("eq", value)
        try:
            start, end = _bounds(rest)
        except (ValueError, OverflowError):
            raise InvalidInput("_lastUpdated", f"'{value}' is not a date or an instant") from None
        conditions.append(
            {
                "eq": (column >= start) & (column < end),
                "gt": column >= end,
                "ge": column >= start,
                "lt": column < start,
                "le": column < end,
            }[prefix]
        )
    return conditions


@dataclass(frozen=True)
class Page:
    resources: list[Resource]
    total: int
    offset: int
    count: int


async def page_of(
    session: AsyncSession, query: Select[Any], offset: int, count: int
) -> tuple[Sequence[Any], int]:
    """One page of a query's rows and how many rows match in all."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = (await session.scalars(query.offset(offset).limit(count))).all()
    return rows, int(total or 0)


def base_url(request: Request) -> str:
    """This service's FHIR base, as the caller reached it."""
    url = str(request.url.replace(query=None))
    return url[: url.index(BASE) + len(BASE)] if BASE in url else url


def _page_url(request: Request, offset: int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "_offset"]
    params.append(("_offset", str(offset)))
    return str(request.url.replace(query=urlencode(params)))


def bundle(request: Request, page: Page) -> FhirResponse:
    """A searchset Bundle: the page's entries, the total, self and next/previous links."""
    base = base_url(request)
    links = [{"relation": "self", "url": str(request.url)}]
    if page.offset + page.count < page.total:
        links.append({"relation": "next", "url": _page_url(request, page.offset + page.count)})
    if page.offset > 0:
        previous = max(page.offset - page.count, 0)
        links.append({"relation": "previous", "url": _page_url(request, previous)})
    entries = [
        {
            "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in page.resources
    ]
    return FhirResponse(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": page.total,
            "link": links,
            "entry": entries,
        }
    )


# ----------------------------------------------------------------------------------------------
# CapabilityStatement


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
    interactions = ["read", *(["vread"] if served.vread else []), "search-type"]
    return {
        "type": served.resource_type,
        "profile": profile(served.resource_type),
        "interaction": [{"code": code} for code in interactions],
        "searchParam": [
            {"name": name, "type": kind}
            for name, kind in (*served.search, ("_count", "number"), ("_offset", "number"))
        ],
    }


# ----------------------------------------------------------------------------------------------
# Organization: every service keeps the partner register (R2) and serves it

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
