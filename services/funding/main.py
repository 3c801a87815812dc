"""How the funding API starts."""

from pathlib import Path

from fastapi import FastAPI

from services import funding as package
from services.funding import api
from services.funding.models import Base
from services.funding.settings import Settings
from services.funding.subscriptions import SUBSCRIPTIONS
from shared import web
from shared.events import funding as events
from shared.service import ServiceSpec

SPEC = ServiceSpec(
    name="funding",
    title="Funding service",
    description=package.__doc__ or "",
    router=api.router,
    metadata=Base.metadata,
    subscriptions=SUBSCRIPTIONS,
    migrations_dir=Path(__file__).parent / "migrations",
    settings_type=Settings,
    publishes=events.PUBLISHED,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    return web.app_for(SPEC, settings)


if __name__ == "__main__":
    web.serve(SPEC)
