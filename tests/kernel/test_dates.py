"""Plausible dates: schemas admit a sanity range, handlers check today; never a 5xx for a date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, ValidationError

from shared.dates import (
    EARLIEST,
    LATEST,
    MAX_EXPIRY_YEARS,
    ExpiryDate,
    PastDate,
    add_years,
    expiry_within,
    not_in_future,
)
from shared.errors import InvalidInput
from shared.problems import install_problem_handlers
from tests.conftest import given_client

TODAY = date(2026, 3, 1)


class Occurrence(BaseModel):
    occurred_on: PastDate


class Competence(BaseModel):
    valid_until: ExpiryDate


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_a_past_fact_outside_the_plausible_range_is_refused_by_the_schema(day: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Occurrence.model_validate({"occurred_on": day})
    assert refused.value.errors()[0]["loc"] == ("occurred_on",)


@pytest.mark.parametrize("day", [EARLIEST, TODAY, LATEST])
def test_a_past_fact_inside_the_plausible_range_is_admitted(day: date) -> None:
    assert Occurrence(occurred_on=day).occurred_on == day


def test_an_expiry_at_the_end_of_the_calendar_is_refused_by_the_schema() -> None:
    with pytest.raises(ValidationError):
        Competence.model_validate({"valid_until": "9999-12-31"})


def test_the_bounds_are_in_the_json_schema() -> None:
    schema = Occurrence.model_json_schema()["properties"]["occurred_on"]
    assert (schema["x-earliest"], schema["x-latest"]) == ("1900-01-01", "2199-12-31")


async def test_an_implausible_date_is_a_422_naming_the_field_not_a_500() -> None:
    app = FastAPI()
    install_problem_handlers(app)
    router = APIRouter()

    @router.post("/occurrences")
    async def record(body: Occurrence) -> dict[str, str]:
        return {"day": (body.occurred_on - timedelta(days=1)).isoformat()}

    app.include_router(router)
    async with given_client(app) as client:
        responses = [
            await client.post("/occurrences", json={"occurred_on": day})
            for day in ("0001-01-01", "9999-12-31")
        ]
    assert [r.status_code for r in responses] == [422, 422]
    assert [r.json()["errors"][0]["field"] for r in responses] == ["occurred_on"] * 2


def test_a_past_fact_may_be_today_but_not_tomorrow() -> None:
    assert not_in_future("occurred_on", TODAY, TODAY) == TODAY
    with pytest.raises(InvalidInput) as refused:
        not_in_future("occurred_on", TODAY + timedelta(days=1), TODAY)
    assert refused.value.extensions["errors"][0]["field"] == "occurred_on"
    assert "future" in refused.value.detail


def test_an_expiry_may_be_the_policy_maximum_away_but_not_a_day_more() -> None:
    latest = date(2036, 3, 1)
    assert expiry_within("valid_until", latest, TODAY) == latest
    with pytest.raises(InvalidInput) as refused:
        expiry_within("valid_until", latest + timedelta(days=1), TODAY)
    assert refused.value.extensions["errors"][0]["field"] == "valid_until"
    assert f"{MAX_EXPIRY_YEARS} years" in refused.value.detail


def test_an_expiry_policy_may_be_shorter_than_the_maximum() -> None:
    with pytest.raises(InvalidInput):
        expiry_within("valid_until", date(2028, 3, 2), TODAY, years=2)


def test_a_year_after_the_29th_of_february_is_the_28th() -> None:
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)
