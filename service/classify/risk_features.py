"""The safety rules' verdict as features for the learned risk heads (which may only raise it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from service.safety import RiskAssessment, assess_risk
from service.taxonomy import RiskCategory, RiskLevel

WIDTH = 4 + 4 + 1  # level one-hot, categories, third party


class Scored(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def mood(self) -> int | None: ...
    @property
    def connection(self) -> int | None: ...
    @property
    def locale(self) -> str | None: ...


def assessment_row(assessment: RiskAssessment) -> npt.NDArray[np.float32]:
    row = np.zeros(WIDTH, dtype=np.float32)
    row[assessment.level.rank] = 1.0
    for category in assessment.categories:
        row[4 + list(RiskCategory).index(category)] = 1.0
    row[8] = float(assessment.third_party)
    return row


def rule_features(items: Sequence[Scored]) -> npt.NDArray[np.float32]:
    rows = [
        assessment_row(assess_risk(i.text, mood=i.mood, connection=i.connection, locale=i.locale))
        for i in items
    ]
    return np.vstack(rows) if rows else np.zeros((0, WIDTH), dtype=np.float32)


__all__ = ["WIDTH", "RiskLevel", "assessment_row", "rule_features"]
