"""The event contracts as documents: committed JSON Schemas (reader-safe changes only), AsyncAPI 3.

What is published comes from each producer module's `PUBLISHED` list (the services' specs name the
same lists); nothing is discovered from subclasses. A change passes the check only when every reader
built on the committed schema still reads what the new one allows, and the other way round (the
producer and its consumers are deployed in any order): see `breaking_changes`.
"""

from __future__ import annotations

import copy
import functools
import importlib
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from shared.events import Event

PRODUCERS = ("assessment", "delegation", "training", "funding", "governance", "operations")
SCHEMA_DIR = Path(__file__).parent / "schemas"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
COMPONENTS = "#/components/schemas/"


def published(producers: Iterable[str] = PRODUCERS) -> tuple[type[Event], ...]:
    """Every event the platform publishes, from each producer module's `PUBLISHED` list."""
    events: list[type[Event]] = []
    for producer in producers:
        events += importlib.import_module(f"shared.events.{producer}").PUBLISHED
    return tuple(events)


def all_events(events: Iterable[type[Event]] | None = None) -> dict[str, type[Event]]:
    """The events by versioned type (all published ones unless given); a type named twice fails."""
    by_type: dict[str, type[Event]] = {}
    for event in published() if events is None else events:
        name = event.event_type()
        if by_type.setdefault(name, event) is not event:
            raise ValueError(f"event type {name} is published by two classes")
    return dict(sorted(by_type.items()))


# --- JSON Schemas, one file per versioned type -------------------------------------------------


def schema_of(event: type[Event]) -> dict[str, Any]:
    schema = event.model_json_schema()
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["$id"] = event.event_type()
    schema["x-topic"] = event.topic
    schema["x-key"] = event.key
    return schema


def export(directory: Path = SCHEMA_DIR, events: Iterable[type[Event]] | None = None) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, event in all_events(events).items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(schema_of(event), indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written


def check(directory: Path = SCHEMA_DIR, events: Iterable[type[Event]] | None = None) -> list[str]:
    """Problems that fail CI: an uncommitted contract, or a change that would break a reader."""
    current = {name: schema_of(event) for name, event in all_events(events).items()}
    committed = {p.stem: json.loads(p.read_text()) for p in directory.glob("*.json")}
    problems = [
        f"{name}: schema not committed (run `make contracts`)"
        for name in sorted(current.keys() - committed.keys())
    ]
    problems += [
        f"{name}: removed; keep publishing it until no consumer needs it"
        for name in sorted(committed.keys() - current.keys())
    ]
    for name in sorted(current.keys() & committed.keys()):
        breaking = breaking_changes(committed[name], current[name], f"{name}.")
        if committed[name] != current[name] and not breaking:
            breaking = [f"{name}: changed additively; run `make contracts` to commit it"]
        problems += breaking
    return problems


# --- What breaks a reader ----------------------------------------------------------------------


def breaking_changes(old: dict[str, Any], new: dict[str, Any], where: str = "") -> list[str]:
    """What a reader built on `old` would trip over in `new`, or a reader built on `new` in `old`.

    Walks properties, nested objects (also behind `$ref` into `$defs`), array items, `anyOf`
    alternatives and enums. Breaking: a removed (or renamed) field, a changed type or format, a
    field newly required or no longer required, an enum member removed or added (the platform's
    readers refuse a value they do not know), a changed topic or key. Additive: a new optional
    field, a new `$defs` entry, descriptions, titles, defaults.
    """
    found: list[str] = []
    if old.get("x-topic") != new.get("x-topic") or old.get("x-key") != new.get("x-key"):
        found.append(f"{where}topic or key changed")
    _compare(_Doc(old), old, _Doc(new), new, where, found, set())
    return found


class _Doc:
    """One schema document, to resolve its local `$ref`s (`#/$defs/X`, `#/components/schemas/X`)."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    def resolve(self, node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        ref = None
        while "$ref" in node or len(node.get("allOf", ())) == 1:
            if "$ref" in node:
                ref = node["$ref"]
                target: Any = self.root
                for part in ref.removeprefix("#/").split("/"):
                    target = target.get(part, {}) if isinstance(target, dict) else {}
                node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            else:  # a single-element allOf wraps a $ref to give it siblings
                [inner] = node["allOf"]
                node = {**inner, **{k: v for k, v in node.items() if k != "allOf"}}
        return node, ref


def _compare(
    old_doc: _Doc,
    old: dict[str, Any],
    new_doc: _Doc,
    new: dict[str, Any],
    where: str,
    found: list[str],
    seen: set[tuple[str | None, str | None]],
) -> None:
    old_alts, new_alts = _alternatives(old_doc, old), _alternatives(new_doc, new)
    if set(old_alts) != set(new_alts):
        found.append(f"{where.rstrip('.')}: type {_show(old_alts)} became {_show(new_alts)}")
        return
    for kind, (old_alt, old_ref) in old_alts.items():
        new_alt, new_ref = new_alts[kind]
        if old_ref is not None or new_ref is not None:
            if (old_ref, new_ref) in seen:
                continue  # a recursive definition, already being compared
            seen = seen | {(old_ref, new_ref)}
        if kind.startswith("enum"):
            old_members, new_members = _members(old_alt), _members(new_alt)
            removed = [v for v in old_members if v not in new_members]
            added = [v for v in new_members if v not in old_members]
            if removed:
                found.append(f"{where.rstrip('.')}: enum member(s) {removed} removed")
            if added:
                found.append(f"{where.rstrip('.')}: enum member(s) {added} added")
        elif kind == "object":
            _compare_objects(old_doc, old_alt, new_doc, new_alt, where, found, seen)
        elif kind == "array" and ("items" in old_alt or "items" in new_alt):
            _compare(
                old_doc, old_alt.get("items", {}), new_doc, new_alt.get("items", {}),
                f"{where.rstrip('.')}[].", found, seen,
            )  # fmt: skip


def _compare_objects(
    old_doc: _Doc,
    old: dict[str, Any],
    new_doc: _Doc,
    new: dict[str, Any],
    where: str,
    found: list[str],
    seen: set[tuple[str | None, str | None]],
) -> None:
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for name, old_prop in old_props.items():
        if name not in new_props:
            found.append(f"{where}{name}: removed")
            continue
        _compare(old_doc, old_prop, new_doc, new_props[name], f"{where}{name}.", found, seen)
        if name in old_required and name not in new_required:
            found.append(f"{where}{name}: no longer required")
    for name in sorted(new_required - old_required):
        found.append(f"{where}{name}: newly required")
    old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
    if isinstance(old_extra, dict) and isinstance(new_extra, dict):
        _compare(old_doc, old_extra, new_doc, new_extra, f"{where}{{}}.", found, seen)
    elif old_extra is not False and new_extra is False:
        found.append(f"{where.rstrip('.') or '(event)'}: unknown fields no longer allowed")


Alternatives = dict[str, tuple[dict[str, Any], str | None]]


def _alternatives(doc: _Doc, node: dict[str, Any]) -> Alternatives:
    """A schema's alternatives by kind (`string/uuid`, `object`, `enum/string`, `null`, ...),
    each resolved, with the `$ref` it came through."""
    resolved, ref = doc.resolve(node)
    alternatives = resolved.get("anyOf") or resolved.get("oneOf")
    if alternatives:
        found: Alternatives = {}
        for alternative in alternatives:
            found.update(_alternatives(doc, alternative))
        return found
    return {_kind(resolved): (resolved, ref)}


def _kind(node: dict[str, Any]) -> str:
    if "const" in node:
        return f"enum/{node.get('type', 'any')}"
    if "enum" in node:
        return f"enum/{node.get('type', 'any')}"
    kind = node.get("type") or ("object" if "properties" in node else "any")
    if isinstance(kind, list):
        kind = "|".join(sorted(kind))
    return f"{kind}/{node['format']}" if "format" in node else str(kind)


def _members(node: dict[str, Any]) -> list[Any]:
    return list(node["enum"]) if "enum" in node else [node["const"]]


def _show(alternatives: Alternatives) -> str:
    return "|".join(sorted(alternatives))


# --- AsyncAPI 3 ------------------------------------------------------------------------------

CLOUDEVENTS_HEADERS: dict[str, Any] = {
    "type": "object",
    "title": "CloudEvents 1.0 Kafka binary-mode headers",
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject"],
    "properties": {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {"type": "string", "format": "uuid", "description": "Unique; consumers dedupe"},
        "ce_source": {"type": "string", "description": "/llr/<service> that published it"},
        "ce_type": {"type": "string", "description": "uk.nhs.llr.<producer>.<Event>.v<n>"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "description": "The record key (pseudonymous id)"},
        "content-type": {"type": "string", "const": "application/json"},
    },
}

SECURITY_SCHEMES: dict[str, Any] = {
    "saslScram": {
        "type": "scramSha512",
        "description": "SASL_SSL: SASL SCRAM-SHA-512 over TLS, the platform's own listener.",
    },
    "saslPlain": {
        "type": "plain",
        "description": "SASL_SSL: SASL PLAIN over TLS, where the partner's broker uses it.",
    },
    "mutualTls": {
        "type": "X509",
        "description": "TLS (SSL): a client certificate signed by the platform's CA.",
    },
}

SERVERS: dict[str, Any] = {
    "production": {
        "host": "{bootstrap}",
        "protocol": "kafka-secure",
        "title": "The platform's Apache Kafka cluster",
        "description": "TLS only: SASL_SSL (SCRAM-SHA-512 or PLAIN) or mutual TLS. Topic names "
        "carry the deployment's namespace prefix (`LLR_TOPIC_NAMESPACE`), empty in production.",
        "variables": {
            "bootstrap": {
                "default": "kafka:9093",
                "description": "A bootstrap host:port of the cluster, given to each partner.",
            }
        },
        "security": [{"$ref": f"#/components/securitySchemes/{name}"} for name in SECURITY_SCHEMES],
        "bindings": {"kafka": {"bindingVersion": KAFKA_BINDING_VERSION}},
    },
    "development": {
        "host": "localhost:9092",
        "protocol": "kafka",
        "title": "A laptop's Kafka (deploy/local, docker compose)",
        "description": "PLAINTEXT, no authentication: for development and tests only.",
        "bindings": {"kafka": {"bindingVersion": KAFKA_BINDING_VERSION}},
    },
}

EXAMPLE_STRINGS = {
    "task_code": "PEG-FEED",
    "task_codes": "PEG-FEED",
    "name": "Enteral feeding via PEG",
    "title": "Enteral feeding via PEG",
    "gp_practice": "C82001",
    "local_authority": "Leicestershire County Council",
    "organisation": "LPT",
    "accountable_organisation": "LPT",
    "provider_organisation": "Example Care Ltd",
    "payer": "LLR-ICB",
    "payee": "Leicestershire County Council",
    "raised_by": "LLR-ICB",
    "parties": "LLR-ICB",
    "from_owner": "LPT",
    "to_owner": "GP-C82001",
    "oversight_owner": "LPT",
    "characteristic": "age_band",
    "value": "65-74",
    "measure": "proposals",
    "rule": "R10",
    "service": "delegation",
    "source_topic": "assessment.person",
    "ce_type": "uk.nhs.llr.assessment.PersonRegistered.v1",
    "ce_id": "0b7e6a52-3f7c-4f0e-9a57-3d1f0c2b9e11",
    "error": "ValueError('example')",
    "snomed_concept_id": "404684003",
    "snomed_display": "Clinical finding",
}
EXAMPLE_DATE = date(2026, 4, 1)
EXAMPLE_TIME = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def example_of(event: type[Event]) -> Event:
    """An instance of the event with a plausible value in every field (deterministic)."""
    schema = event.model_json_schema()
    return event.model_validate(_example(_Doc(schema), schema, event.__name__, ""))


def _example(doc: _Doc, node: dict[str, Any], owner: str, field: str) -> Any:
    node, _ = doc.resolve(node)
    alternatives = [a for a in node.get("anyOf", []) if a.get("type") != "null"]
    if alternatives:
        return _example(doc, alternatives[0], owner, field)
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][0]
    kind, fmt = node.get("type"), node.get("format")
    if kind == "object" or "properties" in node:
        return {
            name: _example(doc, prop, owner, name)
            for name, prop in node.get("properties", {}).items()
        }
    if kind == "array":
        return [_example(doc, node.get("items", {}), owner, field)]
    if kind == "boolean":
        return True
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if fmt == "uuid":
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:llr:example:{owner}:{field}"))
    if fmt == "date":
        return EXAMPLE_DATE.isoformat()
    if fmt == "date-time":
        return EXAMPLE_TIME.isoformat()
    return EXAMPLE_STRINGS.get(field, f"example {field}".strip())


def asyncapi(events: Iterable[type[Event]] | None = None) -> dict[str, Any]:
    """AsyncAPI 3 for partners: every topic the platform sends on, its key, each event's payload.

    Made once per list of events (each API serves it at /asyncapi.json); the caller gets a copy.
    """
    return copy.deepcopy(_asyncapi(tuple(all_events(events).values())))


@functools.cache
def _asyncapi(events: tuple[type[Event], ...]) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    for event in events:
        name = event.event_type()
        message_id = f"{event.__name__}V{event.type_version}"
        _add_schemas(schemas, message_id, event)
        example = example_of(event)
        messages[message_id] = {
            "name": name,
            "title": event.__name__,
            "summary": (event.__doc__ or "").strip(),
            "contentType": "application/json",
            "headers": _headers_of(event),
            "payload": {"$ref": f"{COMPONENTS}{message_id}"},
            "correlationId": {
                "description": "The CloudEvents id: consumers apply each id once",
                "location": "$message.header#/ce_id",
            },
            "bindings": {
                "kafka": {
                    "key": {"type": "string", "description": f"The event's {event.key}"},
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
            "examples": [
                {
                    "name": f"{event.__name__}Example",
                    "summary": f"A {event.__name__} as it travels on {event.topic}",
                    "headers": _example_headers(event, example),
                    "payload": example.model_dump(mode="json"),
                }
            ],
        }
        channel_id = event.topic.replace(".", "_").replace("-", "_")
        channel = channels.setdefault(
            channel_id,
            {
                "address": event.topic,
                "title": event.topic,
                "description": f"Keyed by {event.key}: one key's events stay in order. "
                "CloudEvents 1.0 in Kafka binary mode. Readers ignore fields they do not know.",
                "messages": {},
                "bindings": {
                    "kafka": {"topic": event.topic, "bindingVersion": KAFKA_BINDING_VERSION}
                },
            },
        )
        channel["messages"][message_id] = {"$ref": f"#/components/messages/{message_id}"}
    operations = {
        f"send_{channel_id}": {
            "action": "send",
            "title": f"The platform sends on {channel['address']}",
            "summary": f"Events published on {channel['address']}, from each service's outbox.",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{m}"} for m in channel["messages"]
            ],
        }
        for channel_id, channel in channels.items()
    }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "LLR Integrated Personalised Care events",
            "version": "1.0.0",
            "description": "The events the platform sends: CloudEvents 1.0 in Kafka binary mode "
            "(`ce_*` headers), JSON data in the value. Events carry pseudonymous ids, never names, "
            "addresses or NHS numbers. Readers must ignore fields they do not know: producers add "
            "optional fields without a new version; any other change is a new versioned type.",
            "contact": {"name": "LLR Integrated Personalised Care platform team"},
        },
        "defaultContentType": "application/json",
        "servers": SERVERS,
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "messages": messages,
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


def _add_schemas(schemas: dict[str, Any], schema_id: str, event: type[Event]) -> None:
    """The event's payload and its nested definitions, into one components.schemas section."""
    schema = event.model_json_schema(ref_template=COMPONENTS + "{model}")
    definitions = {schema_id: schema, **schema.pop("$defs", {})}
    for name, definition in definitions.items():
        if schemas.setdefault(name, definition) != definition:
            raise ValueError(f"two different schemas are both called {name}: rename one")


def _headers_of(event: type[Event]) -> dict[str, Any]:
    headers = copy.deepcopy(CLOUDEVENTS_HEADERS)
    headers["properties"]["ce_type"]["const"] = event.event_type()
    headers["properties"]["ce_subject"]["description"] = f"The record key: the event's {event.key}"
    return headers


def _example_headers(event: type[Event], example: Event) -> dict[str, str]:
    producer = event.topic.split(".")[0]
    return {
        "ce_specversion": "1.0",
        "ce_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:llr:example:{event.event_type()}")),
        "ce_source": f"/llr/{'delegation' if producer == 'platform' else producer}",
        "ce_type": event.event_type(),
        "ce_time": EXAMPLE_TIME.isoformat(),
        "ce_subject": example.subject(),
        "content-type": "application/json",
    }
