"""All configuration, read from the environment in one place (nothing else reads os.environ)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev", "development"}


class Settings(BaseSettings):
    """Attune settings; every field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    """`production` refuses placeholder secrets and requires explicit DATABASE_URL/REDIS_URL."""

    data_dir: Path = Path(".attune")
    """Where the embedded Postgres and Redis keep their data (and the generated dev key)."""

    database_url: str | None = None
    """SQLAlchemy URL (``postgresql+psycopg://...``). Unset: an embedded server is started."""

    redis_url: str | None = None
    """Redis URL (``redis://`` or ``unix://``). Unset: an embedded redis-server is started."""

    encryption_key: SecretStr | None = None
    """Fernet key for every partner's text at rest (check-ins, tips, chat, evidence, webhook
    copies). Unset in development: generated into data_dir/secret.key."""

    encryption_old_keys: SecretStr | None = None
    """Earlier Fernet keys, comma-separated: they only decrypt, so data written before a key
    rotation stays readable until `attune crypto reencrypt` has moved it to ENCRYPTION_KEY
    (docs/privacy.md). In development, later lines of data_dir/secret.key count as old keys."""

    host: str = "127.0.0.1"
    """Address the API listens on."""

    port: int = 8000
    """Port the API listens on."""

    api_workers: int = Field(default_factory=lambda: default_api_processes(), ge=1, le=64)
    """API processes (`attune serve --workers`, `attune up --api-workers`). Default: one per
    core, at most 4 — an async process waits on Postgres most of a request, so one per core
    keeps every core busy under load (docs/benchmarks/ingest.md)."""

    api_db_pool_size: int = Field(default=16, ge=1, le=200)
    """Connections each API process keeps open to Postgres (asyncio engine on asyncpg). A
    check-in holds one for a single round trip; with fewer connections than requests in
    flight, requests queue for one and the tail grows (10 per process: p99 up to 62 ms at 32
    clients on 2 processes; 16: 25-28 ms, docs/benchmarks/ingest.md). Mind Postgres'
    max_connections (100 by default): processes x (pool + overflow) + workers + scheduler."""

    api_db_max_overflow: int = Field(default=0, ge=0, le=200)
    """Extra connections an API process may open under a burst. Each is opened and closed per
    use (a new Postgres backend each time), which costs more than waiting a millisecond for a
    pooled one: raise API_DB_POOL_SIZE instead unless bursts are rare."""

    auth_cache_ttl_seconds: float = Field(default=10.0, ge=0, le=300)
    """How long an API process trusts a token it has already resolved. A revoked token or a
    deleted account keeps working for at most this long; 0 looks every request up."""

    log_level: Literal["debug", "info", "warning", "error"] = "info"
    """Minimum level of the structured logs."""

    log_json: bool = False
    """Emit JSON log lines (for log shippers) instead of console-friendly lines."""

    embedding_model: str = "local:all-MiniLM-L6-v2"
    """Encoder of the knowledge base and of search queries: ``local:all-MiniLM-L6-v2`` (bundled,
    English), ``local:use-multilingual-v3`` or ``local:use+e5`` (bundled, multilingual; see
    docs/adr/0004-multilingual-encoders.md for why they are not the default yet) or
    ``openai:<model>`` via LLM_BASE_URL. Changing it re-embeds the knowledge base at the next
    `attune kb ingest`. The classifier always uses the encoder it was trained with."""

    embedding_dim: int = 384
    """Vector width of ``openai:`` embeddings (local encoders know their own width)."""

    knowledge_dir: Path = Field(default_factory=lambda: _repo_root() / "knowledge")
    """Strategy cards (``strategies/``) and crisis resources (``resources/``)."""

    llm_base_url: str | None = None
    """OpenAI-compatible endpoint. Unset: tips come from the offline composer."""

    llm_model: str = "gpt-4o-mini"
    """Model name sent to the OpenAI-compatible endpoint."""

    llm_api_key: SecretStr | None = None
    """API key for the OpenAI-compatible endpoint."""

    llm_timeout_seconds: float = 20.0
    """Per-request timeout for the model endpoint."""

    llm_max_retries: int = 2
    """Retries (with backoff) on 429/5xx/timeouts before the gateway gives up."""

    llm_context_tokens: int | None = Field(default=None, ge=512)
    """The model's context window in tokens (a local server's --n_ctx). Set: prompts are cut
    to leave room for the answer, and a prompt that cannot fit is not sent (docs/llm.md).
    Unset: no limit is assumed (hosted models)."""

    @field_validator("llm_context_tokens", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """``LLM_CONTEXT_TOKENS=`` (docker-compose passes ``${LLM_CONTEXT_TOKENS:-}``): unset."""
        return None if isinstance(value, str) and not value.strip() else value

    llm_max_output_tokens: int = Field(default=1024, ge=16)
    """Most tokens a model may write in one answer; each use asks for less (tip 600, safety
    message 350, classification 400, chat turn 350), so a small model cannot ramble on."""

    judge_base_url: str | None = None
    """OpenAI-compatible endpoint for the optional LLM-as-judge of `attune eval guidelines
    --judge` (defaults to LLM_BASE_URL)."""

    judge_model: str | None = None
    """Model for the judge (defaults to LLM_MODEL)."""

    judge_api_key: SecretStr | None = None
    """Key for the judge endpoint (defaults to LLM_API_KEY)."""

    relay_interval_seconds: float = 0.25
    """How often the outbox relay looks for check-ins to enqueue."""

    job_timeout_seconds: int = 120
    """RQ job timeout for one pipeline stage."""

    stuck_after_seconds: int = 300
    """A check-in not finished this long after its last enqueue is re-enqueued by the sweeper."""

    classify_timeout_seconds: float = 20.0
    """A classification taking longer fails closed (the check-in is treated as at risk)."""

    safety_question_quiet_hours: float = Field(default=72.0, gt=0)
    """After a partner answers "no" to a safety question, the same kind of question is not asked
    again for this long, unless a new, stronger signal appears (docs/coaching.md)."""

    safety_question_answer_hours: float = Field(default=24.0, gt=0)
    """A safety question left unanswered this long goes to the coach's low-priority lane."""

    classifier_backend: Literal["auto", "local", "llm", "rules"] = "local"
    """``local`` (default): the rules and the local model. ``llm``: the model at LLM_BASE_URL
    reads each check-in too (docs/classifier.md, rows L1-L6); ``auto``: ``llm`` when
    LLM_BASE_URL is set. Opt-in since a measured small model lowered every number: with
    Qwen2.5-Coder-1.5B, patterns micro-F1 0.66 -> 0.52 and false alarms 5 % -> 14 % on 100
    held-out texts (docs/llm.md). Measure yours with ``attune eval classify --backend llm``."""

    retrieval_k: int = 3
    """How many strategy cards a tip may draw on."""

    # worker batching
    worker_batch_size: int = Field(default=32, ge=1, le=256)
    """Most check-ins the relay puts in one worker job: the job embeds them in one call per
    encoder and runs the model heads on the matrix. The relay never waits for a batch to fill;
    it hands over what is pending every RELAY_INTERVAL_SECONDS (docs/adr/0005)."""

    worker_threads: int = Field(default=0, ge=0, le=256)
    """Intra-op threads of the encoders in one worker process. 0: the machine's cores divided by
    WORKER_PROCESSES. More threads than cores in total (4 processes x 2 threads on 2 cores)
    makes every process slower."""

    worker_processes: int = Field(default_factory=lambda: default_processes(), ge=1, le=256)
    """How many worker processes share this machine's cores: `attune up` starts this many
    (`--workers`), and WORKER_THREADS is sized from it when that is 0. Default: one per two
    cores, at most 4."""

    # webhooks and idempotency (docs/api/webhooks.md, docs/api/idempotency.md)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    """How long an outbound webhook delivery waits for the receiver before the attempt counts
    as failed (and is retried on the schedule in docs/api/webhooks.md)."""

    webhook_allow_private_urls: bool = True
    """Allow subscriptions to loopback/private addresses (development, tests, a receiver on
    the same network). Set false in production to refuse URLs that resolve to internal
    addresses."""

    idempotency_ttl_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    """How long a caller's ``Idempotency-Key`` and its first response are kept."""

    # coach dashboard (docs/dashboard.md)
    dashboard_session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    """How long a dashboard login lasts (the cookie is HttpOnly, SameSite=Lax, and Secure when
    ENVIRONMENT=production; logging out ends it at once)."""

    # account hygiene (docs/privacy.md, "Tokens and rate limits")
    invite_code_ttl_days: float = Field(default=7.0, gt=0, le=365)
    """How long a couple's invite code works (once); the partner who waits can ask for a fresh
    one with POST /v1/couples/current/invite."""

    rate_limit_enabled: bool = True
    """Throttle the JSON API (/v1/…) with counters in Redis: writes per token and per client
    address, and failed authentications per address; over a limit a request gets 429 with
    Retry-After. If Redis does not answer, requests pass (logged). Off in the test suite and in
    the benchmarks' launchers (bench/ingest.py), which send thousands of writes from
    127.0.0.1."""

    rate_limit_writes_per_minute: int = Field(default=120, ge=1)
    """POST/PUT/PATCH/DELETE a minute per bearer token (a partner checks in a few times a day;
    a chat turn is one write)."""

    rate_limit_writes_per_ip_per_minute: int = Field(default=1200, ge=1)
    """POST/PUT/PATCH/DELETE a minute per client address, token or not: many people share an
    address behind a NAT, and an integration pushes from one. Behind a proxy, the address is
    the one uvicorn takes from X-Forwarded-For (FORWARDED_ALLOW_IPS names trusted proxies)."""

    rate_limit_auth_failures_per_ip: int = Field(default=50, ge=1)
    """401 answers per client address in 15 minutes; past it every API request from that
    address gets 429, even with a right token, until the window ends (token guessing does
    not pay)."""

    @model_validator(mode="after")
    def _refuse_weak_production_config(self) -> Settings:
        if self.environment != "production":
            return self
        if self.database_url is None or self.redis_url is None:
            raise ValueError("production requires DATABASE_URL and REDIS_URL (no embedded servers)")
        key = self.encryption_key.get_secret_value() if self.encryption_key else ""
        if key.strip().lower() in _PLACEHOLDER_SECRETS:
            raise ValueError("production requires a real ENCRYPTION_KEY (a Fernet key)")
        return self

    @property
    def old_encryption_keys(self) -> list[str]:
        """ENCRYPTION_OLD_KEYS as a list (empty when unset)."""
        raw = self.encryption_old_keys.get_secret_value() if self.encryption_old_keys else ""
        return [key.strip() for key in raw.split(",") if key.strip()]

    @property
    def embedded(self) -> bool:
        """True when at least one backing service must be started by Attune itself."""
        return self.database_url is None or self.redis_url is None


def default_processes() -> int:
    """One process per two cores, between 1 and 4 (pipeline workers: the encoders use two
    threads each)."""
    return max(1, min(4, (os.cpu_count() or 2) // 2))


def default_api_processes() -> int:
    """One process per core, between 1 and 4."""
    return max(1, min(4, os.cpu_count() or 1))


def _repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return _override[0] if _override else Settings()


def use_settings(settings: Settings) -> Settings:
    """Make ``settings`` the process-wide settings (the CLI does this after parsing flags)."""
    get_settings.cache_clear()
    _override.clear()
    _override.append(settings)
    return settings


_override: list[Settings] = []
