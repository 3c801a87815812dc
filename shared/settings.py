"""Settings every service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
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
    # Kafka security: TLS (the cluster's CA, and a client certificate where the brokers ask for
    # one) and SASL (SCRAM-SHA-512, or PLAIN, which is refused without TLS).
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_ssl_cafile: Path | None = None
    kafka_ssl_certfile: Path | None = None
    kafka_ssl_keyfile: Path | None = None
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: SecretStr = SecretStr("")

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
    # A token whose `exp` is further than this after its `iat` is refused.
    jwt_max_lifetime_seconds: int = Field(default=12 * 3600, gt=0)

    # Information governance. The partner register's first entries (R2; governance keeps it after).
    # One file for the whole platform: LLR_ORGANISATIONS_FILE, whatever the service's prefix.
    organisations_file: Path = Field(
        default=Path(__file__).parent / "data" / "organisations.csv",
        validation_alias=AliasChoices("organisations_file", "llr_organisations_file"),
    )
    # Auditors of these organisations read every organisation's audit entries.
    platform_auditor_organisations: list[str] = ["LLR-ICB"]
    # A provider reads a person's records this long after its delegation ended (IPCB may change).
    provider_access_grace_days: int = Field(default=28, ge=0, le=365)

    relay_batch_size: int = 500
    relay_interval_seconds: float = 0.05
    publish_timeout_seconds: float = 10.0
    consumer_attempts: int = 5
    consumer_backoff_seconds: float = 0.2
    scheduler_interval_seconds: float = 60.0
    # Sent outbox rows and inbox ids older than this are deleted: past it no redelivery is expected.
    retention_days: float = Field(default=7.0, gt=0)
    log_level: str = "INFO"
    otel_exporter_endpoint: str = ""
    clock_offset_file: Path | None = None  # journeys and demos move time; never in production
    migrate_on_start: bool = False
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    worker_port: int = 8100

    @model_validator(mode="after")
    def _refuse_kafka_credentials_in_clear(self) -> Self:
        protocol = self.kafka_security_protocol
        if protocol.startswith("SASL") and not (
            self.kafka_sasl_username and self.kafka_sasl_password.get_secret_value()
        ):
            raise ValueError(f"kafka_security_protocol {protocol} needs a SASL user and password")
        if protocol == "SASL_PLAINTEXT" and self.kafka_sasl_mechanism == "PLAIN":
            raise ValueError("SASL PLAIN sends the password as it is: use it over SASL_SSL only")
        if (self.kafka_ssl_certfile is None) != (self.kafka_ssl_keyfile is None):
            raise ValueError("kafka_ssl_certfile and kafka_ssl_keyfile go together")
        return self

    @model_validator(mode="after")
    def _refuse_placeholders_outside_development(self) -> Self:
        if self.environment is Environment.DEVELOPMENT:
            return self
        if PLACEHOLDER in self.database_url:
            raise ValueError(f"database_url still holds the placeholder '{PLACEHOLDER}'")
        if PLACEHOLDER in self.kafka_sasl_password.get_secret_value():
            raise ValueError(f"kafka_sasl_password still holds the placeholder '{PLACEHOLDER}'")
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
