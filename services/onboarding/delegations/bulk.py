"""The delegations file a batch at a time: the domain decides each row as the handlers ask it
to (the same functions, in the same order), and a batch's rows, events and audit rows are
written in a few statements instead of some sixty round trips a row.

A row that is not plainly new (its person, task or workers already have records here, a
health need to check, a fact shared with another row of the batch) or that any rule refuses is
left to the handler path (`delegations.apply`), which then imports it or names what is wrong
exactly as the API would; tests/ops/test_import.py holds the two paths to the same events and
audit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.handlers.catalogue import task_in_force
from services.delegation.models import (
    Competence,
    Consent,
    Decision,
    Delegation,
    Handback,
    Instruction,
    NamedWorker,
    Person,
    Proposal,
    TrainingPlan,
)
from services.delegation.queries.catalogue import framework_version_in_force
from services.onboarding.delegations.decided import Known, Written, live, onboarding_row
from services.onboarding.delegations.file import LiveDelegation, describe
from services.onboarding.runner import origin
from shared import organisations, tracing
from shared.audit import audit_log
from shared.db import context_of, now, today
from shared.errors import DomainError
from shared.events import new_event_id
from shared.outbox import outbox

Numbered = tuple[int, str, LiveDelegation]  # row number, key, facts


async def load(session: AsyncSession, rows: Sequence[Numbered]) -> Known:
    facts = [f for _, _, f in rows]
    people = {f.proposal.person_id for f in facts}
    found = await session.scalars(select(Person).where(Person.person_id.in_(people)))
    tasks = {
        code: await task_in_force(session, code) for code in {f.proposal.task_code for f in facts}
    }
    names = {f.proposal.provider_organisation for f in facts} | {
        m.organisation for f in facts for m in f.decision.members
    }
    kinds = {}
    for name in names:
        registered = await organisations.find(session, name)
        kinds[name] = registered.kind if registered else None
    version = (await framework_version_in_force(session, today(session))).version
    return Known(
        {p.person_id: p for p in found}, tasks, kinds, version, await crowded(session, rows)
    )


async def crowded(session: AsyncSession, rows: Sequence[Numbered]) -> set[str]:
    """Rows the handlers must take: what they touch exists already, or another row shares it."""
    pairs = {(f.proposal.person_id, f.proposal.task_code) for _, _, f in rows}
    workers = {w.worker_id for _, _, f in rows for w in f.workers}
    consents = {f.consent_id for _, _, f in rows}
    busy_pairs = set(
        (
            await session.execute(
                select(Delegation.person_id, Delegation.task_code).where(
                    tuple_(Delegation.person_id, Delegation.task_code).in_(pairs)
                )
            )
        ).all()
    ) | set(
        (
            await session.execute(
                select(Handback.person_id, Handback.task_code).where(
                    tuple_(Handback.person_id, Handback.task_code).in_(pairs)
                )
            )
        ).all()
    )
    busy_workers = set(
        await session.scalars(select(Competence.worker_id).where(Competence.worker_id.in_(workers)))
    )
    busy_consents = set(
        await session.scalars(
            select(Consent.consent_id).where(
                or_(
                    Consent.consent_id.in_(consents),
                    tuple_(Consent.person_id, Consent.task_code).in_(pairs),
                )
            )
        )
    )
    shared = Counter(
        thing
        for _, _, f in rows
        for thing in (
            (f.proposal.person_id, f.proposal.task_code),
            f.consent_id,
            *(w.worker_id for w in f.workers),
        )
    )
    out = set()
    for _, key, f in rows:
        things = [(f.proposal.person_id, f.proposal.task_code), f.consent_id]
        things += [w.worker_id for w in f.workers]
        if (
            f.proposal.health_need_id is not None
            or things[0] in busy_pairs
            or f.consent_id in busy_consents
            or any(w.worker_id in busy_workers for w in f.workers)
            or any(shared[t] > 1 for t in things)
        ):
            out.add(key)
    return out


async def apply_batch(
    session: AsyncSession, user_id: str, file: str, rows: Sequence[Numbered]
) -> tuple[dict[int, str], list[Numbered]]:
    """Import what the domain lets through in bulk; return the ids made by row number and the
    rows left to the handler path."""
    known = await load(session, rows)
    written, made, left = Written(), {}, []
    for number, key, facts in rows:
        if key in known.crowded:
            left.append((number, key, facts))
            continue
        attempt = Written()
        try:
            delegation = live(session, user_id, key, facts, known, attempt)
        except DomainError:
            delegation = None
        if delegation is None:
            left.append((number, key, facts))
            continue
        source_id = key.split(":", 2)[-1]
        where = origin(file, number, source_id, describe(facts))
        attempt.audits.append(onboarding_row(session, user_id, delegation.id, where))
        written.rows += attempt.rows
        written.events += attempt.events
        written.audits += attempt.audits
        made[number] = str(delegation.id)
    await write(session, written)
    return made, left


ORDER: tuple[type[Any], ...] = (
    Proposal,
    Decision,
    Delegation,
    NamedWorker,
    Consent,
    Competence,
    TrainingPlan,
    Instruction,
)


async def write(session: AsyncSession, written: Written) -> None:
    """The batch in a few statements: the ORM's multi-row inserts, then the outbox and audit."""
    for model in ORDER:  # parents first: the foreign keys hold at each insert
        rows = [row for kind, row in written.rows if kind is model]
        if rows:
            await session.execute(insert(model.__table__), rows)
    at, source = now(session), f"/llr/{context_of(session).service}"
    headers = tracing.current_context_headers()
    if written.events:
        await session.execute(
            insert(outbox),
            [
                {
                    "event_id": new_event_id(),
                    "topic": e.topic,
                    "key": e.subject(),
                    "type": e.event_type(),
                    "source": source,
                    "payload": e.model_dump_json(),
                    "headers": headers,
                    "occurred_at": at,
                }
                for e in written.events
            ],
        )
    if written.audits:
        await session.execute(insert(audit_log), written.audits)
