"""CloudEvents 1.0, Kafka protocol binding, binary content mode."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from shared.events import Envelope, Event

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
_SPEC_VERSION = SPEC_VERSION.encode()
_CONTENT_TYPE = CONTENT_TYPE.encode()
_REQUIRED = ("ce_id", "ce_source", "ce_type", "ce_time")

EventClasses = Mapping[str, type[Event]]  # the event types a consumer knows: type -> class


class Message(NamedTuple):
    """A record as it travels on a topic (a named tuple: the relay makes one per row)."""

    topic: str
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    partition: int = -1
    offset: int = -1

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value.decode()
        return None


def headers_of(
    event_id: uuid.UUID, source: str, type_: str, time: datetime, subject: str
) -> tuple[tuple[str, bytes], ...]:
    return (
        ("ce_specversion", _SPEC_VERSION),
        ("ce_id", str(event_id).encode()),
        ("ce_source", source.encode()),
        ("ce_type", type_.encode()),
        ("ce_time", time.isoformat().encode()),
        ("ce_subject", subject.encode()),
        ("content-type", _CONTENT_TYPE),
    )


def headers_for(envelope: Envelope) -> tuple[tuple[str, bytes], ...]:
    return headers_of(envelope.id, envelope.source, envelope.type, envelope.time, envelope.subject)


class Attributes(NamedTuple):
    """The CloudEvents attributes of a record, as the consumer reads them: no second validation
    (the payload is validated once, by its class; the id is checked as a UUID by the inbox's
    database, where it is stored)."""

    id: str
    source: str
    type: str
    time: datetime
    subject: str


def attributes_of(message: Message) -> Attributes:
    """Raises ValueError when a required CloudEvents header is missing or malformed."""
    found = dict(message.headers)
    get = found.get
    ce_id, source, type_, time = get("ce_id"), get("ce_source"), get("ce_type"), get("ce_time")
    if not (ce_id and source and type_ and time) or get("ce_specversion") != _SPEC_VERSION:
        missing = [name[3:] for name in _REQUIRED if not found.get(name)]
        raise ValueError(f"not a CloudEvents {SPEC_VERSION} record; missing {missing}")
    return Attributes(
        ce_id.decode(),
        _text(source),
        _text(type_),
        datetime.fromisoformat(time.decode()),
        (get("ce_subject") or message.key).decode(),
    )


_TEXTS: dict[bytes, str] = {}


def _text(value: bytes) -> str:
    """A header that repeats across records (a source, a type), decoded once per process."""
    text = _TEXTS.get(value)
    if text is None:
        text = value.decode()
        if len(_TEXTS) < 4096:
            _TEXTS[value] = text
    return text


def decode(message: Message, classes: EventClasses) -> tuple[Attributes, Event]:
    """The attributes and the event, validated by the class the consumer knows for its type."""
    attributes = attributes_of(message)
    try:
        kind = classes[attributes.type]
    except KeyError:
        raise UnknownEventType(attributes.type) from None
    return attributes, kind.model_validate_json(message.value)


def classes_of(kinds: Iterable[type[Event]]) -> dict[str, type[Event]]:
    """Event type -> class, from the event classes a consumer subscribes to or expects."""
    return {kind.event_type(): kind for kind in kinds}


class UnknownEventType(LookupError):
    """A record whose type the consumer has no class for."""
