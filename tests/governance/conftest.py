"""Builders for the governance tests: events from other services and a few board records."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from httpx import AsyncClient, Response

from shared.auth import Role
from shared.events import Event
from shared.events.assessment import EqualityCount, EqualityReportCompiled, RelationshipChanged
from shared.events.delegation import (
    Discipline,
    MdtPosition,
    SharedCareQuestion,
    SharedCareRequested,
    Stance,
)
from shared.events.funding import DisputeRaised, DisputeReason
from shared.events.vocabulary import Direction, RelationshipBasis, Setting, TaskCategory
from shared.relationships import relationship
from shared.service import Runtime
from shared.testing.events import deliver, published
from tests.conftest import bearer

E = TypeVar("E", bound=Event)

BOARD = bearer(Role.IPCB_MEMBER, "LLR-ICB")
CSU = bearer(Role.CSU_OFFICER, "MLCSU")
MDT = bearer(Role.MDT_MEMBER, "LPT")  # the MDT's trust: related to each person it discusses
AUDITOR = bearer(Role.AUDITOR, "LLR-ICB")


def given_shared_care_request(**overrides: Any) -> SharedCareRequested:
    fields: dict[str, Any] = {
        "person_id": uuid.uuid4(),
        "proposal_id": uuid.uuid4(),
        "task_code": "TOPICAL-STEROID",
        "category": TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        "direction": Direction.HEALTH_TO_SOCIAL,
        "setting": Setting.OWN_HOME,
        "question": "May the home carers apply a steroid cream to the lower leg twice a day?",
        "positions": [
            "District nursing: yes, once the carers are trained and assessed",
            "Provider: only with a weekly nurse check for the first month",
        ],
        "question_code": SharedCareQuestion.MAY_DELEGATE,
        "stances": [
            MdtPosition(
                discipline=Discipline.REGISTERED_NURSE, organisation="LPT", stance=Stance.DELEGATE
            ),
            MdtPosition(
                discipline=Discipline.CARE_PROVIDER,
                organisation="CARE-CO",
                stance=Stance.DELEGATE_WITH_CONDITIONS,
            ),
        ],
    }
    return SharedCareRequested(**(fields | overrides))


def given_related(
    person_id: uuid.UUID,
    organisation: str = "LPT",
    basis: RelationshipBasis = RelationshipBasis.MDT,
) -> RelationshipChanged:
    """The relationship assessment decides and announces (here: the MDT's, from its proposal)."""
    since = datetime(2026, 1, 1, tzinfo=UTC)
    return relationship(person_id, organisation, basis, uuid.uuid4(), since)


async def given_shared_care(runtime: Runtime, *requests: SharedCareRequested) -> None:
    """The MDT's requests arrive, each after the relationship of the MDT's trust (LPT) with the
    person, as assessment announces it from the proposal."""
    for request in requests:
        await deliver(runtime, given_related(request.person_id), request)


def given_decision(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "decision": "delegate",
        "conditions": ["carers trained and assessed before discharge"],
        "rationale": "the task is stable and low risk once the carers are trained",
        "circumstances": "person going home from hospital with carers twice a day; "
        "cannot reach the lower leg",
        "participants": [
            {"staff_id": "dn-1", "discipline": "district nursing", "organisation": "LPT"},
            {
                "staff_id": "sw-1",
                "discipline": "social work",
                "organisation": "LEICESTERSHIRE-COUNTY-COUNCIL",
            },
        ],
        "summary": "Home carers may apply a prescribed steroid cream to the lower leg once "
        "trained and assessed; a district nurse reviews the skin regularly",
    }
    return body | overrides


def given_dispute(**overrides: Any) -> DisputeRaised:
    fields: dict[str, Any] = {
        "person_id": uuid.uuid4(),
        "dispute_id": uuid.uuid4(),
        "package_id": uuid.uuid4(),
        "raised_by": "LEICESTER-CITY-COUNCIL",
        "parties": ["LLR-ICB"],
        "summary": "the split between the organisations",  # fixed words: governance keeps none
        "reason_code": DisputeReason.SHARES,
        "raised_on": date(2026, 1, 5),
    }
    return DisputeRaised(**(fields | overrides))


def given_equality_report(
    report_id: uuid.UUID, counts: dict[str, int | None]
) -> EqualityReportCompiled:
    return EqualityReportCompiled(
        report_id=report_id,
        period_start=date(2025, 4, 1),
        period_end=date(2025, 12, 31),
        rows=[
            EqualityCount(characteristic="age", value=value, measure="proposals", count=count)
            for value, count in counts.items()
        ],
    )


async def given_only(client: AsyncClient, path: str, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(path, headers=headers)
    [only] = response.json()["items"]
    result: dict[str, Any] = only
    return result


def problem_field(response: Response) -> str:
    field: str = response.json()["errors"][0]["field"]
    return field


async def published_as(runtime: Runtime, kind: type[E]) -> list[E]:
    """The events of one kind the service has published, typed as that kind."""
    return [e for e in await published(runtime, kind) if isinstance(e, kind)]
