"""What a handler needs of its running service is read through one named accessor, and the roles a
route admits are data on the route's own dependency, not attributes hung on a closure."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends
from fastapi.routing import APIRoute

from shared.auth import Admits, CurrentUser, Role, admits, roles_of
from shared.clock import MovableClock
from shared.db import context_of, create_engine, now, sessionmaker, today
from shared.errors import Forbidden
from shared.settings import ServiceSettings
from shared.web import roles_of as route_roles

ROOT = Path(__file__).parent.parent.parent
SESSION_INFO = re.compile(r"\.info\s*(\[|\.get\b)|session\.info\b")


class OtherSettings(ServiceSettings):
    pass


def test_only_shared_db_reads_what_a_session_carries() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for folder in ("shared", "services")
        for path in (ROOT / folder).rglob("*.py")
        if SESSION_INFO.search(path.read_text())
    ]
    assert readers == ["shared/db.py"]


async def test_a_session_gives_its_service_clock_and_settings_through_the_accessors() -> None:
    clock = MovableClock(datetime(2027, 3, 1, 23, 30, tzinfo=UTC))
    settings = ServiceSettings()
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    sessions = sessionmaker(engine, service="things", clock=clock, settings=settings)
    async with sessions() as session:
        assert context_of(session).service == "things"
        assert now(session) == datetime(2027, 3, 1, 23, 30, tzinfo=UTC)
        assert today(session) == date(2027, 3, 1)
        assert ServiceSettings.of(session) is settings
        with pytest.raises(TypeError, match="OtherSettings"):
            OtherSettings.of(session)
    await engine.dispose()


def given_route(*roles: Role) -> APIRoute:
    router = APIRouter()

    async def helper(user: CurrentUser = admits(*roles)) -> CurrentUser:
        return user

    @router.get("/thing")
    async def read_thing(
        user: CurrentUser = admits(*roles), _also: CurrentUser = Depends(helper)
    ) -> str:
        return user.user_id

    route = router.routes[0]
    assert isinstance(route, APIRoute)
    return route


def test_the_roles_a_route_admits_are_on_its_own_dependency_sorted_once() -> None:
    route = given_route(Role.MDT_MEMBER, Role.AUDITOR, Role.MDT_MEMBER)

    [declared] = [d.call for d in route.dependant.dependencies if isinstance(d.call, Admits)]
    assert declared.roles == (Role.AUDITOR, Role.MDT_MEMBER)
    assert roles_of(route.dependant.dependencies) == ["auditor", "mdt_member"]
    assert route_roles(route) == ["auditor", "mdt_member"]


def test_a_route_that_declares_no_roles_has_none() -> None:
    router = APIRouter()

    @router.get("/open")
    async def read_open(value: Annotated[int, Depends(lambda: 1)]) -> int:
        return value

    route = router.routes[0]
    assert isinstance(route, APIRoute)
    assert route_roles(route) is None


async def test_admits_lets_an_admitted_role_through_and_refuses_another() -> None:
    check = Admits((Role.AUDITOR,))
    auditor = CurrentUser("u1", "LLR-ICB", Role.AUDITOR)
    assert await check(auditor) is auditor
    with pytest.raises(Forbidden, match="care_worker"):
        await check(CurrentUser("u2", "LLR-ICB", Role.CARE_WORKER))
