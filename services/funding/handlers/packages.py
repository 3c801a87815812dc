"""R21 joint packages: agreed in shares for a person not eligible for NHS Continuing Healthcare,
changed only from a date, reviewed (A 5.14) and ended."""

import dataclasses
from collections.abc import Sequence
from datetime import date
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from services.funding.domain import packages, reviews
from services.funding.domain.packages import PackageState
from services.funding.models import FundedDelegation, JointPackage, PackageReview, PackageTerms
from services.funding.queries.packages import as_terms, package_terms, parties_of
from services.funding.schemas.packages import (
    JointPackageCreate,
    PackageEnd,
    PackageReviewCreate,
    ShareIn,
    TermsCreate,
)
from shared import organisations
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import now, today
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.events import funding as events
from shared.outbox import publish


def share_terms(shares: Sequence[ShareIn]) -> list[packages.ShareTerm]:
    return [packages.ShareTerm(s.organisation, s.percent, s.weekly_pence) for s in shares]


def shares_document(shares: Sequence[packages.ShareTerm]) -> dict[str, object]:
    return {"shares": [dataclasses.asdict(s) for s in shares]}


def apply_state(package: JointPackage, state: PackageState) -> None:
    """Record the state the domain decided. The version moves even when the state stays, so of
    two changes to one package made at once, one wins (compare-and-set) and the other is a 409."""
    package.status = state
    flag_modified(package, "status")


async def agree_joint_package(
    session: AsyncSession, actor: CurrentUser, body: JointPackageCreate, key: str | None
) -> tuple[JointPackage, bool]:
    """R21: a package funded by the NHS and the local authority in agreed shares, any setting;
    True when this call agreed it (a repeated Idempotency-Key returns the first)."""
    if key is not None:
        existing = await session.scalar(
            select(JointPackage).where(JointPackage.idempotency_key == key)
        )
        if existing is not None:
            return existing, False
    packages.check_not_chc_eligible(body.chc_outcome, body.chc_decided_on, body.effective_from)
    shares = share_terms(body.shares)
    packages.check_shares(shares, body.weekly_cost_pence)
    await check_registered(session, shares)
    if actor.organisation not in {s.organisation for s in shares}:
        raise Forbidden("an organisation agrees only packages it is party to")
    if body.delegation_id is not None:
        await check_funds_no_council(session, body.delegation_id, shares)
    package = JointPackage(
        id=uuid4(),
        person_id=body.person_id,
        setting=body.setting.value,
        status=PackageState.AGREED,
        idempotency_key=key,
        delegation_id=body.delegation_id,
        created_by=actor.organisation,
        created_at=now(session),
        chc_outcome=body.chc_outcome,
        chc_decided_on=body.chc_decided_on,
        review_due=reviews.first_review_due(body.effective_from),
    )
    session.add(package)
    await session.flush()
    await add_terms(session, package, body.weekly_cost_pence, shares, body.effective_from, "agreed")
    await audit(session, actor, "joint_package.agree", package.id, f"R21 {body.setting.value}")
    return package, True


async def change_shares(
    session: AsyncSession, actor: CurrentUser, package_id: UUID, body: TermsCreate
) -> JointPackage:
    """R21: shares (and the weekly cost) change only from an effective date."""
    package, terms = await party_package(session, actor, package_id)
    shares = share_terms(body.shares)
    await check_registered(session, shares)
    if package.delegation_id is not None:
        await check_funds_no_council(session, package.delegation_id, shares)
    state = packages.change_shares(
        PackageState(package.status),
        [as_terms(t, package.person_id) for t in terms],
        shares,
        body.weekly_cost_pence,
        body.effective_from,
    )
    apply_state(package, state)
    await add_terms(
        session, package, body.weekly_cost_pence, shares, body.effective_from, "changed"
    )
    await audit(
        session, actor, "joint_package.change", package_id, f"R21 from {body.effective_from}"
    )
    return package


async def check_registered(session: AsyncSession, shares: Sequence[packages.ShareTerm]) -> None:
    """Each share's organisation is in the register (R2), else 422 naming the share; R21: by
    the register's kinds, the parties are the NHS and a council."""
    kinds = [
        (await organisations.named(session, share.organisation, f"shares.{i}.organisation")).kind
        for i, share in enumerate(shares)
    ]
    packages.check_parties(kinds)


async def end_package(
    session: AsyncSession, actor: CurrentUser, package_id: UUID, body: PackageEnd
) -> JointPackage:
    """R21: a party ends the package from a date, with a coded reason; its parties pay nothing
    from that day (an open dispute still settles the days paid)."""
    package, terms = await party_package(session, actor, package_id)
    existing = [as_terms(t, package.person_id) for t in terms]
    apply_state(package, packages.end_package(PackageState(package.status), existing, body.ends_on))
    package.ends_on, package.end_reason = body.ends_on, body.reason_code
    ended = events.JointPackageEnded(
        person_id=package.person_id,
        package_id=package.id,
        ends_on=body.ends_on,
        reason_code=body.reason_code,
        parties=parties_of(terms),
    )
    await publish(session, ended)
    await audit(session, actor, "joint_package.end", package_id, f"R21 {body.reason_code}")
    return package


async def review_package(
    session: AsyncSession, actor: CurrentUser, package_id: UUID, body: PackageReviewCreate
) -> PackageReview:
    """A 5.14: a party records the package's review; the next falls due twelve months on."""
    package, terms = await party_package(session, actor, package_id)
    starts_on = min(t.effective_from for t in terms)
    state, due = reviews.review(
        PackageState(package.status), starts_on, body.reviewed_on, today(session)
    )
    apply_state(package, state)
    package.review_due = due
    review = PackageReview(
        id=uuid4(),
        package_id=package_id,
        reviewed_on=body.reviewed_on,
        next_review_due=due,
        note=body.note,
        recorded_by=actor.user_id,
        recorded_at=now(session),
    )
    session.add(review)
    reviewed = events.JointPackageReviewed(
        person_id=package.person_id,
        package_id=package_id,
        reviewed_on=body.reviewed_on,
        next_review_due=due,
    )
    await publish(session, reviewed)
    await audit(session, actor, "joint_package.review", package_id, f"R21 next due {due}")
    return review


async def check_funds_no_council(
    session: AsyncSession, delegation_id: UUID, shares: Sequence[packages.ShareTerm]
) -> None:
    """R11: a package for a task that failed the s.22 test gives the council no share."""
    delegation = await session.get(FundedDelegation, delegation_id)
    if delegation is None:
        raise InvalidInput("delegation_id", "no live delegation is funded with this id")
    packages.check_no_council_share(shares, delegation.section_22_met, delegation.local_authority)


async def add_terms(
    session: AsyncSession,
    package: JointPackage,
    weekly_cost_pence: int,
    shares: Sequence[packages.ShareTerm],
    effective_from: date,
    cause: str,
) -> None:
    session.add(
        PackageTerms(
            id=uuid4(),
            package_id=package.id,
            effective_from=effective_from,
            weekly_cost_pence=weekly_cost_pence,
            shares=shares_document(shares),
            cause=cause,
            recorded_at=now(session),
        )
    )
    await publish(session, agreed(package, weekly_cost_pence, shares, effective_from))


def agreed(
    package: JointPackage, weekly: int, shares: Sequence[packages.ShareTerm], on: date
) -> events.JointPackageAgreed:
    return events.JointPackageAgreed(
        person_id=package.person_id,
        package_id=package.id,
        weekly_cost_pence=weekly,
        shares=[events.Share(**dataclasses.asdict(s)) for s in shares],
        effective_from=on,
        chc_decided_on=package.chc_decided_on,
    )


async def party_package(
    session: AsyncSession, actor: CurrentUser, package_id: UUID
) -> tuple[JointPackage, list[PackageTerms]]:
    """The package and its terms, for the organisations party to it (others get 404)."""
    package = await session.get(JointPackage, package_id)
    terms = list(await package_terms(session, package_id))
    if package is None or actor.organisation not in parties_of(terms):
        raise NotFound(f"no joint package {package_id}")
    return package, terms
