"""The governance service's routes: parse, handle, commit, respond."""

from fastapi import APIRouter

from services.governance.api import board, cases, monitoring, versions

router = APIRouter()
for part in (versions, board, cases, monitoring):
    router.include_router(part.router)
