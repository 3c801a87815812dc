"""Handbacks (R18, R20): every stop of a running delegation returns the task to its owner in the
same transaction; the owner acknowledges once; overdue ones are raised once; they close when the
task resumes, is delegated again, or ends and its funding settles."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from prometheus_client import REGISTRY
from sqlalchemy import func, select, update

from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.handbacks import HandbackState, closes_as_ended
from services.delegation.handlers import projections
from services.delegation.handlers.delegations import hand_back_on_notice
from services.delegation.handlers.handbacks import raise_overdue_handbacks
from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import Delegation, Handback
from shared.audit import audit_log
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.delegation import (
    HandbackAcknowledged,
    HandbackClosed,
    HandbackClosure,
    HandbackOpened,
    HandbackOverdue,
    StopReason,
)
from shared.events.funding import Settlement, WithoutPrejudiceSettled
from shared.events.vocabulary import Direction, OversightKind
from shared.inbox import dead_letters
from shared.outbox import outbox
from shared.service import Runtime
from shared.testing.events import deliver, published
from shared.testing.races import assert_one_winner, race
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    CITY,
    GP,
    GP_PRACTITIONER,
    IPCB,
    MANAGER,
    MDT,
    PRACTITIONER,
    competent,
    consent,
    given_accepted,
    given_acknowledged,
    given_approved,
    given_handbacks,
    given_live,
    plan,
    run_job,
    run_review_job,
    withdrawn,
)

Json = dict[str, Any]


async def opened(runtime: Runtime) -> list[HandbackOpened]:
    return [e for e in await published(runtime, HandbackOpened) if isinstance(e, HandbackOpened)]


async def closed(runtime: Runtime) -> list[HandbackClosed]:
    return [e for e in await published(runtime, HandbackClosed) if isinstance(e, HandbackClosed)]


async def test_r18_withdrawn_consent_opens_one_handback_to_the_chs_team(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, open_to_chs=True)
        await deliver(runtime, withdrawn(live), withdrawn(live))
        [handback] = await given_handbacks(client, live.delegation_id)
        events = await opened(runtime)
    assert handback["status"] == "open"
    assert handback["reason"] == "consent_withdrawn"
    assert (handback["oversight_kind"], handback["oversight_owner"]) == (
        "community_health_services",
        "LPT",
    )
    assert handback["stopped_on"] == "2026-01-05"
    assert handback["acknowledge_by"] == "2026-01-06"  # the IPCB's default: one day
    assert handback["person_id"] == str(live.person_id)
    assert handback["task_code"] == "topical-cream"
    [event] = events
    assert event.handback_id == uuid.UUID(handback["id"])
    assert event.reason is StopReason.CONSENT_WITHDRAWN
    assert (event.oversight_kind, event.oversight_owner) == (
        OversightKind.COMMUNITY_HEALTH_SERVICES,
        "LPT",
    )
    assert event.direction is Direction.HEALTH_TO_SOCIAL


async def test_r18_r17_a_person_not_open_to_chs_hands_back_to_the_gp_practice(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, open_to_chs=False)
        await deliver(runtime, withdrawn(live))
        [handback] = await given_handbacks(client, live.delegation_id)
        refused = await client.post(
            f"/handbacks/{handback['id']}/acknowledgement",
            json={"cover": "district_nursing"},
            headers=PRACTITIONER,  # LPT: not the owner here
        )
        acknowledged = await given_acknowledged(client, handback["id"], GP_PRACTITIONER)
    assert (handback["oversight_kind"], handback["oversight_owner"]) == ("primary_care", GP)
    assert refused.status_code == 403
    assert acknowledged["status"] == "acknowledged"


async def test_r18_the_provider_declining_after_acceptance_opens_a_handback(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        declined = await client.post(
            f"/delegations/{live.delegation_id}/decline",
            json={"reason": "we have lost our night staff"},
            headers=MANAGER,
        )
        [handback] = await given_handbacks(client, live.delegation_id)
        [event] = await opened(runtime)
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "declined"
    assert handback["reason"] == "declined_after_acceptance"
    assert handback["oversight_owner"] == "LPT"
    assert event.reason is StopReason.DECLINED_AFTER_ACCEPTANCE


async def test_r18_ending_a_live_delegation_opens_a_handback(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        ended = await client.post(
            f"/delegations/{live.delegation_id}/end", json={"reason": "moved away"}, headers=MDT
        )
        [handback] = await given_handbacks(client, live.delegation_id)
        [event] = await opened(runtime)
    assert ended.json()["status"] == "ended"
    assert handback["reason"] == "ended"
    assert event.reason is StopReason.ENDED


async def test_r18_ending_a_delegation_that_never_went_live_opens_no_handback(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        delegation_id = await given_approved(client, uuid.uuid4())
        ended = await client.post(
            f"/delegations/{delegation_id}/end", json={"reason": "not needed"}, headers=MDT
        )
        events = await opened(runtime)
    assert ended.json()["status"] == "ended"
    assert events == []  # social care never carried it: the task never left Health


async def test_r18_handing_back_with_notice_stays_live_until_the_notice_date_then_stops(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        notice = await client.post(
            f"/delegations/{live.delegation_id}/handback-notice",
            json={"notice_date": "2026-01-19", "reason": "the contract ends"},
            headers=MANAGER,
        )
        clock.move(timedelta(days=13))
        early = await run_job(runtime, hand_back_on_notice)
        before = await given_handbacks(client, live.delegation_id)
        clock.move(timedelta(days=1))
        stopped = await run_job(runtime, hand_back_on_notice)
        again = await run_job(runtime, hand_back_on_notice)
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        [handback] = await given_handbacks(client, live.delegation_id)
        [event] = await opened(runtime)
    assert notice.status_code == 200, notice.text
    assert notice.json()["status"] == "live"
    assert notice.json()["handback_notice_on"] == "2026-01-19"
    assert (early, before) == (0, [])
    assert (stopped, again) == (1, 0)
    assert body["status"] == "handed_back"
    assert handback["reason"] == "handed_back"
    assert handback["stopped_on"] == "2026-01-19"
    assert event.stopped_on == date(2026, 1, 19)


async def test_r18_handing_back_with_notice_today_stops_at_once_and_never_in_the_past(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        past = await client.post(
            f"/delegations/{live.delegation_id}/handback-notice",
            json={"notice_date": "2026-01-04", "reason": "no staff"},
            headers=MANAGER,
        )
        today = await client.post(
            f"/delegations/{live.delegation_id}/handback-notice",
            json={"notice_date": "2026-01-05", "reason": "no staff"},
            headers=MANAGER,
        )
        other_provider = await client.post(
            f"/delegations/{live.delegation_id}/handback-notice",
            json={"notice_date": "2026-01-05", "reason": "no staff"},
            headers=bearer(Role.PROVIDER_MANAGER, "ANOTHER-PROVIDER"),
        )
        [handback] = await given_handbacks(client, live.delegation_id)
    assert past.status_code == 422
    assert past.json()["rule"] == "R18"
    assert today.json()["status"] == "handed_back"
    assert other_provider.status_code == 404
    assert handback["reason"] == "handed_back"


async def test_r18_a_stop_that_rolls_back_leaves_no_handback(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        events_before = len(await published(runtime))
        async with runtime.sessions() as session:
            await projections.on_consent_withdrawn(session, withdrawn(live))
            status = await session.scalar(
                select(Delegation.status).where(Delegation.id == uuid.UUID(live.delegation_id))
            )
            inside = await session.scalar(select(func.count()).select_from(Handback))
            await session.rollback()
        async with runtime.sessions() as session:
            after = await session.scalar(select(func.count()).select_from(Handback))
            delegation = await session.get(Delegation, uuid.UUID(live.delegation_id))
            rows = await session.scalar(select(func.count()).select_from(outbox))
    assert (status, inside) == ("suspended", 1)  # the stop and its handback, one transaction
    assert after == 0  # so rolling the stop back leaves no handback
    assert delegation is not None
    assert delegation.status == "live"
    assert rows == events_before


async def test_r18_a_stop_whose_handback_cannot_open_does_not_happen(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION, consumer_backoff_seconds=0.01) as (client, runtime):
        live = await given_live(client, runtime)
        async with runtime.sessions() as session, session.begin():
            await session.execute(
                update(Delegation)
                .where(Delegation.id == uuid.UUID(live.delegation_id))
                .values(oversight_owner=None, oversight_kind=None)
            )
        await deliver(runtime, withdrawn(live))
        async with runtime.sessions() as session:
            delegation = await session.get(Delegation, uuid.UUID(live.delegation_id))
            handbacks = await session.scalar(select(func.count()).select_from(Handback))
            parked = (await session.execute(select(dead_letters.c.error))).scalars().all()
    assert delegation is not None
    assert delegation.status == "live"
    assert handbacks == 0
    [error] = parked
    assert "clinical oversight owner" in str(error)


async def test_r18_the_wrong_organisation_or_role_cannot_acknowledge(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(runtime, withdrawn(live))
        [handback] = await given_handbacks(client, live.delegation_id)
        url = f"/handbacks/{handback['id']}/acknowledgement"
        body = {"cover": "district_nursing"}
        gp = await client.post(url, json=body, headers=GP_PRACTITIONER)
        provider = await client.post(url, json=body, headers=MANAGER)
        worker = await client.post(url, json=body, headers=bearer(Role.CARE_WORKER, "LPT"))
        other = bearer(Role.PROVIDER_MANAGER, "ANOTHER-PROVIDER")
        hidden = await client.get(f"/handbacks/{handback['id']}", headers=other)
        missing = await client.post(
            f"/handbacks/{uuid.uuid4()}/acknowledgement", json=body, headers=PRACTITIONER
        )
        bad_cover = await client.post(url, json={"cover": "hope"}, headers=PRACTITIONER)
        still = (await client.get(f"/handbacks/{handback['id']}", headers=MDT)).json()
    assert gp.status_code == 403
    assert provider.status_code == 403
    assert worker.status_code == 403
    assert hidden.status_code == 404
    assert missing.status_code == 404
    assert bad_cover.status_code == 422
    assert still["status"] == "open"


async def test_r18_the_owner_acknowledges_once_and_names_the_cover(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(runtime, withdrawn(live))
        [handback] = await given_handbacks(client, live.delegation_id)
        first = await given_acknowledged(client, handback["id"])
        second = await client.post(
            f"/handbacks/{handback['id']}/acknowledgement",
            json={"cover": "gp_practice"},
            headers=PRACTITIONER,
        )
        events = await published(runtime, HandbackAcknowledged)
        async with runtime.sessions() as session:
            actions = (
                await session.scalars(
                    select(audit_log.c.action).where(audit_log.c.subject == handback["id"])
                )
            ).all()
    assert first["status"] == "acknowledged"
    assert first["cover"] == "district_nursing"
    assert first["acknowledged_on"] == "2026-01-05"
    assert second.status_code == 409
    assert second.headers["content-type"].startswith("application/problem+json")
    [event] = events
    assert isinstance(event, HandbackAcknowledged)
    assert (event.oversight_owner, event.cover) == ("LPT", "district_nursing")
    assert "handback.acknowledge" in actions
    assert "handback.open" in actions


async def test_r18_of_twenty_concurrent_acknowledgements_exactly_one_wins(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(runtime, withdrawn(live))
        [handback] = await given_handbacks(client, live.delegation_id)

        async def call(i: int) -> httpx.Response:
            response: httpx.Response = await client.post(
                f"/handbacks/{handback['id']}/acknowledgement",
                json={"cover": "district_nursing", "notes": f"nurse {i}"},
                headers=PRACTITIONER,
            )
            return response

        responses = await race(call)
        events = await published(runtime, HandbackAcknowledged)
    assert_one_winner(responses)
    assert len(events) == 1


async def test_r18_an_unacknowledged_handback_is_listed_overdue_and_raised_once(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        acknowledged_in_time = await given_live(client, runtime)
        await deliver(runtime, withdrawn(live), withdrawn(acknowledged_in_time))
        [in_time] = await given_handbacks(client, acknowledged_in_time.delegation_id)
        await given_acknowledged(client, in_time["id"])
        clock.move(timedelta(days=1))
        on_the_day = await run_job(runtime, raise_overdue_handbacks)
        clock.move(timedelta(days=1))
        raised = await run_job(runtime, raise_overdue_handbacks)
        again = await run_job(runtime, raise_overdue_handbacks)
        gauge = REGISTRY.get_sample_value("llr_delegation_handbacks_overdue")
        listed = (
            await client.get("/handbacks", params={"overdue": "true"}, headers=PRACTITIONER)
        ).json()["items"]
        one = (await client.get(f"/handbacks/{listed[0]['id']}", headers=MDT)).json()
        events = await published(runtime, HandbackOverdue)
    assert (on_the_day, raised, again) == (0, 1, 0)
    assert gauge == 1
    assert [h["delegation_id"] for h in listed] == [live.delegation_id]
    assert one["overdue"] is True
    assert one["overdue_flagged_on"] == "2026-01-07"
    [event] = events
    assert isinstance(event, HandbackOverdue)
    assert (event.oversight_owner, event.acknowledge_by) == ("LPT", date(2026, 1, 6))


async def test_r18_resuming_closes_the_handback(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(runtime, withdrawn(live))
        await deliver(runtime, consent(live.person_id))
        [handback] = await given_handbacks(client, live.delegation_id)
        [event] = await closed(runtime)
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
    assert body["status"] == "live"
    assert handback["status"] == "closed"
    assert handback["closure"] == "resumed"
    assert event.closure is HandbackClosure.RESUMED


async def test_r18_a_new_delegation_of_the_same_task_closes_the_open_handback_as_redelegated(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        first = await given_live(client, runtime)
        await client.post(
            f"/delegations/{first.delegation_id}/decline",
            json={"reason": "no staff"},
            headers=MANAGER,
        )
        second = await given_live(client, runtime)  # another person: leaves `first` open
        [still_open] = await given_handbacks(client, first.delegation_id)
        again = await redelegate(client, runtime, first.person_id)
        [handback] = await given_handbacks(client, first.delegation_id)
        [event] = await closed(runtime)
    assert second.delegation_id != again
    assert still_open["status"] == "open"
    assert handback["status"] == "closed"
    assert handback["closure"] == "redelegated"
    assert event.delegation_id == uuid.UUID(first.delegation_id)


async def redelegate(client: httpx.AsyncClient, runtime: Runtime, person_id: uuid.UUID) -> str:
    """The same task for the same person, delegated again and live."""
    delegation_id = await given_approved(client, person_id)
    worker = uuid.uuid4()
    await given_accepted(client, delegation_id, [worker])
    await deliver(runtime, competent(worker), plan(worker, delegation_id))
    body = (await client.get(f"/delegations/{delegation_id}", headers=MDT)).json()
    assert body["status"] == "live", body
    return delegation_id


def settled(person_id: uuid.UUID, delegation_id: str) -> WithoutPrejudiceSettled:
    return WithoutPrejudiceSettled(
        person_id=person_id,
        delegation_id=uuid.UUID(delegation_id),
        accountable_organisation="LLR-ICB",
        start_date=date(2026, 1, 5),
        decided_on=date(2026, 1, 5),
        settlements=[Settlement(payer="LLR-ICB", payee=CITY, amount_pence=0)],
    )


async def test_r20_an_ended_task_s_handback_closes_once_acknowledged_and_its_funding_settled(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await client.post(
            f"/delegations/{live.delegation_id}/end", json={"reason": "moved"}, headers=MDT
        )
        [handback] = await given_handbacks(client, live.delegation_id)
        await deliver(runtime, settled(live.person_id, live.delegation_id))
        [unacknowledged] = await given_handbacks(client, live.delegation_id)
        acknowledged = await given_acknowledged(client, handback["id"])
        [event] = await closed(runtime)
    assert unacknowledged["status"] == "open"  # nobody has taken the task back yet
    assert acknowledged["status"] == "closed"
    assert acknowledged["closure"] == "ended"
    assert event.closure is HandbackClosure.ENDED


async def test_r20_an_acknowledged_handback_of_an_ended_task_closes_when_funding_settles(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(runtime, withdrawn(live))
        [handback] = await given_handbacks(client, live.delegation_id)
        await given_acknowledged(client, handback["id"])
        await client.post(
            f"/delegations/{live.delegation_id}/end", json={"reason": "moved"}, headers=MDT
        )
        [after_end] = await given_handbacks(client, live.delegation_id)
        await deliver(runtime, settled(live.person_id, live.delegation_id))
        [after_settlement] = await given_handbacks(client, live.delegation_id)
        handbacks_opened = await opened(runtime)
    assert len(handbacks_opened) == 1  # ending a suspended task opens no second one
    assert after_end["status"] == "acknowledged"
    assert (after_settlement["status"], after_settlement["closure"]) == ("closed", "ended")


async def test_r18_a_second_stop_while_handed_back_opens_no_second_handback(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(runtime, withdrawn(live))
        suspended = await client.post(
            f"/delegations/{live.delegation_id}/clinical-suspension",
            json={"reason": "skin broken down"},
            headers=PRACTITIONER,
        )
        declined = await client.post(
            f"/delegations/{live.delegation_id}/decline", json={"reason": "x"}, headers=MANAGER
        )
        handbacks = await given_handbacks(client, live.delegation_id)
    assert suspended.json()["status"] == "clinically_suspended"
    assert declined.json()["status"] == "declined"
    assert [h["reason"] for h in handbacks] == ["consent_withdrawn"]


async def test_r18_a_social_to_health_stop_hands_the_task_back_to_the_council(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(
            client, runtime, task_code="personal-care-washing", direction="social_to_health"
        )
        await deliver(runtime, withdrawn(live))
        [handback] = await given_handbacks(client, live.delegation_id)
        nhs = await client.post(
            f"/handbacks/{handback['id']}/acknowledgement",
            json={"cover": "other_nhs_service"},
            headers=PRACTITIONER,
        )
        council = await given_acknowledged(client, handback["id"], bearer(Role.COMMISSIONER, CITY))
        [event] = await opened(runtime)
    assert handback["oversight_owner"] == CITY
    assert event.direction is Direction.SOCIAL_TO_HEALTH
    assert nhs.status_code == 403
    assert council["status"] == "acknowledged"


async def test_r18_the_ipcb_governs_the_time_to_acknowledge(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        default = await client.get("/policies/handback-acknowledgement", headers=MDT)
        refused = await client.put(
            "/policies/handback-acknowledgement",
            json={"acknowledge_within_days": 3},
            headers=MDT,
        )
        bad = await client.put(
            "/policies/handback-acknowledgement",
            json={"acknowledge_within_days": -1},
            headers=IPCB,
        )
        changed = await client.put(
            "/policies/handback-acknowledgement",
            json={"acknowledge_within_days": 3},
            headers=IPCB,
        )
        live = await given_live(client, runtime)
        await deliver(runtime, withdrawn(live))
        [handback] = await given_handbacks(client, live.delegation_id)
        async with runtime.sessions() as session:
            actions = (
                await session.scalars(
                    select(audit_log.c.action).where(audit_log.c.subject == "handback_policy")
                )
            ).all()
    assert default.json()["acknowledge_within_days"] == 1
    assert refused.status_code == 403
    assert bad.json()["errors"][0]["field"] == "acknowledge_within_days"
    assert changed.json()["acknowledge_within_days"] == 3
    assert handback["acknowledge_by"] == "2026-01-08"
    assert actions == ["handback_policy.set"]


async def test_r18_handbacks_are_listed_a_page_at_a_time_with_filters(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        chs = [await given_live(client, runtime) for _ in range(3)]
        gp = await given_live(client, runtime, open_to_chs=False)
        for live in [*chs, gp]:
            await deliver(runtime, withdrawn(live))
        first = (await client.get("/handbacks", params={"limit": 2}, headers=MDT)).json()
        second = (
            await client.get(
                "/handbacks", params={"limit": 2, "cursor": first["next_cursor"]}, headers=MDT
            )
        ).json()
        by_owner = (
            await client.get("/handbacks", params={"oversight_owner": GP}, headers=MDT)
        ).json()
        by_person = (
            await client.get("/handbacks", params={"person_id": str(chs[1].person_id)}, headers=MDT)
        ).json()
        by_state = (
            await client.get("/handbacks", params={"state": "acknowledged"}, headers=MDT)
        ).json()
        bad_cursor = await client.get("/handbacks", params={"cursor": "nope"}, headers=MDT)
    ids = [h["id"] for h in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 4
    assert second["next_cursor"] is None
    assert [h["delegation_id"] for h in by_owner["items"]] == [gp.delegation_id]
    assert [h["delegation_id"] for h in by_person["items"]] == [chs[1].delegation_id]
    assert by_state["items"] == []
    assert bad_cursor.status_code == 422


def test_r18_the_worker_raises_overdue_handbacks_and_hands_back_on_notice() -> None:
    assert raise_overdue_handbacks in DELEGATION.jobs
    assert hand_back_on_notice in DELEGATION.jobs


async def test_r18_a_review_ending_the_delegation_opens_a_handback(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        clock.move(timedelta(days=90))
        await run_review_job(runtime)
        [review] = (
            await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
        ).json()["items"]
        await client.post(
            f"/reviews/{review['id']}/outcome",
            json={"outcome": "end", "notes": "no longer needed"},
            headers=MDT,
        )
        [handback] = await given_handbacks(client, live.delegation_id)
    assert (handback["reason"], handback["stopped_on"]) == ("ended", "2026-04-05")


def test_r20_only_a_finished_task_s_acknowledged_handback_closes_on_settlement() -> None:
    acknowledged, open_ = HandbackState.ACKNOWLEDGED, HandbackState.OPEN
    for finished in (DelegationState.ENDED, DelegationState.DECLINED, DelegationState.HANDED_BACK):
        assert closes_as_ended(acknowledged, finished, funding_settled=True)
        assert not closes_as_ended(acknowledged, finished, funding_settled=False)
        assert not closes_as_ended(open_, finished, funding_settled=True)
    assert not closes_as_ended(acknowledged, DelegationState.SUSPENDED, funding_settled=True)
