"""Event ids are UUIDv7: time first, so the unique indexes on event ids grow at one edge."""

from __future__ import annotations

import time
import uuid

from shared.events import new_event_id


def test_an_event_id_is_a_version_7_uuid_of_the_rfc_9562_variant() -> None:
    ids = [new_event_id() for _ in range(1000)]
    assert {i.version for i in ids} == {7}
    assert {i.variant for i in ids} == {uuid.RFC_4122}
    assert len(set(ids)) == len(ids)


def test_an_event_id_starts_with_the_millisecond_it_was_made() -> None:
    before = time.time_ns() // 1_000_000
    made = new_event_id()
    after = time.time_ns() // 1_000_000
    assert before <= made.int >> 80 <= after


def test_ids_made_in_later_milliseconds_sort_later() -> None:
    first = new_event_id()
    time.sleep(0.002)
    second = new_event_id()
    assert str(first) < str(second)  # as text too, as PostgreSQL's uuid type orders them
    assert first.bytes < second.bytes
