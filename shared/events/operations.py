"""Events the platform itself publishes for operations teams, on `platform.dead-letters`."""

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from shared.events import Event


class MessageParked(Event):
    """Emitted when a consumer gives up on a message after its retries and parks it (replayable)."""

    topic: ClassVar[str] = "platform.dead-letters"
    key: ClassVar[str] = "service"

    service: str
    dead_letter_id: int
    source_topic: str
    partition: int
    offset: int
    ce_type: str | None
    ce_id: str | None
    error: str
    attempts: int
    parked_at: datetime


PUBLISHED: Sequence[type[Event]] = (MessageParked,)
