"""R16: warnings at 90, 60 and 30 days before a competence expires, and its lapse on the day;
R25: its lapse the day after a refresher its training plan asks for is missed."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.training.domain.competence import COMPETENCE, CompetenceCommand, CompetenceState
from services.training.domain.refreshers import missed_from, notice_due
from shared.events.training import (
    CompetenceExpiryWarned,
    CompetenceLapsed,
    LapseCause,
    RefresherDue,
    in_date,
)

WARNING_DAYS: Sequence[int] = (90, 60, 30)


@dataclass(frozen=True)
class HeldCompetence:
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    provider_organisation: str
    valid_until: date
    refresher_due_on: date | None = None  # R25: when its training plan asks for a refresher

    @property
    def ends(self) -> tuple[date, LapseCause]:
        """The first day it no longer counts, and why: expiry, or a refresher missed (R25)."""
        if self.refresher_due_on is not None:
            missed = missed_from(self.refresher_due_on)
            if missed < self.valid_until:
                return missed, LapseCause.REFRESHER_MISSED
        return self.valid_until, LapseCause.EXPIRED


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
    """R16: on its expiry date a competence not reassessed lapses (a competent one only);
    R25: so does one whose refresher was not done by its day, on the day after."""
    ends_on, cause = held.ends
    if in_date(ends_on, today):
        return None
    COMPETENCE.next(state, CompetenceCommand.LAPSE)
    return CompetenceLapsed(
        worker_id=held.worker_id,
        task_code=held.task_code,
        person_id=held.person_id,
        provider_organisation=held.provider_organisation,
        lapsed_on=ends_on,
        cause=cause,
    )


def refresher_due(
    held: HeldCompetence, assessment_id: UUID, today: date, noticed: Collection[date]
) -> RefresherDue | None:
    """R25: the refresher its training plan asks for, announced once 30 days before its day."""
    due_on = held.refresher_due_on
    if due_on is None or not notice_due(due_on, today, noticed):
        return None
    return RefresherDue(
        worker_id=held.worker_id,
        assessment_id=assessment_id,
        task_code=held.task_code,
        person_id=held.person_id,
        provider_organisation=held.provider_organisation,
        due_on=due_on,
    )
