"""CloudEvents 1.0, Kafka protocol binding, binary content mode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.events import Envelope, Event, event_class

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class Message:
    """A record as it travels on a topic."""

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


def headers_for(envelope: Envelope) -> tuple[tuple[str, bytes], ...]:
    return (
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_id", str(envelope.id).encode()),
        ("ce_source", envelope.source.encode()),
        ("ce_type", envelope.type.encode()),
        ("ce_time", envelope.time.isoformat().encode()),
        ("ce_subject", envelope.subject.encode()),
        ("content-type", CONTENT_TYPE.encode()),
    )


def envelope_of(message: Message) -> Envelope:
    """Raises ValueError when a required CloudEvents header is missing or malformed."""
    values = {name: message.header(f"ce_{name}") for name in ("id", "source", "type", "time")}
    missing = [name for name, value in values.items() if not value]
    if missing or message.header("ce_specversion") != SPEC_VERSION:
        raise ValueError(f"not a CloudEvents {SPEC_VERSION} record; missing {missing}")
    return Envelope(
        id=values["id"],
        source=values["source"],
        type=values["type"],
        time=datetime.fromisoformat(str(values["time"])),
        subject=message.header("ce_subject") or message.key.decode(),
    )


def decode(message: Message) -> tuple[Envelope, Event]:
    envelope = envelope_of(message)
    return envelope, event_class(envelope.type).model_validate_json(message.value)
