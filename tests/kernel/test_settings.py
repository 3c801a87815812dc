"""Settings: placeholder secrets and development keys are refused outside development."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.delegation.settings import Settings
from shared.clock import OffsetFileClock
from shared.settings import Environment


def test_each_service_reads_its_own_environment_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DELEGATION_DATABASE_URL", "postgresql+asyncpg://db/delegation")
    monkeypatch.setenv("FUNDING_DATABASE_URL", "postgresql+asyncpg://db/funding")
    assert Settings().database_url == "postgresql+asyncpg://db/delegation"


def test_a_placeholder_database_password_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(
            environment=Environment.PRODUCTION,
            jwks_url="https://idp/jwks",
            database_url="postgresql+asyncpg://llr:changethis@db/delegation",
        )


def test_production_without_a_jwks_url_is_refused() -> None:
    with pytest.raises(ValidationError, match="jwks_url"):
        Settings(environment=Environment.PRODUCTION, database_url="postgresql+asyncpg://db/d")


def test_development_accepts_the_defaults() -> None:
    assert Settings().environment is Environment.DEVELOPMENT


def test_a_clock_offset_file_is_refused_in_production(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="clock_offset_file"):
        Settings(
            environment=Environment.PRODUCTION,
            jwks_url="https://idp/jwks",
            database_url="postgresql+asyncpg://db/d",
            clock_offset_file=tmp_path / "c",
        )


def test_an_offset_file_clock_moves_every_reader(tmp_path: Path) -> None:
    writer, reader = OffsetFileClock(tmp_path / "clock"), OffsetFileClock(tmp_path / "clock")
    before = reader.now()
    writer.move(timedelta(days=90))
    assert timedelta(days=90) <= reader.now() - before < timedelta(days=90, minutes=1)
