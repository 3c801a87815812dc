"""Issue 20: a service asked more than its connection pool holds answers 503 (try again
shortly), not 500: `bench.reads` found the lists answering 500 at 50 requests a second."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from sqlalchemy.exc import TimeoutError as PoolTimeout

from shared.problems import install_problem_handlers
from tests.conftest import given_client


async def test_every_connection_busy_is_a_503_problem_to_retry_not_a_500() -> None:
    app = FastAPI()
    install_problem_handlers(app)
    router = APIRouter()

    @router.get("/busy")
    async def busy() -> None:
        raise PoolTimeout("QueuePool limit of size 10 overflow 10 reached")

    app.include_router(router)
    async with given_client(app) as client:
        response = await client.get("/busy")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/unavailable")
    assert "QueuePool" not in response.text
