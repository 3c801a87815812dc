"""How the governance API starts."""

from pathlib import Path

from fastapi import FastAPI

from services import governance as package
from services.governance import api
from services.governance.handlers.webhook_relay import deliver_webhooks
from services.governance.models import Base
from services.governance.settings import Settings
from services.governance.subscriptions import SUBSCRIPTIONS
from shared import web
from shared.events import governance as events
from shared.service import ServiceSpec

SPEC = ServiceSpec(
    name="governance",
    title="Governance service",
    description=package.__doc__ or "",
    router=api.router,
    metadata=Base.metadata,
    subscriptions=SUBSCRIPTIONS,
    migrations_dir=Path(__file__).parent / "migrations",
    settings_type=Settings,
    publishes=events.PUBLISHED,
    jobs=(deliver_webhooks,),
)


def create_app(settings: Settings | None = None) -> FastAPI:
    return web.app_for(SPEC, settings)


if __name__ == "__main__":
    web.serve(SPEC)
