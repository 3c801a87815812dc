"""Event contracts: committed JSON Schemas, additive changes only, an AsyncAPI 3 document."""

from __future__ import annotations

import copy
import json
from typing import Any

from shared.events import contracts

PERSONAL_FIELDS = {
    "person_name", "full_name", "given_name", "family_name", "first_name", "last_name",
    "surname", "forename", "address", "postcode", "nhs_number", "date_of_birth", "email", "phone",
}  # fmt: skip


def test_every_contract_is_committed_and_unchanged() -> None:
    assert contracts.check() == []


def test_adding_an_optional_field_is_additive() -> None:
    old = {"properties": {"a": {"type": "string"}}, "required": ["a"]}
    new = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}
    assert contracts.breaking_changes(old, new) == []


def test_removing_retyping_or_requiring_a_field_is_breaking() -> None:
    old: dict[str, Any] = {
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "required": ["a"],
    }
    new = copy.deepcopy(old)
    del new["properties"]["a"]
    new["properties"]["b"] = {"type": "integer"}
    new["properties"]["c"] = {"type": "string"}
    new["required"] = ["c"]
    assert sorted(contracts.breaking_changes(old, new)) == [
        "a: removed",
        "b: type string became integer",
        "c: newly required",
    ]


def test_no_event_carries_names_addresses_or_nhs_numbers() -> None:
    for name, event in contracts.all_events().items():
        assert not PERSONAL_FIELDS & set(event.model_fields), name


def test_the_asyncapi_document_describes_every_event_with_its_topic_key_and_headers() -> None:
    document = contracts.asyncapi()
    assert document["asyncapi"] == "3.0.0"
    messages = document["components"]["messages"]
    assert {m["name"] for m in messages.values()} == set(contracts.all_events())
    for message in messages.values():
        assert "ce_id" in message["headers"]["required"]
        assert message["bindings"]["kafka"]["key"]["description"]
    json.dumps(document)  # serialisable as it is served
    addresses = {c["address"] for c in document["channels"].values()}
    assert addresses == {e.topic for e in contracts.all_events().values()}
