"""Standalone mode: the five services in one process, SQLite files, events carried in-process."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from services import registry
from shared import logs, web
from shared.clock import Clock
from shared.headers import SecurityHeaders
from shared.service import Runtime
from shared.transport import InProcessBus
from shared.worker import relay_for, run_jobs


def runtimes(data_dir: Path, clock: Clock | None = None) -> list[Runtime]:
    data_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for service in registry.SERVICES:
        service_settings = service.spec.settings_type(
            database_url=f"sqlite+aiosqlite:///{data_dir / service.name}.db",
            dev_signing_key_file=data_dir / "dev-signing-key.pem",
        )
        made.append(Runtime(service.spec, service_settings, clock))
    return made


def create_app(data_dir: Path = Path("data"), clock: Clock | None = None) -> FastAPI:
    """One app with each service mounted at /<name>; relays deliver to the inboxes in-process."""
    services = runtimes(data_dir, clock)
    apps = {rt.spec.name: web.create_app(rt, migrate_on_start=True) for rt in services}

    @asynccontextmanager
    async def lifespan(_root: FastAPI) -> AsyncIterator[None]:
        bus = InProcessBus()
        stop = asyncio.Event()
        async with AsyncExitStack() as stack:
            for app in apps.values():
                await stack.enter_async_context(app.router.lifespan_context(app))
            for rt in services:
                for topic in rt.spec.consumed_topics:
                    bus.subscribe(topic, rt.inbox.deliver)
            loops = [
                relay_for(rt, bus).run(stop, rt.settings.relay_interval_seconds) for rt in services
            ]
            loops += [run_jobs(rt, rt.spec.jobs, stop) for rt in services]
            tasks = [asyncio.create_task(loop) for loop in loops]
            yield
            stop.set()
            await asyncio.gather(*tasks)

    root = FastAPI(
        title="LLR Integrated Personalised Care (standalone)",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    root.add_middleware(SecurityHeaders)
    for name, app in apps.items():
        root.mount(f"/{name}", app)

    @root.get("/", include_in_schema=False)
    async def index() -> RedirectResponse:
        return RedirectResponse("/governance/docs")

    root.state.runtimes = {rt.spec.name: rt for rt in services}
    return root


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the whole platform in one process")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data", type=Path, default=Path("data"))
    args = parser.parse_args(argv)
    logs.configure("WARNING")
    base = f"http://{args.host}:{args.port}"
    print("LLR Integrated Personalised Care, standalone; the services' documents:")
    for service in registry.SERVICES:
        print(f"  {service.spec.title:34} {base}/{service.name}/docs")
    print(f"Data in {args.data.resolve()}; stop with Ctrl-C.", flush=True)
    uvicorn.run(create_app(args.data), host=args.host, port=args.port, log_config=None)


if __name__ == "__main__":
    main()
