"""Events the platform itself publishes for operations teams, on `platform.dead-letters`."""

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from shared.events import Event


class MessageParked(Event):
    """Emitted when a consumer gives up on a message after its retries and parks it (replayable).

    It says what kind of error, never the error's text (which can hold the event's values): the
    full error stays in the owning service's `dead_letters` table, for its operators."""

    topic: ClassVar[str] = "platform.dead-letters"
    key: ClassVar[str] = "service"

    service: str
    dead_letter_id: int
    source_topic: str
    partition: int
    offset: int
    ce_type: str | None
    ce_id: str | None
    error: str  # the error's type name (`NotFound`, `ValidationError`), never its text
    attempts: int
    parked_at: datetime
    # A short code: `unknown-type`, `undecodable`, `database`, `handler-failed`, or a domain
    # error's kind (`not-found`; `rule-violation:R16` with its rule).
    error_code: str | None = None


PUBLISHED: Sequence[type[Event]] = (MessageParked,)
