"""The one mapping of errors to RFC 9457 problem responses."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import DomainError, Unauthenticated

PROBLEM_TYPE_BASE = "https://llr-integrated-care.nhs.uk/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
DATA_EXCEPTION = "22"  # the SQLSTATE class of values PostgreSQL refuses
log = structlog.get_logger()


def problem(status: int, kind: str, detail: str, **extensions: Any) -> JSONResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + kind,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extensions,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def field_path(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] if parts[0] == "body" else parts
    return ".".join(parts) or "body"


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        if isinstance(exc, Unauthenticated):
            log.info("bearer token refused", reason=exc.reason)
        return problem(
            exc.status, exc.kind, exc.detail, instance=request.url.path, **exc.extensions
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        malformed = [e for e in exc.errors() if e.get("type") == "json_invalid"]
        if malformed:
            # Not a wrong field but a body that is not JSON at all: the whole body is at fault,
            # and where the parser stopped is a character offset, not a field.
            offset = malformed[0]["loc"][-1]
            reason = str(malformed[0].get("ctx", {}).get("error") or malformed[0]["msg"])
            detail = f"the body is not well-formed JSON: {reason} (at character {offset})"
            errors = [{"field": "body", "reason": detail}]
            return problem(400, "malformed-body", detail, instance=request.url.path, errors=errors)
        errors = [{"field": field_path(tuple(e["loc"])), "reason": e["msg"]} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        return problem(422, "invalid-input", detail, instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, "http-error", str(exc.detail), instance=request.url.path)

    @app.exception_handler(IntegrityError)
    async def integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        return problem(
            409,
            "conflict",
            "the request conflicts with the current state",
            instance=request.url.path,
        )

    @app.exception_handler(StaleDataError)
    async def lost_race(request: Request, exc: StaleDataError) -> JSONResponse:
        # A compare-and-set found the aggregate changed by a request that committed first.
        return problem(
            409,
            "conflict",
            "another request changed this at the same time; read it again before retrying",
            instance=request.url.path,
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(OSError)
    @app.exception_handler(PoolTimeout)  # every connection busy: overloaded, nothing written
    async def unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("dependency unavailable", error=type(exc).__name__)
        return problem(
            503,
            "unavailable",
            "a dependency is unavailable; try again shortly",
            instance=request.url.path,
        )

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            return await unavailable(request, exc)
        if str(getattr(exc.orig, "sqlstate", None) or "").startswith(DATA_EXCEPTION):
            # A value PostgreSQL cannot store (a NUL character, out of range): the input's fault.
            return problem(
                422,
                "invalid-input",
                "a value cannot be stored (a NUL character or a number out of range)",
                instance=request.url.path,
            )
        log.exception("unhandled database error")
        return problem(500, "internal", "an unexpected error occurred", instance=request.url.path)

    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem(500, "internal", "an unexpected error occurred", instance=request.url.path)
