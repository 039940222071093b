"""The outbound webhook retry schedule: 8 attempts over about a day, jittered within ±10 %."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.integrations.delivery import (
    JITTER,
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    retry_delay,
)


class _Extreme(random.Random):
    """Always draws one end of the range."""

    def __init__(self, end: int) -> None:
        super().__init__(0)
        self.end = end

    def uniform(self, a: float, b: float) -> float:
        return a if self.end < 0 else b


def _schedule(rng: random.Random) -> list[timedelta]:
    """When each attempt happens, from the first one."""
    at, times = timedelta(0), [timedelta(0)]
    attempt = 1
    while (delay := retry_delay(attempt, rng=rng)) is not None:
        at += delay
        times.append(at)
        attempt += 1
    return times


def test_eight_attempts_over_about_a_day() -> None:
    times = _schedule(random.Random(7))
    assert len(times) == MAX_ATTEMPTS == 8
    assert timedelta(hours=21.5) < times[-1] < timedelta(hours=27)
    unjittered = sum(RETRY_DELAYS, timedelta(0))
    assert timedelta(hours=24) < unjittered < timedelta(hours=24.5)


def test_the_waits_grow_as_documented() -> None:
    assert [d.total_seconds() for d in RETRY_DELAYS] == [
        10, 60, 600, 3600, 3 * 3600, 8 * 3600, 12 * 3600,
    ]  # fmt: skip
    assert retry_delay(MAX_ATTEMPTS) is None
    assert retry_delay(MAX_ATTEMPTS + 3) is None


def test_jitter_reaches_but_never_passes_ten_percent() -> None:
    low, high = _schedule(_Extreme(-1)), _schedule(_Extreme(+1))
    total = sum(RETRY_DELAYS, timedelta(0))
    assert low[-1] == pytest.approx(total * (1 - JITTER), abs=timedelta(milliseconds=1))
    assert high[-1] == pytest.approx(total * (1 + JITTER), abs=timedelta(milliseconds=1))


@given(attempt=st.integers(1, MAX_ATTEMPTS - 1), seed=st.integers(0, 2**32))
def test_every_wait_stays_within_its_jitter_band(attempt: int, seed: int) -> None:
    delay = retry_delay(attempt, rng=random.Random(seed))
    base = RETRY_DELAYS[attempt - 1]
    assert delay is not None
    assert base * (1 - JITTER) <= delay <= base * (1 + JITTER)


def test_jitter_spreads_receivers_that_fail_together() -> None:
    waits = {retry_delay(4, rng=random.Random(seed)) for seed in range(50)}
    assert len(waits) > 40


def test_attempts_are_numbered_from_one() -> None:
    with pytest.raises(ValueError, match="from 1"):
        retry_delay(0)
