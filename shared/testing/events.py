"""Test helpers for events: deliver one to a service as its worker would; read its outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from shared.events import Envelope, Event, new_event_id
from shared.events.cloudevents import Message, classes_of, decode, headers_for
from shared.events.operations import MessageParked
from shared.outbox import outbox, to_message
from shared.service import Runtime


def message_for(event: Event, source: str = "/llr/test") -> Message:
    """The record a transport would hand the inbox for this event (a fresh event id each call)."""
    envelope = Envelope(
        id=new_event_id(),
        source=source,
        type=event.event_type(),
        time=datetime.now(UTC),
        subject=event.subject(),
    )
    return Message(
        topic=event.topic,
        key=event.subject().encode(),
        value=event.model_dump_json().encode(),
        headers=headers_for(envelope),
    )


async def deliver(runtime: Runtime, *events: Event) -> None:
    """Apply events through the service's inbox, exactly as the worker does."""
    for event in events:
        await runtime.inbox.deliver(message_for(event))


async def published(runtime: Runtime, kind: type[Event] | None = None) -> list[Event]:
    """The events the service has written to its outbox, oldest first, optionally of one kind."""
    classes = classes_of([*runtime.spec.publishes, MessageParked, *([kind] if kind else [])])
    async with runtime.sessions() as session:
        query = select(outbox).order_by(outbox.c.id)
        if kind is not None:
            query = query.where(outbox.c.type == kind.event_type())
        rows = (await session.execute(query)).mappings().all()
    return [decode(to_message(row, ""), classes)[1] for row in rows]
