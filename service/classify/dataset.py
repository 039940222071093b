"""The labelled check-ins in ``evals/data/``: loading, splits, label matrices."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from service.taxonomy import BurnoutSignal, Pattern, RiskCategory, RiskLevel

DATA_DIR = Path(__file__).resolve().parents[2] / "evals" / "data"
# From this many words on, a text counts as long-form (a forum post, a letter) in the reports.
LONG_FORM_WORDS = 100
CHECKIN_FILES = (
    "checkins_everyday.jsonl",
    "checkins_everyday2.jsonl",
    "checkins_safety.jsonl",
    "checkins_safety2.jsonl",
    "checkins_everyday3.jsonl",
    "checkins_safety3.jsonl",
    "checkins_everyday4.jsonl",
    "checkins_safety4.jsonl",
    "checkins_everyday5.jsonl",
    "checkins_safety5.jsonl",
    "longform_en_everyday.jsonl",
    "longform_en_hardneg.jsonl",
    "longform_en_selfharm.jsonl",
    "longform_en_danger.jsonl",
    "multilingual_de.jsonl",
    "multilingual_fr.jsonl",
    "multilingual_es.jsonl",
)

_WORD = re.compile(r"\w+", re.UNICODE)
PATTERN_IDS = [str(p) for p in Pattern]
BURNOUT_IDS = [str(b) for b in BurnoutSignal]
CATEGORY_IDS = [str(c) for c in RiskCategory]
LEVEL_IDS = [str(level) for level in RiskLevel]


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    mood: int | None
    connection: int | None
    locale: str | None
    risk_level: str
    risk_categories: list[str]
    patterns: list[str]
    burnout_signals: list[str]
    split: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str:
        """The language the text was written in, from its locale (``en`` when none is given)."""
        return (self.locale or "en").split("-")[0].lower()

    @property
    def register(self) -> str:
        """``longform`` (a forum post, a letter, a long message) or ``checkin``."""
        return register_of(self.text)


def register_of(text: str) -> str:
    return "longform" if len(_WORD.findall(text)) >= LONG_FORM_WORDS else "checkin"


def load_examples(
    files: tuple[str, ...] = CHECKIN_FILES, directory: Path = DATA_DIR
) -> list[Example]:
    examples: list[Example] = []
    for name in files:
        path = directory / name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                examples.append(
                    Example(
                        id=str(row["id"]),
                        text=str(row["text"]),
                        mood=row.get("mood"),
                        connection=row.get("connection"),
                        locale=row.get("locale"),
                        risk_level=row.get("risk_level", "none"),
                        risk_categories=list(row.get("risk_categories", [])),
                        patterns=list(row.get("patterns", [])),
                        burnout_signals=list(row.get("burnout_signals", [])),
                        split=row.get("split", "train"),
                    )
                )
            except (KeyError, ValueError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: {exc}") from None
    return examples


def split(examples: list[Example], name: str) -> list[Example]:
    return [e for e in examples if e.split == name]


def label_matrix(examples: list[Example], ids: list[str], attr: str) -> npt.NDArray[np.int8]:
    return np.array(
        [[int(i in getattr(e, attr)) for i in ids] for e in examples], dtype=np.int8
    ).reshape(len(examples), len(ids))


def fingerprint(examples: list[Example]) -> str:
    """A hash of the training texts and labels, stored with the model it produced."""
    digest = hashlib.sha256()
    for e in examples:
        digest.update(
            json.dumps(
                [e.id, e.text, e.risk_level, e.risk_categories, e.patterns, e.burnout_signals]
            ).encode()
        )
    return digest.hexdigest()[:16]
