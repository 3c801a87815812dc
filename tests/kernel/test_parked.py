"""A parked message tells operations what kind of error, never the error's text: that can hold
the event's values, and `platform.dead-letters` leaves the owning service."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import DBAPIError

from shared.errors import NotFound, RuleViolation
from shared.events.cloudevents import UnknownEventType
from shared.events.operations import MessageParked
from shared.inbox import error_code
from shared.service import Runtime
from shared.testing.events import deliver, published
from tests.kernel.things import ThingHappened

IDENTIFYING = "943 476 5919"  # an NHS number typed where a value went


async def test_message_parked_carries_the_errors_type_and_code_and_the_table_its_text(
    things_runtime: Callable[..., Runtime],
) -> None:
    runtime = things_runtime(consumer_attempts=2, consumer_backoff_seconds=0.001)

    await deliver(runtime, ThingHappened(thing_id=IDENTIFYING, sequence=1, poison=True))

    [parked] = await published(runtime, MessageParked)
    assert isinstance(parked, MessageParked)
    assert (parked.error, parked.error_code) == ("ValueError", "handler-failed")
    assert IDENTIFYING not in parked.model_dump_json()
    [letter] = await runtime.inbox.parked()
    assert IDENTIFYING in str(letter["error"])  # kept for the service's own operators


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UnknownEventType("llr.x.v1"), "unknown-type"),
        (NotFound(f"no person {IDENTIFYING}"), "not-found"),
        (RuleViolation("R16", f"worker {IDENTIFYING} is not competent"), "rule-violation:R16"),
        (DBAPIError("INSERT ...", {"nhs": IDENTIFYING}, Exception("boom")), "database"),
        (RuntimeError(IDENTIFYING), "handler-failed"),
    ],
)
def test_the_code_names_the_kind_of_error_without_its_values(error: Exception, code: str) -> None:
    assert error_code(error) == code


def test_a_body_that_does_not_validate_is_undecodable() -> None:
    with pytest.raises(ValueError) as refused:
        ThingHappened.model_validate_json(b'{"thing_id": 1}')
    assert error_code(refused.value) == "undecodable"
