"""Settings every service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Self

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

PLACEHOLDER = "changethis"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ServiceSettings(BaseSettings):
    """Override per service with `model_config = SettingsConfigDict(env_prefix="NAME_")`."""

    model_config = SettingsConfigDict(env_prefix="LLR_", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = ""
    kafka_bootstrap: str = ""
    topic_namespace: str = ""
    consumer_group: str = ""

    jwt_issuer: str = "https://auth.llr.local"
    jwt_audience: str = "llr-platform"
    jwt_algorithms: list[str] = ["RS256"]
    jwks_url: str = ""
    dev_signing_key_file: Path = Path("data/dev-signing-key.pem")
    # Which claims carry the caller: identity providers (NHS CIS2, Entra ID) name them their own
    # way. A claim is a name or a dotted path through objects and arrays
    # (`nhsid_nrbac_roles.role_code`); it may hold one string or an array of strings.
    jwt_subject_claim: str = "sub"
    jwt_role_claim: str = "role"
    jwt_role_map: dict[str, str] = {}  # provider's role name -> platform role; empty: the same
    jwt_organisation_claim: str = "org"  # the caller's organisation (its ODS code)
    # "<key>=<claim>": of the objects in the token's arrays, only those whose <key> equals the
    # token's <claim> count (CIS2: `person_roleid=selected_roleid`, the role chosen at sign-in).
    jwt_selected_role: str = ""

    relay_batch_size: int = 500
    relay_interval_seconds: float = 0.05
    publish_timeout_seconds: float = 10.0
    consumer_attempts: int = 5
    consumer_backoff_seconds: float = 0.2
    scheduler_interval_seconds: float = 60.0
    log_level: str = "INFO"
    otel_exporter_endpoint: str = ""
    clock_offset_file: Path | None = None  # journeys and demos move time; never in production
    migrate_on_start: bool = False
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    worker_port: int = 8100

    @model_validator(mode="after")
    def _refuse_placeholders_outside_development(self) -> Self:
        if self.environment is Environment.DEVELOPMENT:
            return self
        if PLACEHOLDER in self.database_url:
            raise ValueError(f"database_url still holds the placeholder '{PLACEHOLDER}'")
        if self.environment is Environment.PRODUCTION and self.clock_offset_file:
            raise ValueError("clock_offset_file moves time: it is refused in production")
        if self.environment is Environment.PRODUCTION and not self.jwks_url:
            raise ValueError("jwks_url is required in production: development keys are refused")
        return self

    @classmethod
    def of(cls, session: AsyncSession) -> Self:
        """The running service's settings, as its handlers see them through their session."""
        from shared.db import context_of  # here, so settings alone import no SQLAlchemy

        settings = context_of(session).settings
        if not isinstance(settings, cls):
            raise TypeError(f"the session carries {type(settings).__name__}, not {cls.__name__}")
        return settings
