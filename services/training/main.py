"""How the training API starts."""

from pathlib import Path

from fastapi import FastAPI

from services import training as package
from services.training import api
from services.training.handlers.expiry import competence_expiry_job
from services.training.models import Base
from services.training.settings import Settings
from services.training.subscriptions import SUBSCRIPTIONS
from shared import web
from shared.events import training as events
from shared.service import ServiceSpec

SPEC = ServiceSpec(
    name="training",
    title="Training and competence service",
    description=package.__doc__ or "",
    router=api.router,
    metadata=Base.metadata,
    subscriptions=SUBSCRIPTIONS,
    migrations_dir=Path(__file__).parent / "migrations",
    settings_type=Settings,
    publishes=events.PUBLISHED,
    jobs=(competence_expiry_job,),
)


def create_app(settings: Settings | None = None) -> FastAPI:
    return web.app_for(SPEC, settings)


if __name__ == "__main__":
    web.serve(SPEC)
