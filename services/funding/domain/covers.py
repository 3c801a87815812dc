"""R18, R20: when social care stops carrying out a delegated health task, Health covers it.

A handback (delegation's event) stops the apportionment to the accountable organisation from the
stop date and, for a health task delegated to social care, opens a Health cover: the health
commissioner funds the task's minutes, delivered by the clinical oversight owner, without
prejudice from the stop date. The cover is open until the handback closes (the task resumes, is
delegated again, or ends): its last day is the day before the closing date. Its funding is
without prejudice until a funding decision settles it back to the stop date (`segments`).

A social-to-health handback returns a social care task to the council (A 3.4): Health covered
nothing, so it stops the apportionment to the council and opens no Health cover.

Delegation may say the same stop twice (a `DelegationSuspended` or `DelegationEnded` beside the
`HandbackOpened`, a `DelegationResumed` beside `HandbackClosed` resumed): the apportionment's
lifecycle makes the second a no-op, and a cover opens and closes once, by its handback id.
"""

from datetime import date
from enum import StrEnum

from services.funding.domain.apportionment import ApportionmentCommand
from shared.events.delegation import HandbackClosure, StopReason
from shared.events.vocabulary import Direction
from shared.lifecycle import Lifecycle


class CoverState(StrEnum):
    COVERING = "covering"
    CLOSED = "closed"


class CoverCommand(StrEnum):
    CLOSE = "closed"


COVER: Lifecycle[CoverState, CoverCommand] = Lifecycle(
    "health cover", {(CoverState.COVERING, CoverCommand.CLOSE): CoverState.CLOSED}
)


def health_covers(direction: Direction) -> bool:
    """R18: Health takes back a health task social care stopped; a social care task carried
    by Health goes back to the council, which Health does not fund."""
    return direction is Direction.HEALTH_TO_SOCIAL


def stop_command(reason: StopReason) -> ApportionmentCommand:
    """What a stop does to the apportionment: an ended task ends it; any other stop suspends
    it until the task resumes (or delegation says it ended)."""
    return ApportionmentCommand.END if reason is StopReason.ENDED else ApportionmentCommand.SUSPEND


def close(state: CoverState) -> CoverState | None:
    """The state a closing handback moves the cover to; None when it is already closed (the
    same closure said twice changes nothing)."""
    if not COVER.allows(state, CoverCommand.CLOSE):
        return None
    return COVER.next(state, CoverCommand.CLOSE)


def covered_until(closed_on: date, stopped_on: date) -> date:
    """The exclusive end of the cover: the task is covered up to the day before it resumes
    (or is delegated again, or ends), and never before it began."""
    return max(closed_on, stopped_on)


def restarts_apportionment(closure: HandbackClosure) -> bool:
    """Only a resumed task goes back to its accountable organisation; a re-delegated one is
    apportioned as the new delegation, an ended one never again."""
    return closure is HandbackClosure.RESUMED
