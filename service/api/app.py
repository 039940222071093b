"""The Litestar application factory."""

from __future__ import annotations

import gc
import secrets
import time
import uuid
from typing import Any

import anyio
import structlog
from litestar import Litestar, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.openapi import OpenAPIConfig
from litestar.plugins.pydantic import PydanticPlugin
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from redis import Redis

from service import __version__
from service.accounts.callers import CallerCache
from service.accounts.controllers import MeController
from service.accounts.token_controllers import TokenController
from service.api.auth import (
    provide_async_db,
    provide_bearer_token,
    provide_call,
    provide_caller,
    require_bearer,
)
from service.api.idempotency import idempotency_middleware
from service.api.openapi import document_problems, problems, repair_options_allow
from service.api.problems import EXCEPTION_HANDLERS, problem
from service.api.rate_limits import RateLimiter, RateLimits, async_redis_like
from service.checkins.controllers import CheckInController
from service.checkins.partner_controllers import PartnerController
from service.conversations.chat import ChatEngine
from service.conversations.controllers import ConversationController
from service.couples.controllers import CoupleController
from service.dashboard.routes import dashboard_routes
from service.dashboard.web import template_config
from service.escalations.controllers import EscalationController
from service.escalations.service import open_escalations
from service.integrations.admin_controllers import WebhookAdminController
from service.integrations.controllers import IntegrationCheckInController
from service.knowledge.embedder import Embedder
from service.lib import metrics
from service.lib.crypto import CipherNotConfiguredError, current_cipher
from service.lib.db import AsyncDatabase, Database
from service.lib.llm import LLMGateway
from service.safety_questions.controllers import SafetyQuestionController
from service.safety_questions.service import AskingConfig

log = structlog.get_logger(__name__)
MAX_BODY_BYTES = 64 * 1024  # a check-in is a few sentences; refuse megabytes early


@get("/v1/healthz", tags=["operations"], opt={"public": True, "database": False})
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok", "version": __version__}


@get(
    "/v1/readyz",
    tags=["operations"],
    opt={
        "public": True,
        **problems({503: "Postgres or Redis does not answer; `checks` says which."}),
    },
)
async def readyz(
    adb: NamedDependency[AsyncDatabase], redis: NamedDependency[Redis]
) -> Response[dict[str, Any]]:
    """Readiness: Postgres and Redis both answer."""
    checks: dict[str, str] = {}
    try:
        await adb.ping()
        checks["database"] = "ok"
    except Exception as exc:  # report, don't crash: this endpoint exists to say what is down
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        # The API holds no async Redis client: this rare probe borrows a thread instead.
        await anyio.to_thread.run_sync(redis.ping)
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {type(exc).__name__}"
    if all(v == "ok" for v in checks.values()):
        return Response({"status": "ready", "checks": checks})
    return problem(503, "Not ready", "a backing service is unavailable", checks=checks)


@get("/metrics", include_in_schema=False)
async def scrape_metrics(
    adb: NamedDependency[AsyncDatabase], redis: NamedDependency[Redis]
) -> Response[bytes]:
    """Prometheus metrics of every Attune process (docs/operations.md). No token: like the
    health checks, keep it on the private network or behind the proxy."""
    try:
        escalations = await adb.run(open_escalations)
    except Exception as exc:  # the rest of the scrape still says what it can
        log.warning("metrics: could not read open escalations", error=type(exc).__name__)
        escalations = None
    # Reading the other processes' files and Redis blocks: a thread, not the event loop.
    body = await anyio.to_thread.run_sync(metrics.exposition, redis, escalations)
    return Response(body, media_type=metrics.CONTENT_TYPE)


def request_metrics_middleware(app: ASGIApp) -> ASGIApp:
    """Count and time each routed request by its route template: the raw path carries ids."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_and_note)
        finally:
            metrics.observe_request(
                scope["method"],  # type: ignore[typeddict-item]
                scope.get("path_template") or "unmatched",
                status,
                time.perf_counter() - started,
            )

    return middleware


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Bind a request id to every log line of the request and echo it in ``X-Request-ID``."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode()[:64]
        request_id = incoming if incoming.isprintable() and incoming else uuid.uuid4().hex

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            await app(scope, receive, send_with_id)

    return middleware


def create_app(
    db: Database,
    redis: Redis,
    chat: ChatEngine | None = None,
    *,
    callers: CallerCache | None = None,
    rate_limits: RateLimits | None = None,
) -> Litestar:
    """The API; ``chat`` defaults to an engine built from settings on first use.

    Requests run on an asyncio engine (asyncpg) opened at start-up on the same database as
    ``db``; ``db`` (sync) serves the chat turns, which embed and call a model in a thread.
    """
    from service.settings import get_settings

    settings = get_settings()
    engine = chat or default_chat_engine(db)
    cache = callers if callers is not None else CallerCache(settings.auth_cache_ttl_seconds)
    limiter = RateLimiter(
        rate_limits or RateLimits.from_settings(settings), lambda: async_redis_like(redis)
    )
    url = db.engine.url.render_as_string(hide_password=False)

    async def open_async_db(app: Litestar) -> None:
        # Long-lived objects of the imports out of the collector's way (see serve_api).
        gc.collect()
        gc.freeze()
        # Made here, not at import: asyncpg connections belong to the loop that runs the app.
        app.state.adb = AsyncDatabase.connect(
            url, pool_size=settings.api_db_pool_size, max_overflow=settings.api_db_max_overflow
        )

    async def close_async_db(app: Litestar) -> None:
        await app.state.adb.dispose()

    secure_cookies = settings.environment == "production"
    app = Litestar(
        route_handlers=[
            *dashboard_routes(dashboard_csrf_secret(), secure_cookies=secure_cookies),
            healthz,
            readyz,
            scrape_metrics,
            CheckInController,
            CoupleController,
            EscalationController,
            PartnerController,
            ConversationController,
            SafetyQuestionController,
            IntegrationCheckInController,
            WebhookAdminController,
            MeController,
            TokenController,
        ],
        on_startup=[open_async_db, limiter.open],
        on_shutdown=[close_async_db, limiter.close],
        dependencies={
            "adb": Provide(provide_async_db, sync_to_thread=False),
            "call": Provide(provide_call),
            "caller": Provide(provide_caller),
            "redis": Provide(lambda: redis, sync_to_thread=False),
            "token": Provide(provide_bearer_token, sync_to_thread=False),
            "chat": Provide(lambda: engine, sync_to_thread=False),
            "asking": Provide(default_ask_config, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        guards=[require_bearer],
        # First listed, outermost: the request metrics see the status the client gets.
        middleware=[
            request_metrics_middleware,
            request_id_middleware,
            limiter.middleware,  # before a throttled request can claim an Idempotency-Key
            idempotency_middleware,
        ],
        openapi_config=OpenAPIConfig(title="Attune", version=__version__, path="/schema"),
        request_max_body_size=MAX_BODY_BYTES,
        template_config=template_config(),
        state=State(
            {
                "db": db,
                "redis": redis,
                "callers": cache,
                "dashboard_session_hours": settings.dashboard_session_hours,
                "dashboard_secure_cookies": secure_cookies,
            }
        ),
        # Strict: "3" is not a mood and true is not a number; say so instead of coercing.
        plugins=[PydanticPlugin(validate_strict=True)],
        logging_config=None,  # structlog owns logging (service/lib/logging.py)
        debug=False,
    )
    document_problems(app)  # every error in the schema as it is served: problem+json
    repair_options_allow(app)
    return app


def dashboard_csrf_secret() -> str:
    """The dashboard's CSRF secret: derived from the encryption key, so that every API process
    accepts the tokens of the others; a random one when no key is configured (one process)."""
    try:
        return current_cipher().derive("attune-dashboard-csrf")
    except CipherNotConfiguredError:
        return secrets.token_hex(32)


def default_ask_config() -> AskingConfig:
    from service.settings import get_settings

    settings = get_settings()
    return AskingConfig(
        knowledge_dir=settings.knowledge_dir,
        quiet_hours=settings.safety_question_quiet_hours,
        answer_hours=settings.safety_question_answer_hours,
    )


def default_chat_engine(db: Database) -> ChatEngine:
    """Chat from settings: the local embedder and, if configured, the model endpoint."""
    from service.classify.provider import gateway_from_settings
    from service.knowledge.embedder import get_embedder
    from service.settings import get_settings

    settings = get_settings()

    def embedder() -> Embedder:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return get_embedder(
            settings.embedding_model,
            base_url=settings.llm_base_url,
            api_key=key,
            dim=settings.embedding_dim,
        )

    def gateway() -> LLMGateway | None:
        return gateway_from_settings(settings) if settings.llm_base_url else None

    return ChatEngine(
        db,
        embedder=embedder,
        gateway=gateway,
        knowledge_dir=settings.knowledge_dir,
        k=settings.retrieval_k,
        asking=AskingConfig(
            settings.knowledge_dir,
            quiet_hours=settings.safety_question_quiet_hours,
            answer_hours=settings.safety_question_answer_hours,
        ),
    )
