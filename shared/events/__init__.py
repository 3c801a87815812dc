"""The base event contract: frozen facts with a versioned type, keyed for ordering.

Readers are tolerant: a field they do not know is ignored, so a producer may add one (an additive
change, `make lint`) before every consumer is redeployed. Each producer module in this package
lists what it publishes in `PUBLISHED`; nothing registers itself when a class is defined.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

TYPE_PREFIX = "uk.nhs.llr"

# Unknown fields are dropped, not refused; the JSON Schemas say so (`additionalProperties: true`).
TOLERANT = ConfigDict(frozen=True, extra="ignore", json_schema_extra={"additionalProperties": True})


class EventPart(BaseModel):
    """A value nested inside an event: frozen; fields it does not know are ignored."""

    model_config = TOLERANT


class Event(BaseModel):
    """A past-tense fact. Subclasses set `topic` and `key` (the field that orders the stream)."""

    model_config = TOLERANT

    topic: ClassVar[str]
    key: ClassVar[str]
    type_version: ClassVar[int] = 1
    abstract: ClassVar[bool] = False  # a family's base (topic and key) that is never sent itself

    @classmethod
    def event_type(cls) -> str:
        producer = cls.topic.split(".")[0]
        return f"{TYPE_PREFIX}.{producer}.{cls.__name__}.v{cls.type_version}"

    def subject(self) -> str:
        return str(getattr(self, self.key))


def new_event_id() -> uuid.UUID:
    return uuid.uuid4()


class Envelope(BaseModel):
    """What travels with an event: the CloudEvents attributes."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID
    source: str
    type: str
    time: datetime
    subject: str
