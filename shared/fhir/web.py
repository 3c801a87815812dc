"""FHIR responses and errors: `application/fhir+json`, every error an OperationOutcome (never an
RFC 9457 problem), and the router every service's `/fhir/R4` views hang on."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DBAPIError

from shared.errors import DomainError, InvalidInput
from shared.fhir.resources import (
    BASE,
    MEDIA_TYPE,
    Resource,
)
from shared.problems import DATA_EXCEPTION

ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    409: "conflict",
    422: "business-rule",
    503: "transient",
}


class FhirResponse(JSONResponse):
    media_type = MEDIA_TYPE


def operation_outcome(status: int, diagnostics: str) -> Resource:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": ISSUE_CODES.get(status, "processing"),
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
