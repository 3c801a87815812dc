"""The AsyncAPI 3 document partners' tools read: the official parser accepts it, every ref
resolves, the platform sends on every channel, servers say how to connect, each message has a
valid example."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from shared.events import contracts
from shared.testing.plugin import repo_root

TOOL = repo_root() / "tools" / "asyncapi"
DOCUMENT = contracts.asyncapi()


def official_parser(path: Path) -> subprocess.CompletedProcess[str]:
    """tools/asyncapi/validate.mjs on the pinned @asyncapi/parser, installed as `make lint` does."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node, "Node.js is needed for the AsyncAPI parser (make lint runs it)"
    assert npm, "npm is needed to install the AsyncAPI parser"
    if not (TOOL / "node_modules" / ".installed").exists():
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=TOOL, check=True, timeout=300,
        )  # fmt: skip
        (TOOL / "node_modules" / ".installed").touch()
    return subprocess.run(
        [node, str(TOOL / "validate.mjs"), str(path)], capture_output=True, text=True, timeout=120
    )


def refs_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in refs_in(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs_in(v)]
    return []


def pointer(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for a schema that refers into the document's components."""
    return Draft202012Validator({**schema, "components": DOCUMENT["components"]})


def test_the_official_parser_finds_no_error_and_no_warning_in_the_committed_document() -> None:
    result = official_parser(repo_root() / "docs" / "asyncapi.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stdout
    assert "document parsed" in result.stdout


def test_the_official_parser_fails_the_lint_on_a_dangling_ref(tmp_path: Path) -> None:
    """What main's document had: `#/$defs/X` refs into a section the document does not have."""
    document = json.loads(json.dumps(DOCUMENT))
    message = document["components"]["messages"]["DelegationSuspendedV1"]
    message["payload"] = {"$ref": "#/$defs/DelegationSuspended"}
    (tmp_path / "asyncapi.json").write_text(json.dumps(document))
    result = official_parser(tmp_path / "asyncapi.json")
    assert result.returncode == 1
    assert "1 errors" in result.stdout
    assert "NOT returned" in result.stdout


def test_every_ref_points_into_the_document_and_none_into_defs() -> None:
    refs = refs_in(DOCUMENT)
    assert refs
    assert not [r for r in refs if "$defs" in r]
    for ref in refs:
        assert pointer(DOCUMENT, ref) is not None, ref
    assert "$defs" not in json.dumps(DOCUMENT["components"]["schemas"])


def test_the_platform_sends_every_message_on_its_topic() -> None:
    operations = DOCUMENT["operations"].values()
    assert {o["action"] for o in operations} == {"send"}
    sent = {m["$ref"].split("/")[-1] for o in operations for m in o["messages"]}
    assert sent == set(DOCUMENT["components"]["messages"])
    assert {o["channel"]["$ref"].split("/")[-1] for o in operations} == set(DOCUMENT["channels"])
    events = contracts.all_events()
    addresses = {c["address"] for c in DOCUMENT["channels"].values()}
    assert addresses == {e.topic for e in events.values()}
    assert {m["name"] for m in DOCUMENT["components"]["messages"].values()} == set(events)


def test_the_servers_are_kafka_with_tls_and_sasl_security_schemes() -> None:
    production = DOCUMENT["servers"]["production"]
    assert production["protocol"] == "kafka-secure"
    schemes = [pointer(DOCUMENT, s["$ref"])["type"] for s in production["security"]]
    assert schemes == ["scramSha512", "plain", "X509"]
    assert {s["protocol"] for s in DOCUMENT["servers"].values()} <= {"kafka", "kafka-secure"}


@pytest.mark.parametrize("message_id", sorted(DOCUMENT["components"]["messages"]))
def test_each_message_has_an_example_valid_against_its_payload_and_headers(
    message_id: str,
) -> None:
    message = DOCUMENT["components"]["messages"][message_id]
    event = contracts.all_events()[message["name"]]
    [example] = message["examples"]
    validator_for(message["payload"]).validate(example["payload"])
    validator_for(message["headers"]).validate(example["headers"])
    assert example["headers"]["ce_type"] == event.event_type()
    assert example["headers"]["ce_subject"] == str(example["payload"][event.key])
    # built from the event model, and what the committed JSON Schema of the type accepts
    assert event.model_validate(example["payload"]).model_dump(mode="json") == example["payload"]
    committed = json.loads((contracts.SCHEMA_DIR / f"{message['name']}.json").read_text())
    Draft202012Validator(committed).validate(example["payload"])


def test_an_example_that_breaks_its_schema_is_caught() -> None:
    message = DOCUMENT["components"]["messages"]["PersonRegisteredV1"]
    payload = {**message["examples"][0]["payload"], "setting": "on_the_moon"}
    assert list(validator_for(message["payload"]).iter_errors(payload))


def test_every_message_carries_the_cloudevents_kafka_headers_and_its_key() -> None:
    for message in DOCUMENT["components"]["messages"].values():
        headers = message["headers"]
        assert {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time"} <= set(
            headers["required"]
        )
        assert headers["properties"]["ce_type"]["const"] == message["name"]
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        assert message["correlationId"]["location"] == "$message.header#/ce_id"
