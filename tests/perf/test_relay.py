"""The relay wakes on commit (PostgreSQL LISTEN/NOTIFY) rather than polling, and recovers it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import select

from shared.events.cloudevents import Message
from shared.outbox import Relay, outbox, publish
from shared.service import Runtime
from tests.kernel.things import ThingHappened


class Recorder:
    """A publisher that notes when each record reached it."""

    def __init__(self) -> None:
        self.arrived: list[tuple[float, Message]] = []
        self.more = asyncio.Event()

    async def publish(self, messages: Sequence[Message]) -> None:
        now = asyncio.get_running_loop().time()
        self.arrived += [(now, m) for m in messages]
        self.more.set()

    async def until(self, count: int, seconds: float = 5) -> None:
        async with asyncio.timeout(seconds):
            while len(self.arrived) < count:
                self.more.clear()
                await self.more.wait()


@asynccontextmanager
async def given_relay(runtime: Runtime, poll: float) -> AsyncIterator[Recorder]:
    recorder = Recorder()
    relay = Relay("things", runtime.sessions, recorder, runtime.clock, batch_size=50)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop, poll))
    await asyncio.sleep(0.5)  # listening, and the first empty pass done
    try:
        yield recorder
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def commit_one(runtime: Runtime, sequence: int) -> float:
    async with runtime.sessions() as session, session.begin():
        await publish(session, ThingHappened(thing_id="wake", sequence=sequence))
    return asyncio.get_running_loop().time()


async def test_a_commit_wakes_the_relay_at_once_although_its_poll_is_thirty_seconds(
    things_runtime: Callable[..., Runtime],
) -> None:
    runtime = things_runtime()
    async with given_relay(runtime, poll=30) as recorder:
        delays = []
        for sequence in range(5):
            committed = await commit_one(runtime, sequence)
            await recorder.until(sequence + 1)
            delays.append(recorder.arrived[sequence][0] - committed)

    assert max(delays) < 0.5, delays  # the safety-net poll while listening is a second


async def test_rows_committed_while_the_relay_was_busy_or_away_are_sent_in_order(
    things_runtime: Callable[..., Runtime],
) -> None:
    runtime = things_runtime()
    for sequence in range(120):  # before the relay listens: found by its first pass
        await commit_one(runtime, sequence)
    async with given_relay(runtime, poll=30) as recorder:
        for sequence in range(120, 130):
            await commit_one(runtime, sequence)
        await recorder.until(130)

    sent = [ThingHappened.model_validate_json(m.value).sequence for _, m in recorder.arrived]
    assert sent == list(range(130))
    async with runtime.sessions() as session:
        marks: list[datetime | None] = list((await session.scalars(select(outbox.c.sent_at))).all())
    assert all(mark is not None for mark in marks)
