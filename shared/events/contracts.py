"""The event contracts as documents: committed JSON Schemas (additive only) and AsyncAPI 3."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from shared.events import Event, registered

PRODUCERS = ("assessment", "delegation", "training", "funding", "governance", "operations")
SCHEMA_DIR = Path(__file__).parent / "schemas"


def all_events() -> dict[str, type[Event]]:
    for producer in PRODUCERS:
        importlib.import_module(f"shared.events.{producer}")
    return {name: cls for name, cls in registered().items() if cls.__module__.startswith("shared.")}


def schema_of(event: type[Event]) -> dict[str, Any]:
    schema = event.model_json_schema()
    schema["$id"] = event.event_type()
    schema["x-topic"] = event.topic
    schema["x-key"] = event.key
    return schema


def export(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, event in sorted(all_events().items()):
        path = directory / f"{name}.json"
        path.write_text(json.dumps(schema_of(event), indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written


def breaking_changes(old: dict[str, Any], new: dict[str, Any], where: str = "") -> list[str]:
    """What a consumer built on `old` would trip over in `new`; additions are fine."""
    found = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name, old_prop in old_props.items():
        if name not in new_props:
            found.append(f"{where}{name}: removed")
        elif _kind(old_prop) != _kind(new_props[name]):
            found.append(f"{where}{name}: type {_kind(old_prop)} became {_kind(new_props[name])}")
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        found.append(f"{where}{name}: newly required")
    if old.get("x-topic") != new.get("x-topic") or old.get("x-key") != new.get("x-key"):
        found.append(f"{where}topic or key changed")
    return found


def _kind(prop: dict[str, Any]) -> str:
    if "anyOf" in prop:
        return "|".join(sorted(_kind(p) for p in prop["anyOf"]))
    return str(prop.get("type") or prop.get("$ref") or prop.get("format") or "any")


def check(directory: Path = SCHEMA_DIR) -> list[str]:
    """Problems that fail CI: an uncommitted contract, or a change that is not additive."""
    current = {name: schema_of(event) for name, event in all_events().items()}
    committed = {p.stem: json.loads(p.read_text()) for p in directory.glob("*.json")}
    problems = [
        f"{name}: schema not committed (run `make contracts`)"
        for name in current.keys() - committed.keys()
    ]
    problems += [
        f"{name}: removed; publish a new versioned type instead"
        for name in committed.keys() - current.keys()
    ]
    for name in current.keys() & committed.keys():
        breaking = breaking_changes(committed[name], current[name], f"{name}.")
        if committed[name] != current[name] and not breaking:
            breaking = [f"{name}: changed additively; run `make contracts` to commit it"]
        problems += breaking
    return problems


CLOUDEVENTS_HEADERS: dict[str, Any] = {
    "type": "object",
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject"],
    "properties": {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {"type": "string", "format": "uuid", "description": "Unique; consumers dedupe"},
        "ce_source": {"type": "string", "description": "/llr/<service>"},
        "ce_type": {"type": "string", "description": "uk.nhs.llr.<producer>.<Event>.v<n>"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "description": "The record key (pseudonymous id)"},
        "content-type": {"type": "string", "const": "application/json"},
    },
}


def asyncapi() -> dict[str, Any]:
    """AsyncAPI 3.0 for partner consumers: every topic, its key, and each event's payload."""
    events = all_events()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for name, event in sorted(events.items()):
        message_id = f"{event.__name__}V{event.type_version}"
        messages[message_id] = {
            "name": name,
            "title": event.__name__,
            "summary": (event.__doc__ or "").strip(),
            "contentType": "application/json",
            "headers": CLOUDEVENTS_HEADERS,
            "payload": event.model_json_schema(),
            "bindings": {"kafka": {"key": {"type": "string", "description": event.key}}},
        }
        channel = channels.setdefault(
            event.topic.replace(".", "_"),
            {
                "address": event.topic,
                "description": f"Keyed by {event.key}; one key's events stay in order.",
                "messages": {},
                "bindings": {"kafka": {"topic": event.topic, "partitions": 3}},
            },
        )
        channel["messages"][message_id] = {"$ref": f"#/components/messages/{message_id}"}
    for channel_id, channel in channels.items():
        operations[f"receive_{channel_id}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{m}"} for m in channel["messages"]
            ],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "LLR Integrated Personalised Care events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 in Kafka binary mode; JSON data in the value. "
            "Events carry pseudonymous ids, never names, addresses or NHS "
            "numbers.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }
