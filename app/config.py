"""Settings from the environment (prefix `KENNISBRUG_`), read through `get_settings()`."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "kennisbrug-demo-secret-change-me"


class Settings(BaseSettings):
    """Runtime configuration; every field maps to `KENNISBRUG_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="KENNISBRUG_", extra="ignore")

    database_url: str = "sqlite:///kennisbrug.db"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    demo_mode: bool = False
    demo_password: SecretStr = SecretStr("kennisbrug-demo")
    token_ttl_minutes: int = Field(default=480, ge=1)
    default_municipality: str = "leiden"
    embedding_model: str | None = None
    model_cache: Path | None = None
    node_modules: Path | None = Field(
        default=None,
        description="Where `npm ci` put the NL Design System CSS (default: next to the "
        "source tree, else the working directory).",
    )
    log_json: bool = False
    server_gc_tuning: bool = Field(
        default=False,
        description="Freeze the start-up heap and collect garbage less often "
        "(app/server.py); `kennisbrug serve` turns it on.",
    )
    cookie_secure: bool = True
    max_body_bytes: int = Field(default=2_000_000, ge=1024)
    reference_date: date | None = Field(
        default=None,
        description="Pin 'today' for ranking (demos, tests); default the real date.",
    )
    interest_retention_days: int = Field(
        default=365,
        ge=1,
        description="Students' interests older than this are deleted by "
        "`kennisbrug privacy purge` (and the daily job).",
    )
    # Per-client request limits (app/ratelimit.py): `N/unit` rules joined by `;`.
    rate_limit_storage: str = Field(
        default="memory://",
        description="memory:// for one process; redis://host:6379 when several "
        "app processes must share the counters.",
    )
    rate_limit_enabled: bool = True
    rate_limit_interest: str = "5/minute;20/day"
    # Every public read (portal API and pages) per client: generous for a person,
    # a brake on scrapers and runaway scripts.
    rate_limit_public: str = "120/minute;3000/hour"
    # Failed logins per (client, email); successful logins are not counted.
    rate_limit_login: str = "5/minute;20/hour"
    # Password-reset requests per client: each sends a mail.
    rate_limit_password_reset: str = "3/minute;10/hour"
    password_reset_minutes: int = Field(
        default=30,
        ge=5,
        le=1440,
        description="Minutes a password-reset link stays valid (it works once).",
    )
    proposal_days: int = Field(
        default=14,
        ge=1,
        le=365,
        description="Days a provider has to accept or decline a proposal before it "
        "expires (and the broker is told).",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks (10.0.0.0/8) of reverse "
        "proxies whose X-Forwarded-For and X-Forwarded-Proto are believed. Empty: "
        "none, so a client cannot pick its own address (rate limits, logs).",
    )

    # --- Mail and background jobs (app/mail, app/jobs) ---------------------------
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server; unset: mails are written to the log instead.",
    )
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    mail_from: str = "Kennisbrug <noreply@kennisbrug.example>"
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of the site; every link in a mail starts here.",
    )
    mail_retention_days: int = Field(
        default=90,
        ge=1,
        description="Sent and failed mails (addresses, bodies) older than this are "
        "deleted by the daily retention job.",
    )
    in_process_worker: bool | None = Field(
        default=None,
        description="Run the background jobs inside `kennisbrug serve`. Default: on "
        "for SQLite, off for PostgreSQL (run `kennisbrug worker` there).",
    )
    worker_poll_seconds: float = Field(default=5.0, gt=0, le=3600)

    @property
    def runs_in_process_worker(self) -> bool:
        if self.in_process_worker is not None:
            return self.in_process_worker
        return self.is_sqlite

    @property
    def uses_default_secret(self) -> bool:
        return self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY

    @property
    def model_dir(self) -> Path:
        """Where `model prepare` writes and the service reads the converted model."""
        from matching.e5 import default_cache_dir  # only when a model is needed

        return (
            self.model_cache.expanduser() if self.model_cache else default_cache_dir()
        )

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
