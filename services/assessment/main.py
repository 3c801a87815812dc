"""How the assessment API starts."""

from pathlib import Path

from fastapi import FastAPI

from services import assessment as package
from services.assessment import api
from services.assessment.models import Base
from services.assessment.settings import Settings
from services.assessment.subscriptions import SUBSCRIPTIONS
from shared import web
from shared.events import assessment as events
from shared.service import ServiceSpec

SPEC = ServiceSpec(
    name="assessment",
    title="Assessment service",
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
