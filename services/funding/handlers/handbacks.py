"""R18, R20: delegation's handbacks. A stop stops the apportionment and opens Health's cover;
the handback's closure ends the cover and, when the task resumes, restarts the apportionment."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import apportionment, covers
from services.funding.handlers.apportionment import (
    END,
    restart_apportionment,
    stop_apportionment,
)
from services.funding.handlers.covers import close_cover, cover_of, open_cover
from services.funding.models import FundedDelegation
from services.funding.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM
from shared.events.delegation import HandbackClosed, HandbackClosure, HandbackOpened, StopReason
from shared.events.funding import FundingStopReason


async def on_handback_opened(session: AsyncSession, event: HandbackOpened) -> None:
    """R18, R20: the apportionment to the accountable organisation stops from the stop date and
    Health covers a health task without prejudice from then; once per handback."""
    delegation = await session.get(FundedDelegation, event.delegation_id)
    if delegation is None:  # never live, so nothing funded to stop (a gap is declared instead)
        why = f"R20 handback of a delegation never funded: {event.reason}"
        await audit(session, SYSTEM, "health_cover.none", event.delegation_id, why)
        return
    if await cover_of(session, event.handback_id) is not None:
        return  # the same handback said again
    stop = covers.stop_command(event.reason)
    cause = apportionment.handed_back(event.reason)
    await stop_apportionment(session, event.delegation_id, stop, event.stopped_on, cause)
    if not covers.health_covers(event.direction):
        why = f"R18 a social care task returns to the council from {event.stopped_on}"
        await audit(session, SYSTEM, "health_cover.none", event.delegation_id, why)
        return
    await open_cover(session, delegation, event, Settings.of(session).health_commissioner)


async def on_handback_closed(session: AsyncSession, event: HandbackClosed) -> None:
    """R20: the cover ends the day before the task resumes, is delegated again or ends; a
    resumed task is apportioned again from that day, an ended one never again."""
    cover = await cover_of(session, event.handback_id)
    delegation = await session.get(FundedDelegation, event.delegation_id)
    if cover is not None and delegation is not None:
        await close_cover(session, delegation, cover, event.closure, event.closed_on)
    if covers.restarts_apportionment(event.closure):
        await restart_apportionment(session, event.delegation_id, event.closed_on, "resumed")
    elif event.closure is HandbackClosure.ENDED:
        cause = apportionment.StopCause(FundingStopReason.ENDED, StopReason.HANDED_BACK)
        await stop_apportionment(session, event.delegation_id, END, event.closed_on, cause)
