"""Delivering a live delegated task: the schedule the support plan sets (e.g. twice a day), each
application recorded by a competent named worker on the day (R16), the applications missed, and
a change the worker noticed reaching the oversight owner as a need change to consider (R8).

Corrections are new entries pointing at the one they correct: the record is never overwritten,
so an application's current entry is the last of its chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID

from services.delegation.domain.delegations import Delegation, DelegationState, WorkerStanding
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.delegation import ChangeNoticed, NoticedChange, SuspensionReason

EVERY_DAY = frozenset(range(1, 8))  # ISO weekdays, Monday 1
MAX_TIMES_PER_DAY = 24
MAX_WINDOW_DAYS = 92  # missed applications are computed over at most a quarter at a time


@dataclass(frozen=True)
class Schedule:
    """How often the task is carried out: `times_per_day` on each ISO weekday of `weekdays`."""

    times_per_day: int
    weekdays: frozenset[int] = EVERY_DAY

    def on(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays


_TIMES = {"once": 1, "twice": 2, "three times": 3, "thrice": 3, "four times": 4}
_FREQUENCY = re.compile(
    r"^\s*(?:(once|twice|thrice|three times|four times)|(\d{1,2}) times)\s+(?:a|per|each)\s+day\b",
    re.IGNORECASE,
)


def schedule_from_frequency(frequency: str) -> Schedule | None:
    """The schedule the proposal's frequency states in the usual words ('twice a day', '3 times
    per day', 'daily'); None when it says something else ('as needed'): then nothing is missed."""
    if frequency.strip().lower() in {"daily", "once daily", "every day"}:
        return Schedule(1)
    found = _FREQUENCY.match(frequency)
    if found is None:
        return None
    times = _TIMES[found.group(1).lower()] if found.group(1) else int(found.group(2))
    return Schedule(times) if 1 <= times <= MAX_TIMES_PER_DAY else None


class Outcome(StrEnum):
    """What happened at one scheduled application."""

    GIVEN = "given"
    PARTLY_GIVEN = "partly_given"
    NOT_GIVEN = "not_given"
    DECLINED = "declined_by_person"


class ApplicationReason(StrEnum):
    """Why an application was not given, or only partly (codes: the words stay out of events)."""

    PERSON_NOT_AT_HOME = "person_not_at_home"
    PERSON_ASLEEP = "person_asleep"
    PERSON_UNWELL = "person_unwell"
    SKIN_BROKEN = "skin_broken"
    SUPPLY_UNAVAILABLE = "supply_unavailable"
    NO_COMPETENT_WORKER = "no_competent_worker"
    HELD_ON_CLINICAL_ADVICE = "held_on_clinical_advice"
    VISIT_CUT_SHORT = "visit_cut_short"
    OTHER = "other"


# The worker attended to carry the task out (or offer it): R16 judges them on the day.
CARRIED_OUT = frozenset({Outcome.GIVEN, Outcome.PARTLY_GIVEN, Outcome.DECLINED})
NEEDS_REASON = frozenset({Outcome.NOT_GIVEN, Outcome.PARTLY_GIVEN})
MAY_CARRY_OUT = frozenset({WorkerStanding.IN_DATE, WorkerStanding.INSTRUCTED})


@dataclass(frozen=True)
class Application:
    """One entry as recorded: what happened, by whom, and whether a change was noticed."""

    outcome: Outcome
    reason: ApplicationReason | None
    worker_id: UUID | None
    change_noticed: bool
    change: str | None  # the NoticedChange code


def check_application(entry: Application, field: str) -> None:
    """A coded reason when not (fully) given, a worker who attended, a change's code."""
    if entry.outcome in NEEDS_REASON and entry.reason is None:
        raise InvalidInput(f"{field}.reason", f"'{entry.outcome}' needs a coded reason")
    if entry.outcome not in NEEDS_REASON and entry.reason is not None:
        raise InvalidInput(f"{field}.reason", f"'{entry.outcome}' takes no reason")
    if entry.outcome in CARRIED_OUT and entry.worker_id is None:
        raise InvalidInput(f"{field}.worker_id", f"'{entry.outcome}' names the worker who attended")
    if entry.change_noticed != (entry.change is not None):
        raise InvalidInput(f"{field}.change", "a change noticed is given its code, and only then")


def check_live(state: DelegationState, suspension: str | None, field: str) -> None:
    """R16 (and the gate that stopped it): the task is carried out only while it is live."""
    if state is DelegationState.LIVE:
        return
    rule = "R16"
    if state is DelegationState.SUSPENDED and suspension == SuspensionReason.CONSENT_WITHDRAWN:
        rule = "R7"
    elif state in (DelegationState.CLINICALLY_SUSPENDED, DelegationState.HANDED_BACK):
        rule = "R18"
    raise RuleViolation(
        rule,
        f"the delegation is {state.value}: its task may be carried out only while live",
        field=field,
    )


def check_worker(worker_id: UUID, standing: WorkerStanding, day: date, field: str) -> None:
    """R16: per worker, per task, on the day of the application."""
    if standing in MAY_CARRY_OUT:
        return
    why = standing.value.replace("_", " ")
    raise RuleViolation(
        "R16", f"worker {worker_id} may not carry out this task on {day}: {why}", field=field
    )


def check_day(day: date, start: date | None, today: date, field: str) -> None:
    """An application is of a day since the task went live, and not in the future."""
    if day > today:
        raise InvalidInput(field, "an application cannot be recorded for a future day")
    if start is not None and day < start:
        raise InvalidInput(field, f"the task went live on {start}; this day is before it")


def slot_for(
    schedule: Schedule | None, asked: int | None, taken: set[int], field: str
) -> int | None:
    """Which of the day's scheduled applications this is: the one asked for, else the first not
    yet recorded; an application already recorded is corrected, not recorded twice."""
    if schedule is None:
        return asked
    if asked is not None and not 1 <= asked <= schedule.times_per_day:
        raise InvalidInput(field, f"the schedule has {schedule.times_per_day} a day")
    if asked is None:
        free = [s for s in range(1, schedule.times_per_day + 1) if s not in taken]
        if not free:
            raise Conflict(
                "every scheduled application of that day is recorded: correct one, or record an "
                "ad hoc occurrence (R23)"
            )
        return free[0]
    if asked in taken:
        raise Conflict(f"application {asked} of that day is recorded: correct it instead")
    return asked


def days_between(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def missed(
    schedule: Schedule,
    first: date,
    last: date,
    recorded: Mapping[date, set[int]],
    covered: Callable[[date], bool],
) -> list[tuple[date, int]]:
    """The scheduled applications from `first` to `last` with no entry at all (an application
    not given for a coded reason is accounted for, not missed); days Health covered after a
    handback (R18) are not social care's to miss."""
    return [
        (day, slot)
        for day in days_between(first, last)
        if schedule.on(day) and not covered(day)
        for slot in range(1, schedule.times_per_day + 1)
        if slot not in recorded.get(day, set())
    ]


def noticed(
    delegation: Delegation,
    record_id: UUID,
    change: NoticedChange,
    day: date,
    review_id: UUID | None,
) -> ChangeNoticed | None:
    """R8, R17: a change noticed reaches the clinical oversight owner as a change in need to
    consider (ids and codes only; the worker's words stay in the record)."""
    if delegation.oversight is None:
        return None
    return ChangeNoticed(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        record_id=record_id,
        task_code=delegation.task_code,
        change=change,
        noticed_on=day,
        oversight_kind=delegation.oversight.kind,
        oversight_owner=delegation.oversight.owner,
        review_id=review_id,
    )
