"""The funding service's routes: parse, handle, commit, respond."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from fastapi.responses import PlainTextResponse

from services.funding import handlers, queries
from services.funding.models import Dispute, JointPackage, PackageTerms, Rate
from services.funding.queries import statements
from services.funding.schemas import (
    DelegationFundingRead,
    DisputeCreate,
    DisputeRead,
    FundingDecisionCreate,
    FundingGapCreate,
    FundingGapRead,
    JointPackageCreate,
    JointPackageRead,
    RateCreate,
    RateRead,
    SegmentRead,
    SettlementRead,
    ShareIn,
    StatementRead,
    TermsCreate,
    TermsRead,
)
from services.funding.settings import Settings
from shared.auth import CurrentUser, Role, admits
from shared.errors import InvalidInput
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter()
MONEY = (Role.COMMISSIONER, Role.FINANCE_OFFICER)


@router.post(
    "/rates",
    status_code=201,
    responses=replayed(RateRead),
    tags=["rates"],
    summary="Record a provider's hourly rate",
)
async def record_rate(
    body: RateCreate, response: Response, session: Session, user: CurrentUser = admits(*MONEY)
) -> RateRead:
    """Record a provider's hourly rate from a date; the same rate again returns the first (200)."""
    rate, created = await handlers.record_rate(session, user, body)
    await session.commit()
    answer_replay(response, created)
    return RateRead.model_validate(rate)


@router.get("/rates", tags=["rates"], summary="List providers' hourly rates")
async def list_rates(
    session: Session,
    provider_organisation: str | None = None,
    user: CurrentUser = admits(*MONEY, Role.PROVIDER_MANAGER),
) -> list[RateRead]:
    """Hourly rates with their effective dates; a provider manager sees its own rates only."""
    rows: list[Rate] = list(await queries.rates(session, user, provider_organisation))
    return [RateRead.model_validate(r) for r in rows]


@router.post(
    "/funding-gaps",
    status_code=201,
    responses=replayed(FundingGapRead),
    tags=["apportionment"],
    summary="Declare that a healthcare task has no funding decision yet (R20)",
)
async def declare_funding_gap(
    body: FundingGapCreate,
    response: Response,
    session: Session,
    user: CurrentUser = admits(Role.COMMISSIONER),
) -> FundingGapRead:
    """Before the task goes live: Health will fund it without prejudice from its start date."""
    gap, created = await handlers.declare_funding_gap(session, user, body)
    await session.commit()
    answer_replay(response, created)
    return FundingGapRead.model_validate(gap)


@router.get(
    "/delegations/{delegation_id}/funding",
    tags=["apportionment"],
    summary="A delegation's apportionments and settlements (R19, R20)",
)
async def delegation_funding(
    delegation_id: UUID, session: Session, user: CurrentUser = admits(*MONEY)
) -> DelegationFundingRead:
    """Who pays for a delegation's additional time, from when, at what rate, and settlements."""
    health = Settings.of(session).health_commissioner
    delegation, segments, settled = await queries.delegation_funding(
        session, user, delegation_id, health
    )
    return DelegationFundingRead(
        **{
            k: getattr(delegation, k)
            for k in DelegationFundingRead.model_fields
            if k not in {"segments", "settlements"}
        },
        segments=[SegmentRead.model_validate(s) for s in segments],
        settlements=[SettlementRead.model_validate(s) for s in settled],
    )


@router.post(
    "/delegations/{delegation_id}/funding-decision",
    tags=["apportionment"],
    summary="Make the funding decision and settle back to the start date (R20)",
)
async def make_funding_decision(
    delegation_id: UUID,
    body: FundingDecisionCreate,
    session: Session,
    user: CurrentUser = admits(Role.COMMISSIONER),
) -> DelegationFundingRead:
    """Name the accountable organisation; what Health paid without prejudice is settled."""
    await handlers.make_funding_decision(session, user, delegation_id, body)
    await session.commit()
    return await delegation_funding(delegation_id, session, user)


@router.post(
    "/joint-packages",
    status_code=201,
    responses=replayed(JointPackageRead),
    tags=["joint packages"],
    summary="Agree a joint package's shares (R21)",
)
async def agree_joint_package(
    body: JointPackageCreate,
    response: Response,
    session: Session,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(Role.COMMISSIONER),
) -> JointPackageRead:
    """A package funded by the NHS and the local authority, in any setting, from a date."""
    package, created = await handlers.agree_joint_package(session, user, body, idempotency_key)
    await session.commit()
    answer_replay(response, created)
    return await _package(session, package)


@router.post(
    "/joint-packages/{package_id}/terms",
    status_code=201,
    tags=["joint packages"],
    summary="Change a joint package's shares from a date (R21)",
)
async def change_shares(
    package_id: UUID,
    body: TermsCreate,
    session: Session,
    user: CurrentUser = admits(Role.COMMISSIONER),
) -> JointPackageRead:
    """Shares and weekly cost change only from an effective date after the current terms."""
    package = await handlers.change_shares(session, user, package_id, body)
    await session.commit()
    return await _package(session, package)


@router.get(
    "/joint-packages/{package_id}", tags=["joint packages"], summary="A joint package (R21)"
)
async def get_joint_package(
    package_id: UUID, session: Session, user: CurrentUser = admits(*MONEY)
) -> JointPackageRead:
    """A package's terms over time, for the organisations party to it."""
    package, _ = await queries.package_for(session, user, package_id)
    return await _package(session, package)


async def _package(session: Session, package: JointPackage) -> JointPackageRead:
    rows = await queries.package_terms(session, package.id)
    return JointPackageRead(
        id=package.id,
        person_id=package.person_id,
        setting=package.setting,
        terms=[_terms(t) for t in rows],
    )


def _terms(terms: PackageTerms) -> TermsRead:
    return TermsRead(
        id=terms.id,
        effective_from=terms.effective_from,
        weekly_cost_pence=terms.weekly_cost_pence,
        shares=[
            ShareIn.model_validate(s, from_attributes=True) for s in queries.shares_of(terms.shares)
        ],
        cause=terms.cause,
    )


@router.post(
    "/joint-packages/{package_id}/disputes",
    status_code=201,
    tags=["disputes"],
    summary="Dispute a joint-funded case: it goes to the CSU (R22)",
)
async def raise_dispute(
    package_id: UUID, body: DisputeCreate, session: Session, user: CurrentUser = admits(*MONEY)
) -> DisputeRead:
    """A party raises a dispute; care and the current funding continue meanwhile."""
    dispute = await handlers.raise_dispute(session, user, package_id, body)
    await session.commit()
    return _dispute(dispute)


@router.get("/disputes", tags=["disputes"], summary="Funding disputes (R22)")
async def list_disputes(
    session: Session, user: CurrentUser = admits(*MONEY, Role.CSU_OFFICER)
) -> list[DisputeRead]:
    """CSU officers read every dispute; a party's officers the ones it is party to."""
    return [_dispute(d) for d in await queries.disputes(session, user)]


@router.get("/disputes/{dispute_id}", tags=["disputes"], summary="A funding dispute (R22)")
async def get_dispute(
    dispute_id: UUID, session: Session, user: CurrentUser = admits(*MONEY, Role.CSU_OFFICER)
) -> DisputeRead:
    """A dispute, its parties, and once resolved its outcome and effective date."""
    return _dispute(await queries.dispute(session, user, dispute_id))


def _dispute(dispute: Dispute) -> DisputeRead:
    outcome = dispute.outcome
    return DisputeRead(
        id=dispute.id,
        package_id=dispute.package_id,
        person_id=dispute.person_id,
        raised_by=dispute.raised_by,
        parties=list(dispute.parties.get("organisations", [])),
        summary=dispute.summary,
        raised_on=dispute.raised_on,
        status=dispute.status,
        outcome=None
        if outcome is None
        else [ShareIn.model_validate(s, from_attributes=True) for s in queries.shares_of(outcome)],
        effective_from=dispute.effective_from,
        resolved_on=dispute.resolved_on,
    )


Period = tuple[date, date]


def _period(period_start: date, period_end: date) -> Period:
    if period_end < period_start:
        raise InvalidInput("query.period_end", "is before period_start")
    return period_start, period_end


@router.get("/statements", tags=["statements"], summary="Your organisation's statement")
async def get_statement(
    session: Session,
    period_start: Annotated[date, Query()],
    period_end: Annotated[date, Query()],
    user: CurrentUser = admits(*MONEY),
) -> StatementRead:
    """What your organisation pays, recharges and is recharged over a period, line by line."""
    start, end = _period(period_start, period_end)
    return await statements.statement(session, user.organisation, start, end)


@router.get(
    "/statements.csv",
    tags=["statements"],
    summary="Your organisation's statement as CSV",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
async def get_statement_csv(
    session: Session,
    period_start: Annotated[date, Query()],
    period_end: Annotated[date, Query()],
    user: CurrentUser = admits(*MONEY),
) -> Response:
    """The statement for finance systems: one row per line and per settlement (text/csv)."""
    start, end = _period(period_start, period_end)
    read = await statements.statement(session, user.organisation, start, end)
    name = f"statement-{user.organisation}-{start}-{end}.csv"
    return Response(
        statements.as_csv(read),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
