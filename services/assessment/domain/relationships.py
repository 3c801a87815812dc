"""Legitimate relationships: which organisations may see a person's records, from what, until when.

An organisation holds a relationship with a person for a reason (its basis) and from a source (the
registration, assessment, proposal, delegation, package or dispute that makes it). A relationship
starts when its cause starts and ends a grace period after its cause stops. Told twice, a fact
changes nothing: a start of an open relationship, or an end no earlier than the one it has, is
no change, so nothing is published again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from shared.events.delegation import ProposalSubmitted, TaskDelegated
from shared.events.funding import DisputeRaised
from shared.events.vocabulary import RelationshipBasis

Party = tuple[str, RelationshipBasis]


@dataclass(frozen=True)
class Key:
    """One relationship: an organisation's, with a person, on a basis, from a source."""

    person_id: UUID
    organisation: str
    basis: RelationshipBasis
    source_id: str


@dataclass(frozen=True)
class Held:
    """A relationship as it stands: visible from `since`, until `until` (None: open)."""

    since: datetime
    until: datetime | None = None


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def grace_after(day: date, grace_days: int) -> datetime:
    """The end of a relationship whose cause stopped on `day`: the IPCB's grace period later."""
    return start_of(day + timedelta(days=grace_days))


def started(held: Held | None, since: datetime) -> Held | None:
    """The relationship from `since` on; None when that changes nothing (it is open already, or
    it ended after a start no earlier than this one: a fact told again)."""
    if held is None:
        return Held(since)
    if held.until is None or since <= held.since:
        return None
    return Held(since)


def ended(held: Held | None, until: datetime) -> Held | None:
    """The relationship ending at `until`; None when there is none or it ends no later already."""
    if held is None or (held.until is not None and held.until <= until):
        return None
    return Held(held.since, until)


# Who a partner's fact relates to the person.

ENDS_WITH_DELEGATION = (RelationshipBasis.PROVIDER, RelationshipBasis.OVERSIGHT)
FROM_PROPOSAL = (RelationshipBasis.MDT, RelationshipBasis.PROVIDER)


def proposal_parties(event: ProposalSubmitted) -> list[Party]:
    """A proposal (R9): the organisation proposing it sits on the MDT; the provider it names must
    read the task and the person to accept it (R15)."""
    parties = [(event.provider_organisation, RelationshipBasis.PROVIDER)]
    if event.proposed_by_organisation is not None:
        parties.insert(0, (event.proposed_by_organisation, RelationshipBasis.MDT))
    return parties


def registered_parties(registering: str, local_authority: str) -> list[Party]:
    """A person registered: the organisation that registered them, and the council responsible
    for their social care (its duty to assess them under the Care Act makes it a party)."""
    return [
        (registering, RelationshipBasis.REGISTERED),
        (local_authority, RelationshipBasis.LOCAL_AUTHORITY),
    ]


def delegated_parties(event: TaskDelegated) -> list[Party]:
    """A live task: its provider, its clinical oversight owner (R17), the accountable
    commissioner and the council responsible for the person's social care."""
    return [
        (event.provider_organisation, RelationshipBasis.PROVIDER),
        (event.oversight_owner, RelationshipBasis.OVERSIGHT),
        (event.accountable_organisation, RelationshipBasis.COMMISSIONER),
        (event.local_authority, RelationshipBasis.LOCAL_AUTHORITY),
    ]


def dispute_parties(event: DisputeRaised, csu_organisations: Iterable[str]) -> list[Party]:
    """R22: the parties fund the package (commissioners); every CSU holds the case."""
    return [
        *((party, RelationshipBasis.COMMISSIONER) for party in dict.fromkeys(event.parties)),
        *((csu, RelationshipBasis.CSU_CASE) for csu in csu_organisations),
    ]
