"""What a service is (its spec) and what it holds while it runs (its runtime)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared import migrations, organisations, tracing
from shared.auth import TokenVerifier
from shared.clock import Clock, OffsetFileClock, SystemClock
from shared.db import create_engine, sessionmaker
from shared.events import Event
from shared.inbox import Inbox, Subscriptions, topics_of
from shared.settings import ServiceSettings

Job = Callable[[AsyncSession], Awaitable[int]]


@dataclass(frozen=True)
class ServiceSpec:
    """Everything the app factory, the worker and standalone mode need to know of a service."""

    name: str
    title: str
    description: str
    router: APIRouter
    metadata: MetaData
    subscriptions: Subscriptions
    migrations_dir: Path
    settings_type: type[ServiceSettings] = ServiceSettings
    publishes: Sequence[type[Event]] = ()
    jobs: Sequence[Job] = field(default_factory=tuple)

    @property
    def consumed_topics(self) -> list[str]:
        return topics_of(self.subscriptions)

    @property
    def published_topics(self) -> list[str]:
        return sorted({event.topic for event in self.publishes})


class Runtime:
    """One service's live resources in one process."""

    def __init__(
        self,
        spec: ServiceSpec,
        settings: ServiceSettings,
        clock: Clock | None = None,
        verifier: TokenVerifier | None = None,
    ) -> None:
        self.spec = spec
        self.settings = settings
        tracing.configure(spec.name, settings.otel_exporter_endpoint)
        self.clock = clock or (
            OffsetFileClock(settings.clock_offset_file)
            if settings.clock_offset_file
            else SystemClock()
        )
        self.engine: AsyncEngine = create_engine(settings.database_url)
        self.sessions: async_sessionmaker[AsyncSession] = sessionmaker(
            self.engine, service=spec.name, clock=self.clock, settings=settings
        )
        self.verifier = verifier or TokenVerifier(settings)
        self.inbox = Inbox(
            spec.name,
            self.sessions,
            spec.subscriptions,
            self.clock,
            attempts=settings.consumer_attempts,
            backoff=settings.consumer_backoff_seconds,
        )

        self.register = organisations.Register(self.sessions)

    async def migrate(self) -> None:
        """Upgrade the schema, then add the register's seed entries it does not hold yet."""
        await migrations.upgrade(self.engine, self.spec.migrations_dir)
        async with self.sessions() as session:
            await organisations.seed(session, self.settings.organisations_file)
            await session.commit()

    async def close(self) -> None:
        await self.engine.dispose()
