"""Settings: placeholder secrets and development keys are refused outside development."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.delegation.settings import Settings
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
