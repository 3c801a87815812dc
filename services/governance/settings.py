"""The governance service's settings (environment variables prefixed GOVERNANCE_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GOVERNANCE_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/governance.db"
    api_port: int = 8005
    worker_port: int = 8105

    # R22: a CSU case unresolved for longer than this many days is listed as open too long.
    dispute_open_too_long_days: int = 28
    # R22: the CSU that holds joint-funding dispute cases under the LLR inter-agency policy (an
    # ODS code in the register). A case records its holder when it opens; only that CSU's
    # officers see and act on it.
    dispute_csu: str = "MLCSU"
