"""The base event contract: frozen facts, registered by versioned type, keyed for ordering."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

TYPE_PREFIX = "uk.nhs.llr"
_registry: dict[str, type[Event]] = {}


class EventPart(BaseModel):
    """A value nested inside an event: frozen, and strict about its fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(BaseModel):
    """A past-tense fact. Subclasses set `topic` and `key` (the field that orders the stream)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: ClassVar[str]
    key: ClassVar[str]
    type_version: ClassVar[int] = 1
    abstract: ClassVar[bool] = False  # a family's base (topic and key) that is never sent itself

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.__dict__.get("abstract", False) or not hasattr(cls, "topic"):
            return
        name = cls.event_type()
        if name in _registry and _registry[name] is not cls:
            raise TypeError(f"event type {name} is registered twice")
        _registry[name] = cls

    @classmethod
    def event_type(cls) -> str:
        producer = cls.topic.split(".")[0]
        return f"{TYPE_PREFIX}.{producer}.{cls.__name__}.v{cls.type_version}"

    def subject(self) -> str:
        return str(getattr(self, self.key))


def registered() -> dict[str, type[Event]]:
    return dict(_registry)


def event_class(event_type: str) -> type[Event]:
    try:
        return _registry[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None


class UnknownEventType(LookupError):
    pass


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
