"""The training service's routes: parse, handle, commit, respond."""

from fastapi import APIRouter

from services.training.api import competence, plans, reports, workers

router = APIRouter()
for part in (workers, plans, competence, reports):
    router.include_router(part.router)
