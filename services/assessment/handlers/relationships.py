"""Legitimate relationships, decided here from what assessment does and from the partners' events,
applied to this service's relationships table and published (`RelationshipChanged`) for the others.

Writes about a person pass `shared.access.may_act_on` in every service. Recording an assessment
is the one write outside a relationship, because assessing is what makes it: a registered
practitioner may assess a person by stating why (`X-Break-Glass-Reason`), audited as break-glass.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain import relationships as rules
from services.assessment.domain.relationships import Held, Key, Party
from services.assessment.models import Person
from services.assessment.settings import Settings
from shared import relationships as shared_relationships
from shared.db import today
from shared.events.assessment import RelationshipChanged
from shared.events.delegation import (
    DecisionOutcome,
    DelegationDecided,
    DelegationDeclined,
    DelegationEnded,
    OversightTransferred,
    ProposalSubmitted,
    TaskDelegated,
)
from shared.events.funding import (
    DisputeRaised,
    DisputeSettled,
    FundingApportioned,
    JointPackageAgreed,
    JointPackageEnded,
    WithoutPrejudiceSettled,
)
from shared.events.vocabulary import OrganisationKind, RelationshipBasis
from shared.organisations import organisations as register
from shared.outbox import publish
from shared.relationships import relationship

table = shared_relationships.relationships


async def start(
    session: AsyncSession,
    person_id: UUID,
    party: Party,
    source: object,
    since: datetime,
) -> None:
    """The party's relationship with the person from `since`, unless it holds it already."""
    key = Key(person_id, party[0], party[1], str(source))
    await _apply(session, key, rules.started(await _held(session, key), since))


async def end(session: AsyncSession, key: Key, until: datetime) -> None:
    """The relationship ends at `until`, unless it ends no later already."""
    await _apply(session, key, rules.ended(await _held(session, key), until))


async def _held(session: AsyncSession, key: Key) -> Held | None:
    found = (
        await session.execute(
            select(table.c.since, table.c.until).where(
                table.c.person_id == key.person_id,
                table.c.organisation == key.organisation,
                table.c.basis == key.basis.value,
                table.c.source_id == key.source_id,
            )
        )
    ).one_or_none()
    return None if found is None else Held(found.since, found.until)


async def _open_from(
    session: AsyncSession,
    person_id: UUID,
    source: object,
    bases: Iterable[RelationshipBasis],
) -> list[Key]:
    """The open relationships a source gave, on these bases."""
    rows = await session.execute(
        select(table.c.organisation, table.c.basis).where(
            table.c.person_id == person_id,
            table.c.source_id == str(source),
            table.c.basis.in_([b.value for b in bases]),
            table.c.until.is_(None),
        )
    )
    return [Key(person_id, r.organisation, RelationshipBasis(r.basis), str(source)) for r in rows]


async def _apply(session: AsyncSession, key: Key, changed: Held | None) -> None:
    """Keep the change here and publish it in the same transaction; no change, no event."""
    if changed is None:
        return
    event = relationship(
        key.person_id, key.organisation, key.basis, key.source_id, changed.since, changed.until
    )
    await shared_relationships.on_changed(session, event)
    await publish(session, event)


def _grace_after(session: AsyncSession, day: date) -> datetime:
    return rules.grace_after(day, Settings.of(session).provider_access_grace_days)


def registered(person: Person, organisation: str) -> list[RelationshipChanged]:
    """The registering organisation, and the council responsible for the person's social care,
    from the registration on. A person registered just now holds no relationship yet, so each
    starts (`rules.started` of nothing held): the caller writes the rows and these events in the
    registration's own statement, with no read first."""
    return [
        relationship(person.id, party, basis, person.id, held.since, held.until)
        for party, basis in rules.registered_parties(organisation, person.local_authority)
        if (held := rules.started(None, person.registered_at)) is not None
    ]


# Reactions to the partners' events.


async def on_proposal_submitted(session: AsyncSession, event: ProposalSubmitted) -> None:
    """The organisation that proposed a delegation for the person (R9) sits on its MDT; the
    provider it is proposed to must read the task and the person to accept it (R15)."""
    since = rules.start_of(event.submitted_on)
    for party in rules.proposal_parties(event):
        await start(session, event.person_id, party, event.proposal_id, since)


async def on_delegation_decided(session: AsyncSession, event: DelegationDecided) -> None:
    """The organisations of the MDT members who decided the proposal (R9); a refusal ends what
    the proposal gave, a grace period after the decision (told again, it reopens nothing)."""
    since = rules.start_of(event.decided_on)
    refused = event.outcome is DecisionOutcome.REFUSED
    for organisation in dict.fromkeys(event.mdt_organisations):
        key = Key(event.person_id, organisation, RelationshipBasis.MDT, str(event.proposal_id))
        if not refused or await _held(session, key) is None:
            await start(session, event.person_id, (organisation, key.basis), key.source_id, since)
    if refused:
        until = _grace_after(session, event.decided_on)
        await _end_from(session, event.person_id, event.proposal_id, rules.FROM_PROPOSAL, until)


async def on_task_delegated(session: AsyncSession, event: TaskDelegated) -> None:
    """A live task relates its provider, oversight owner, commissioner and council."""
    since = rules.start_of(event.start_date)
    for party in rules.delegated_parties(event):
        await start(session, event.person_id, party, event.delegation_id, since)


async def on_oversight_transferred(session: AsyncSession, event: OversightTransferred) -> None:
    """R17: the new owner oversees from the transfer; the old one's ends a grace period later."""
    if event.from_owner != event.to_owner:
        old = Key(
            event.person_id,
            event.from_owner,
            RelationshipBasis.OVERSIGHT,
            str(event.delegation_id),
        )
        await end(session, old, _grace_after(session, event.effective_date))
    party = (event.to_owner, RelationshipBasis.OVERSIGHT)
    since = rules.start_of(event.effective_date)
    await start(session, event.person_id, party, event.delegation_id, since)


async def _end_from(
    session: AsyncSession,
    person_id: UUID,
    source: object | None,
    bases: Iterable[RelationshipBasis],
    until: datetime,
) -> None:
    """End what a source gave on these bases at `until` (no source, nothing to end)."""
    if source is None:
        return
    for key in await _open_from(session, person_id, source, bases):
        await end(session, key, until)


async def on_delegation_ended(session: AsyncSession, event: DelegationEnded) -> None:
    """The provider and the oversight owner of the ended task, and the MDT and provider of the
    proposal it came from, see the person for the grace period after its end, then no longer."""
    until = _grace_after(session, event.effective_date)
    person = event.person_id
    await _end_from(session, person, event.delegation_id, rules.ENDS_WITH_DELEGATION, until)
    await _end_from(session, person, event.proposal_id, rules.FROM_PROPOSAL, until)


async def on_delegation_declined(session: AsyncSession, event: DelegationDeclined) -> None:
    """R15: a provider that declines the task (before or after it went live) sees the person for
    the grace period after, as does the MDT of the proposal that named it; the oversight owner
    keeps the task it takes back (R18)."""
    until = _grace_after(session, event.declined_on)
    person, provider = event.person_id, (RelationshipBasis.PROVIDER,)
    await _end_from(session, person, event.delegation_id, provider, until)
    await _end_from(session, person, event.proposal_id, rules.FROM_PROPOSAL, until)


async def on_dispute_raised(session: AsyncSession, event: DisputeRaised) -> None:
    """R22: the parties to a disputed package, and every CSU (which holds the case)."""
    csus = await session.scalars(
        select(register.c.ods_code)
        .where(register.c.kind == OrganisationKind.CSU.value)
        .order_by(register.c.ods_code)
    )
    since = rules.start_of(event.raised_on)
    for party in rules.dispute_parties(event, csus.all()):
        await start(session, event.person_id, party, event.dispute_id, since)


async def on_dispute_settled(session: AsyncSession, event: DisputeSettled) -> None:
    """R22: the CSU's case, and what the dispute gave its parties, close a grace period after
    the settlement (the parties still fund the package by its own relationship)."""
    until = _grace_after(session, today(session))
    bases = (RelationshipBasis.CSU_CASE, RelationshipBasis.COMMISSIONER)
    await _end_from(session, event.person_id, event.dispute_id, bases, until)


async def on_joint_package_agreed(session: AsyncSession, event: JointPackageAgreed) -> None:
    """R21: each funder of a joint package commissions the person's care; a funder no longer
    named sees them for the grace period after the change."""
    funders = list(dict.fromkeys(share.organisation for share in event.shares))
    commissioner = (RelationshipBasis.COMMISSIONER,)
    until = _grace_after(session, event.effective_from)
    for key in await _open_from(session, event.person_id, event.package_id, commissioner):
        if key.organisation not in funders:
            await end(session, key, until)
    since = rules.start_of(event.effective_from)
    for funder in funders:
        party = (funder, RelationshipBasis.COMMISSIONER)
        await start(session, event.person_id, party, event.package_id, since)


async def on_joint_package_ended(session: AsyncSession, event: JointPackageEnded) -> None:
    """R21: a package's funders commission the care until it ends, then the grace period."""
    until = _grace_after(session, event.ends_on)
    commissioner = (RelationshipBasis.COMMISSIONER,)
    await _end_from(session, event.person_id, event.package_id, commissioner, until)


async def on_funding_apportioned(session: AsyncSession, event: FundingApportioned) -> None:
    """R19/R20: the organisation that pays for the task's extra time commissions the person's
    care (the ICB covering without prejudice, or the one R11 names), for as long as the task."""
    party = (event.accountable_organisation, RelationshipBasis.COMMISSIONER)
    since = rules.start_of(event.effective_from)
    await start(session, event.person_id, party, event.delegation_id, since)


async def on_without_prejudice_settled(
    session: AsyncSession, event: WithoutPrejudiceSettled
) -> None:
    """R20: the organisation the funding decision made accountable commissions the care."""
    party = (event.accountable_organisation, RelationshipBasis.COMMISSIONER)
    since = rules.start_of(event.start_date)
    await start(session, event.person_id, party, event.delegation_id, since)


async def republish(session: AsyncSession) -> int:
    """Publish every relationship held here again, as it stands: after migration 0005 filled
    them from the record (a migration cannot publish), or to rebuild another service's copy.
    The others keep the row each event carries, so a relationship told twice changes nothing."""
    rows = await session.execute(select(table).order_by(table.c.person_id, table.c.since))
    count = 0
    for found in rows:
        basis = RelationshipBasis(found.basis)
        event = relationship(
            found.person_id, found.organisation, basis, found.source_id, found.since, found.until
        )
        await publish(session, event)
        count += 1
    return count
