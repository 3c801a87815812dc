"""The app factory every service uses: problems, auth, health, readiness, metrics, JSON logs."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import structlog
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Header, Request, Response
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute
from opentelemetry.trace import SpanKind
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import access, auth, idempotency, logs, metrics, openapi, tracing
from shared.auth import CurrentUser, authenticated, token_contract
from shared.events import contracts
from shared.headers import SecurityHeaders, docs_page
from shared.problems import PROBLEM_MEDIA_TYPE, install_problem_handlers, problem
from shared.service import Runtime, ServiceSpec
from shared.settings import ServiceSettings

log = structlog.get_logger()
requests_log = structlog.get_logger(logs.REQUESTS)
ReadinessCheck = Callable[[], Awaitable[None]]


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    runtime: Runtime = request.app.state.runtime
    async with runtime.sessions() as session:
        yield session


Session = Annotated[AsyncSession, Depends(_session)]


def create_app(
    runtime: Runtime,
    *,
    migrate_on_start: bool = False,
    readiness: list[ReadinessCheck] | None = None,
) -> FastAPI:
    spec = runtime.spec

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if migrate_on_start:
            await runtime.migrate()
        yield
        await runtime.close()

    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,  # served below with pinned assets and a CSP
        redoc_url=None,  # it would load an unpinned script
        openapi_url="/openapi.json",
    )
    app.state.runtime = runtime
    app.state.verifier = runtime.verifier
    install_problem_handlers(app)
    app.add_middleware(SecurityHeaders)
    _serve_docs(app)
    _observe_requests(app, spec.name)
    add_operational_routes(app, runtime, readiness or [])
    _document_roles_and_problems(spec.router)
    app.include_router(spec.router)
    _document_roles_and_problems(access.router)
    app.include_router(access.router)  # every service serves its own audit trail
    openapi.install(app, service=spec.name, security=token_contract(runtime.settings))
    return app


def _serve_docs(app: FastAPI) -> None:
    async def docs(request: Request) -> Response:
        root_path = request.scope.get("root_path", "").rstrip("/")
        return docs_page(f"{root_path}{app.openapi_url}", f"{app.title} - Swagger UI")

    app.add_route("/docs", docs, include_in_schema=False)  # a page, not an API operation


def add_operational_routes(app: FastAPI, runtime: Runtime, checks: list[ReadinessCheck]) -> None:
    async def database() -> None:
        async with runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    @app.get("/health", tags=["operations"], summary="The process is alive")
    async def health() -> dict[str, str]:
        """Answers while the process runs (the liveness probe); checks nothing else."""
        return {"status": "ok", "service": runtime.spec.name}

    @app.get(
        "/ready",
        tags=["operations"],
        summary="The database (and Kafka, when used) answer",
        responses={
            200: {
                "description": "Ready to serve",
                "content": {"application/json": {"schema": READY_SCHEMA}},
            },
            503: problem_response("A dependency is not ready"),
        },
    )
    async def ready() -> Response:
        """Answers 200 when the database (and Kafka, when used) answer within 3 seconds, else 503
        (the readiness probe). Which dependency failed, and how, goes to the log only."""
        for check in [database, *checks]:
            try:
                await asyncio.wait_for(check(), 3)
            except Exception as exc:
                log.warning("not ready", dependency=check.__name__, error=repr(exc))
                return problem(503, "not-ready", "not ready")
        return Response('{"status":"ready"}', media_type="application/json")

    @app.get(
        "/asyncapi.json", tags=["operations"], summary="The AsyncAPI 3 document of every event"
    )
    async def asyncapi() -> dict[str, Any]:
        """Every topic and event of the platform, with the CloudEvents headers and each key."""
        return contracts.asyncapi()

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        response_class=PlainTextResponse,
    )
    async def metrics_text() -> Response:
        """Request counts and latencies, and the process's figures, for Prometheus to scrape."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _observe_requests(app: FastAPI, service: str) -> None:
    """A JSON line per request (the route's template: no query string, no body), its metrics,
    and its server span: the FastAPI instrumentation's when spans are exported, else our own."""
    metrics.known(service)
    runtime: Runtime = app.state.runtime
    instrumented = tracing.instrument(app, runtime.engine)
    app.add_middleware(ObservedRequests, service=service, instrumented=instrumented)


class ObservedRequests:
    """Plain ASGI (an `http` middleware costs a task and a response stream per request, about a
    sixth of a short write's time): the request id on the log context and the response, the
    request's metrics and log line once it is answered (a 500 when the app raised)."""

    def __init__(self, app: ASGIApp, service: str, instrumented: bool) -> None:
        self.app, self.service, self.instrumented = app, service, instrumented

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id, service=self.service)
        method, started, status = scope["method"], time.perf_counter(), 500

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        with contextlib.ExitStack() as stack:
            current = None
            if not self.instrumented:
                current = stack.enter_context(
                    tracing.span(
                        f"{method} {scope['path']}", SpanKind.SERVER, headers, service=self.service
                    )
                )
            try:
                await self.app(scope, receive, send_observed)
            finally:
                path = getattr(scope.get("route"), "path", "unmatched")
                if current is not None:
                    current.update_name(f"{method} {path}")
                    current.set_attribute("http.response.status_code", status)
                elapsed = time.perf_counter() - started
                _count(self.service, method, path, status, elapsed)
                requests_log.info(
                    "request", method=method, path=path, status=status, ms=round(elapsed * 1000, 2)
                )


def _count(service: str, method: str, path: str, status: int, elapsed: float) -> None:
    metrics.HTTP_REQUESTS.labels(service, method, path, status).inc()
    metrics.HTTP_LATENCY.labels(service, method, path).observe(elapsed)
    if status >= 500:
        metrics.HTTP_SERVER_ERRORS.labels(service).inc()


PROBLEM_SCHEMA = openapi.PROBLEM_REF  # the one Problem component (was pasted inline)
READY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["ready"]}},
}
PROBLEMS = {
    "401": "Missing or invalid bearer token",
    "403": "The caller's role or organisation may not do this",
    "422": "Invalid input (the field and the reason) or a Framework rule stops it",
    "503": "A dependency is unavailable; nothing was written",
}


WRITES = {"POST", "PUT", "PATCH", "DELETE"}


async def _idempotency_key(
    request: Request,
    session: Session,
    user: Annotated[CurrentUser, Depends(authenticated)],
    key: Annotated[
        str | None,
        Header(
            alias=idempotency.HEADER,
            min_length=1,
            max_length=200,
            description=(
                "Send the same key again with the same request to repeat it safely: no second "
                "effect. A key belongs to the caller's organisation and this route; sent again "
                "with a different body or path it is refused (422)."
            ),
        ),
    ] = None,
) -> str | None:
    """A key belongs to the caller's organisation and the route: the same key from another
    organisation or to another route is a different request, so a guessed or colliding key never
    returns someone else's resource; the same key with a different request is refused (422)."""
    if key is None:
        return None
    route: APIRoute = request.scope["route"]
    concrete = route.path_format.format(**request.path_params)  # the mount prefix aside
    await idempotency.remember(
        session,
        idempotency.scope_of(user.organisation, request.method, route.path_format, key),
        idempotency.request_hash(request.method, concrete, await request.body()),
    )
    return hashlib.sha256(f"{user.organisation}\n{key}".encode()).hexdigest()


IdempotencyKey = Annotated[str | None, Depends(_idempotency_key)]


def answer_replay(response: Response, created: bool) -> None:
    """A repeated request (same Idempotency-Key or natural key) answers 200 with what the first
    one made; a first one keeps its route's status (201 or 202)."""
    if not created:
        response.status_code = 200


def problem_response(description: str) -> dict[str, Any]:
    """A problem a route answers beyond the kernel's, for its `responses`."""
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": openapi.PROBLEM_REF}},
    }


def replayed(model: type[Any]) -> dict[int | str, dict[str, Any]]:
    """The 200 an idempotent create answers when it repeats an earlier request."""
    return {200: {"model": model, "description": "A repeat of an earlier request: what it made"}}


def _problems_of(route: APIRoute) -> dict[str, str]:
    """The problems the kernel can answer on this route, whatever its handler does."""
    problems = dict(PROBLEMS)
    if route.body_field is not None:
        problems["400"] = "The body cannot be parsed (not well-formed JSON)"
    if "{" in route.path:
        problems["404"] = "No such resource"
    if (route.methods or set()) & WRITES:
        problems["409"] = "The request conflicts with the current state"
    return dict(sorted(problems.items()))


def roles_of(route: APIRoute) -> list[str] | None:
    return auth.roles_of(route.dependant.dependencies)


def _document_roles_and_problems(router: APIRouter) -> None:
    """Idempotent: the same router may serve several apps (tests, standalone)."""
    for route in router.routes:
        included = getattr(route, "original_router", None)  # a router included in this one
        if isinstance(included, APIRouter):
            _document_roles_and_problems(included)
        if not isinstance(route, APIRoute):
            continue
        roles = roles_of(route)
        responses: dict[int | str, dict[str, Any]] = {
            status: {
                "description": text_,
                "content": {PROBLEM_MEDIA_TYPE: {"schema": openapi.PROBLEM_REF}},
            }
            for status, text_ in _problems_of(route).items()
            if roles is not None or status == "503"
        }
        route.responses = {**responses, **route.responses}
        if roles is not None:
            route.openapi_extra = {**(route.openapi_extra or {}), "x-roles": roles}
            doc = inspect.cleandoc(route.endpoint.__doc__ or "")
            route.description = f"Roles: {', '.join(roles)}.\n\n{doc}".strip()


def app_for(spec: ServiceSpec, settings: ServiceSettings | None = None) -> FastAPI:
    """A service's API app, with its settings from the environment unless given."""
    settings = settings or spec.settings_type()
    return create_app(Runtime(spec, settings), migrate_on_start=settings.migrate_on_start)


def serve(spec: ServiceSpec) -> None:
    """Run one service's API process."""
    settings = spec.settings_type()
    logs.configure(settings.log_level)
    app = app_for(spec, settings)
    uvicorn.run(
        app,
        host=settings.api_host,
        port=settings.api_port,
        log_config=logs.logging_config(settings.log_level),
        access_log=False,
    )
