"""Event contracts: committed JSON Schemas, and a check that refuses what would break a reader."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import shared.events
from services import cli
from shared.events import Event, contracts
from shared.events.delegation import DelegationSuspended

PERSONAL_FIELDS = {
    "person_name", "full_name", "given_name", "family_name", "first_name", "last_name",
    "surname", "forename", "address", "postcode", "nhs_number", "date_of_birth", "email", "phone",
}  # fmt: skip

# A contract as pydantic writes it: a nested part and an enum under $defs, an array of parts.
OLD: dict[str, Any] = {
    "$defs": {
        "Colour": {"enum": ["red", "green", "blue"], "title": "Colour", "type": "string"},
        "Part": {
            "properties": {
                "name": {"type": "string"},
                "colour": {"$ref": "#/$defs/Colour"},
                "size": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            },
            "required": ["name", "colour", "size"],
            "type": "object",
        },
    },
    "properties": {
        "thing_id": {"format": "uuid", "type": "string"},
        "count": {"type": "integer"},
        "part": {"$ref": "#/$defs/Part"},
        "parts": {"items": {"$ref": "#/$defs/Part"}, "type": "array"},
        "maybe": {"anyOf": [{"$ref": "#/$defs/Part"}, {"type": "null"}], "default": None},
        "tags": {"items": {"type": "string"}, "type": "array"},
    },
    "required": ["thing_id", "count", "part", "parts", "tags"],
    "type": "object",
    "x-topic": "things.thing",
    "x-key": "thing_id",
}


def changed(**edits: Any) -> dict[str, Any]:
    """OLD with edits at slash-separated paths (`None` deletes)."""
    new = copy.deepcopy(OLD)
    for path, value in edits.items():
        *parents, last = path.split("__")
        node = new
        for part in parents:
            node = node[part]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return new


def test_every_contract_is_committed_and_unchanged() -> None:
    assert contracts.check() == []


def test_the_contracts_are_what_the_services_say_they_publish() -> None:
    """shared cannot import services: the CLI passes the specs' lists, which match PUBLISHED."""
    assert set(cli.published_events()) == set(contracts.published())
    assert contracts.check(events=cli.published_events()) == []


def test_no_event_registers_itself_when_its_class_is_defined() -> None:
    assert "__pydantic_init_subclass__" not in Event.__dict__
    assert not hasattr(shared.events, "registered")

    class NeverPublished(Event):
        topic = "things.thing"
        key = "thing_id"

        thing_id: str

    assert NeverPublished.event_type() not in contracts.all_events()


def test_one_type_published_by_two_classes_is_refused() -> None:
    def twin() -> type[Event]:
        class Twin(Event):
            topic = "things.thing"
            key = "thing_id"

            thing_id: str

        return Twin

    with pytest.raises(ValueError, match="published by two classes"):
        contracts.all_events([twin(), twin()])


def test_an_additive_change_passes() -> None:
    new = changed(
        properties__note={"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        **{"$defs__Part__properties__shade": {"type": "string", "default": ""}},
        **{"$defs__Extra": {"properties": {"a": {"type": "string"}}, "type": "object"}},
        properties__count={"type": "integer", "description": "How many", "title": "Count"},
        additionalProperties=True,
    )
    assert contracts.breaking_changes(OLD, new) == []
    assert contracts.breaking_changes(OLD, copy.deepcopy(OLD)) == []


def test_removing_a_field_is_breaking() -> None:
    new = changed(properties__count=None, required=["thing_id", "part", "parts", "tags"])
    assert contracts.breaking_changes(OLD, new) == ["count: removed"]


def test_renaming_a_field_is_breaking() -> None:
    new = changed(properties__count=None, required=["thing_id", "total", "part", "parts", "tags"])
    new["properties"]["total"] = {"type": "integer"}
    assert contracts.breaking_changes(OLD, new) == ["count: removed", "total: newly required"]


def test_changing_a_type_or_a_format_is_breaking() -> None:
    new = changed(properties__count={"type": "string"}, properties__thing_id={"type": "string"})
    assert sorted(contracts.breaking_changes(OLD, new)) == [
        "count: type integer became string",
        "thing_id: type string/uuid became string",
    ]


def test_making_a_field_nullable_is_breaking() -> None:
    new = changed(properties__count={"anyOf": [{"type": "integer"}, {"type": "null"}]})
    assert contracts.breaking_changes(OLD, new) == ["count: type integer became integer|null"]


def test_removing_an_enum_member_under_defs_is_breaking() -> None:
    new = changed(**{"$defs__Colour__enum": ["red", "green"]})
    assert contracts.breaking_changes(OLD, new) == [
        "part.colour: enum member(s) ['blue'] removed",
        "parts[].colour: enum member(s) ['blue'] removed",
        "maybe.colour: enum member(s) ['blue'] removed",
    ]


def test_adding_an_enum_member_is_breaking_for_readers_that_refuse_unknown_values() -> None:
    new = changed(**{"$defs__Colour__enum": ["red", "green", "blue", "black"]})
    assert "part.colour: enum member(s) ['black'] added" in contracts.breaking_changes(OLD, new)


def test_a_changed_constant_and_a_ref_wrapped_in_all_of_are_compared() -> None:
    old = changed(properties__kind={"const": "thing", "type": "string"})
    new = changed(properties__kind={"const": "other", "type": "string"})
    assert contracts.breaking_changes(old, new) == [
        "kind: enum member(s) ['thing'] removed",
        "kind: enum member(s) ['other'] added",
    ]
    wrapped = changed(properties__part={"allOf": [{"$ref": "#/$defs/Part"}], "description": "x"})
    assert contracts.breaking_changes(OLD, wrapped) == []
    wrapped["$defs"]["Part"]["properties"]["name"] = {"type": "integer"}
    assert "part.name: type string became integer" in contracts.breaking_changes(OLD, wrapped)


def test_a_recursive_definition_is_walked_once() -> None:
    node = {"$ref": "#/$defs/Node"}
    child = {"anyOf": [node, {"type": "null"}]}
    tree = changed(**{"$defs__Node": {"properties": {"child": child}, "type": "object"}})
    tree["properties"]["root"] = node
    leafy = copy.deepcopy(tree)
    leafy["$defs"]["Node"]["properties"]["leaf"] = {"type": "string"}
    assert contracts.breaking_changes(tree, leafy) == []
    leafy["$defs"]["Node"]["required"] = ["leaf"]
    assert contracts.breaking_changes(tree, leafy) == ["root.leaf: newly required"]


def test_a_newly_required_field_is_breaking() -> None:
    new = changed(required=[*OLD["required"], "maybe"])
    assert contracts.breaking_changes(OLD, new) == ["maybe: newly required"]
    fresh = changed(properties__extra={"type": "string"}, required=[*OLD["required"], "extra"])
    assert contracts.breaking_changes(OLD, fresh) == ["extra: newly required"]


def test_a_field_no_longer_required_is_breaking() -> None:
    new = changed(required=["thing_id", "count", "part", "parts"])
    assert contracts.breaking_changes(OLD, new) == ["tags: no longer required"]


def test_a_change_inside_a_nested_object_behind_a_ref_is_breaking() -> None:
    new = changed(**{"$defs__Part__properties__size": None})
    assert contracts.breaking_changes(OLD, new) == [
        "part.size: removed",
        "parts[].size: removed",
        "maybe.size: removed",
    ]


def test_a_change_to_array_items_is_breaking() -> None:
    new = changed(properties__tags={"items": {"type": "integer"}, "type": "array"})
    assert contracts.breaking_changes(OLD, new) == ["tags[]: type string became integer"]


def test_forbidding_unknown_fields_is_breaking() -> None:
    new = changed(additionalProperties=False)
    assert contracts.breaking_changes(OLD, new) == ["(event): unknown fields no longer allowed"]


def test_moving_an_event_to_another_topic_or_key_is_breaking() -> None:
    assert contracts.breaking_changes(OLD, changed(**{"x-key": "count"})) == [
        "topic or key changed"
    ]


def test_the_check_refuses_a_committed_enum_member_the_code_no_longer_has(tmp_path: Path) -> None:
    """Issue 17: an enum member removed under $defs used to pass as 'additive'."""
    shutil.copytree(contracts.SCHEMA_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / f"{DelegationSuspended.event_type()}.json"
    committed = json.loads(path.read_text())
    reason = committed["properties"]["reason"]["$ref"].split("/")[-1]
    committed["$defs"][reason]["enum"].append("gone_fishing")
    path.write_text(json.dumps(committed))
    assert contracts.check(tmp_path) == [
        f"{DelegationSuspended.event_type()}.reason: enum member(s) ['gone_fishing'] removed"
    ]


def test_the_check_asks_for_an_uncommitted_or_additive_change_to_be_committed(
    tmp_path: Path,
) -> None:
    shutil.copytree(contracts.SCHEMA_DIR, tmp_path, dirs_exist_ok=True)
    name = DelegationSuspended.event_type()
    committed = json.loads((tmp_path / f"{name}.json").read_text())
    committed["description"] = "an older wording"
    (tmp_path / f"{name}.json").write_text(json.dumps(committed))
    (tmp_path / "uk.nhs.llr.delegation.ProposalSubmitted.v1.json").unlink()
    assert contracts.check(tmp_path) == [
        "uk.nhs.llr.delegation.ProposalSubmitted.v1: schema not committed (run `make contracts`)",
        f"{name}: changed additively; run `make contracts` to commit it",
    ]


def test_every_published_schema_lets_readers_ignore_fields_they_do_not_know() -> None:
    for path in sorted(contracts.SCHEMA_DIR.glob("*.json")):
        schema = json.loads(path.read_text())
        objects = [schema, *(d for d in schema.get("$defs", {}).values() if "properties" in d)]
        for node in objects:
            assert node.get("additionalProperties", True) is True, path.name


def test_every_event_model_ignores_unknown_fields_and_stays_frozen() -> None:
    for name, event in contracts.all_events().items():
        assert event.model_config.get("extra") == "ignore", name
        assert event.model_config.get("frozen") is True, name


def test_no_event_carries_names_addresses_or_nhs_numbers() -> None:
    for name, event in contracts.all_events().items():
        assert not PERSONAL_FIELDS & set(event.model_fields), name
