"""The baseline: a bare FastAPI endpoint that inserts one row into PostgreSQL and answers."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import Column, MetaData, String, Table, Uuid, insert
from sqlalchemy.ext.asyncio import create_async_engine

metadata = MetaData()
rows = Table(
    "baseline_rows",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("body", String(200), nullable=False),
)
engine = create_async_engine(os.environ["BENCH_DATABASE_URL"], pool_size=10, max_overflow=10)


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


class Body(BaseModel):
    text: str


@app.post("/rows", status_code=201)
async def create_row(body: Body) -> dict[str, str]:
    row_id = uuid.uuid4()
    async with engine.begin() as connection:
        await connection.execute(insert(rows).values(id=row_id, body=body.text))
    return {"id": str(row_id)}


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
