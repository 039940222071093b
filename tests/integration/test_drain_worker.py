"""The in-process drain (evals, tests) leaves Ctrl-C to its caller."""

from __future__ import annotations

import signal
from typing import Any

import pytest

from workers.runtime import QUEUE_NAMES, DrainWorker, queues

pytestmark = pytest.mark.integration


def test_a_drain_installs_no_signal_handlers(redis: Any) -> None:
    """rq's handlers made the first Ctrl-C of `attune eval guidelines` a warm shutdown that
    waited for the running check-in (minutes against a local model) and stayed installed."""
    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    qs = queues(redis)
    DrainWorker([qs[n] for n in QUEUE_NAMES], connection=redis).work(burst=True)
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
