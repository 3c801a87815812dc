"""Routes for the partner register (R2)."""

from fastapi import APIRouter, Path, Request, Response

from services.governance.api.common import STAFF
from services.governance.handlers import organisations as handlers
from services.governance.queries import organisations as queries
from services.governance.schemas.organisations import (
    ODS_CODE,
    OrganisationPage,
    OrganisationRead,
    OrganisationWrite,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.events.vocabulary import OrganisationKind
from shared.web import Session, answer_replay, replayed

router = APIRouter(prefix="/organisations", tags=["organisations"])


@router.get("", summary="The partner register (R2)")
async def read_register(
    request: Request,
    response: Response,
    session: Session,
    kind: OrganisationKind | None = None,
    ipcb_member: bool | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*STAFF),
) -> OrganisationPage:
    """Every organisation a token or a record may name, with its kind and IPCB membership, by
    code, a page at a time."""
    found, next_cursor = await queries.register(session, kind, ipcb_member, limit, cursor)
    return OrganisationPage(
        items=[OrganisationRead.model_validate(o) for o in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.put(
    "/{ods_code}",
    status_code=201,
    summary="Register an organisation or change its entry (R2)",
    responses=replayed(OrganisationRead),
)
async def register_organisation(
    body: OrganisationWrite,
    response: Response,
    session: Session,
    user: CurrentUser = admits(Role.IPCB_MEMBER),
    ods_code: str = Path(pattern=ODS_CODE, description="the organisation's ODS code"),
) -> OrganisationRead:
    """An IPCB member of a board organisation keeps the register; every service learns of the
    change by `OrganisationRegistered`. The same entry again answers 200 and changes nothing."""
    entry, changed = await handlers.register(session, user, ods_code, body)
    await session.commit()
    answer_replay(response, changed)
    return OrganisationRead.model_validate(entry)
