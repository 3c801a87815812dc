"""How the delegation API starts."""

from pathlib import Path

from fastapi import FastAPI

from services import delegation as package
from services.delegation import api
from services.delegation.handlers.catalogue import apply_due_rulings
from services.delegation.handlers.delegations import hand_back_on_notice, judge_competence_today
from services.delegation.handlers.handbacks import raise_overdue_handbacks
from services.delegation.handlers.oversight_visits import count_overdue_visits
from services.delegation.handlers.reviews import raise_due_reviews
from services.delegation.models import Base
from services.delegation.settings import Settings
from services.delegation.subscriptions import SUBSCRIPTIONS
from shared import web
from shared.events import delegation as events
from shared.service import ServiceSpec

SPEC = ServiceSpec(
    name="delegation",
    title="Delegation service",
    description=package.__doc__ or "",
    router=api.router,
    metadata=Base.metadata,
    subscriptions=SUBSCRIPTIONS,
    migrations_dir=Path(__file__).parent / "migrations",
    settings_type=Settings,
    publishes=events.PUBLISHED,
    jobs=(
        raise_due_reviews,
        apply_due_rulings,
        hand_back_on_notice,
        judge_competence_today,
        raise_overdue_handbacks,
        count_overdue_visits,
    ),
)


def create_app(settings: Settings | None = None) -> FastAPI:
    return web.app_for(SPEC, settings)


if __name__ == "__main__":
    web.serve(SPEC)
