"""R16: warnings at 90, 60 and 30 days before a competence expires, and its lapse on the day."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.training.domain.competence import COMPETENCE, CompetenceCommand, CompetenceState
from shared.events.training import CompetenceExpiryWarned, CompetenceLapsed, in_date

WARNING_DAYS: Sequence[int] = (90, 60, 30)


@dataclass(frozen=True)
class HeldCompetence:
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    provider_organisation: str
    valid_until: date


def expiry_warning_due(
    held: HeldCompetence, today: date, already_warned: Collection[int]
) -> CompetenceExpiryWarned | None:
    """The tightest of 90, 60, 30 days now reached, unless already sent: each warning once."""
    if not in_date(held.valid_until, today):
        return None  # it lapses today: no warning, the lapse itself
    days_left = (held.valid_until - today).days
    reached = [days for days in WARNING_DAYS if days_left <= days]
    if not reached or min(reached) in already_warned:
        return None
    return CompetenceExpiryWarned(
        worker_id=held.worker_id,
        task_code=held.task_code,
        person_id=held.person_id,
        provider_organisation=held.provider_organisation,
        expires_on=held.valid_until,
        days_before=min(reached),
    )


def lapse_due(
    held: HeldCompetence, today: date, state: CompetenceState = CompetenceState.COMPETENT
) -> CompetenceLapsed | None:
    """R16: on its expiry date a competence not reassessed lapses (a competent one only)."""
    if in_date(held.valid_until, today):
        return None
    COMPETENCE.next(state, CompetenceCommand.LAPSE)
    return CompetenceLapsed(
        worker_id=held.worker_id,
        task_code=held.task_code,
        person_id=held.person_id,
        provider_organisation=held.provider_organisation,
        lapsed_on=held.valid_until,
    )
