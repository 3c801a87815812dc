"""Schemathesis against a service's ASGI app, in-process, on a fresh migrated database."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
import structlog
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared.auth import Role
from tests.conftest import bearer

ORGANISATION = "LLR-ICB"
# Per service, every run (derandomised: the same cases each time).
MINIMUM_CASES = 500
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def quiet_logs() -> Iterator[None]:
    """Warnings and errors only, tracebacks as plain text: thousands of requests stay cheap."""
    before = structlog.get_config()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.format_exc_info,
            structlog.processors.KeyValueRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
    )
    yield
    structlog.configure(**before)


@dataclass
class Report:
    cases: int = 0
    per_operation: dict[str, tuple[int, float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def summary(self, service: str) -> str:
        answers = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        return (
            f"{service}: {self.cases} cases over {len(self.per_operation)} operations ({answers})"
        )


def headers_for(raw: dict[str, Any]) -> dict[str, str]:
    """A valid token for the first role the operation admits; none for public operations."""
    roles = raw.get("x-roles")
    if not roles:
        return {}
    return bearer(Role(roles[0]), ORGANISATION)


def _takes_input(raw: dict[str, Any]) -> bool:
    return bool(raw.get("parameters") or raw.get("requestBody"))


def _run(
    label: str,
    strategy: st.SearchStrategy[schemathesis.Case[Any]],
    examples: int,
    headers: dict[str, str],
    counted: Callable[[int], None],
    *,
    negative: bool,
) -> str | None:
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy)
    def check(case: schemathesis.Case[Any]) -> None:
        response = case.call(headers=headers)
        counted(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        check()
    except Unsatisfiable as exc:
        if negative:
            return None  # every value the operation's parameters can take is valid
        return f"{label}: {exc}"
    except (Exception, BaseExceptionGroup) as exc:
        return f"{label}: {exc}"
    return None


def fuzz(app: FastAPI, *, minimum: int = MINIMUM_CASES) -> Report:
    """Every operation, positive and negative inputs; blocks (run it in a thread)."""
    report = Report()
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        # Valid tokens throughout: negative cases vary the input, never drop the Authorization.
        schema.config.generation.update(with_security_parameters=False)
        operations = []
        for result in schema.get_all_operations():
            if isinstance(result, Err):
                report.failures.append(f"an operation schemathesis cannot read: {result.err()}")
            else:
                operations.append(result.ok())
        with_input = [op for op in operations if _takes_input(op.definition.raw)]
        # Operations without input are exhausted after one case; the others share the rest.
        per_mode = math.ceil((minimum - len(operations)) / (2 * max(len(with_input), 1))) + 2
        for operation in operations:
            raw = operation.definition.raw
            headers = headers_for(raw)
            count, started = 0, time.perf_counter()

            def counted(status: int) -> None:
                nonlocal count
                count += 1
                report.statuses[status] = report.statuses.get(status, 0) + 1

            modes = [GenerationMode.POSITIVE]
            if _takes_input(raw):
                modes.append(GenerationMode.NEGATIVE)
            for mode in modes:
                failure = _run(
                    f"{operation.label} ({mode.value})",
                    operation.as_strategy(generation_mode=mode),
                    per_mode,
                    headers,
                    counted,
                    negative=mode is GenerationMode.NEGATIVE,
                )
                if failure is not None:
                    report.failures.append(failure)
            report.per_operation[operation.label] = (count, time.perf_counter() - started)
            report.cases += count
    finally:
        asgi.shutdown_lifespans()
    return report


def timed(function: Callable[[], Report]) -> tuple[Report, float]:
    started = time.perf_counter()
    report = function()
    return report, time.perf_counter() - started
