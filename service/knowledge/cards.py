"""Strategy cards on disk: Markdown with YAML front matter, validated against one schema."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from service.taxonomy import BurnoutSignal, Pattern, RiskCategory

Stage = Literal["early", "mid", "long_term"]
_ALL_STAGES: tuple[Stage, ...] = ("early", "mid", "long_term")
CardKind = Literal["strategy", "myth", "warning_signs", "case_study", "safety", "reflection"]


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    claim: str = Field(min_length=5)
    source: str = Field(min_length=3)


class StrategyCard(BaseModel):
    """One strategy a coach could hand someone; ids are stable (tips cite them)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    title: str = Field(min_length=3, max_length=160)
    summary: str = Field(min_length=10, max_length=400)
    patterns: list[Pattern] = Field(default_factory=list)
    burnout_signals: list[BurnoutSignal] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=lambda: list(_ALL_STAGES))
    contraindications: list[RiskCategory] = Field(default_factory=list)
    kind: CardKind = "strategy"
    steps: list[str] = Field(min_length=1, max_length=8)
    evidence: list[Evidence] = Field(default_factory=list)
    # How partners describe the situations this card helps with, in their own words: retrieval
    # matches check-ins against these as well as against the card's prose.
    situations: list[str] = Field(default_factory=list, max_length=40)
    version: int = Field(default=1, ge=1)
    body: str = Field(min_length=50)
    source_path: str = ""
    content_hash: str = ""

    @field_validator("steps")
    @classmethod
    def _steps_are_sentences(cls, steps: list[str]) -> list[str]:
        for step in steps:
            if len(step.strip()) < 8:
                raise ValueError(f"step too short to act on: {step!r}")
        return steps


class CardError(ValueError):
    """A card file is invalid; the message names the file and the field."""


def parse_card(path: Path) -> StrategyCard:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    if not text.startswith("---"):
        raise CardError(f"{path}: missing YAML front matter (the file must start with '---')")
    try:
        _, front, body = text.split("---", 2)
    except ValueError:
        raise CardError(f"{path}: front matter is not closed with '---'") from None
    try:
        meta = yaml.safe_load(front) or {}
    except yaml.YAMLError as exc:
        raise CardError(f"{path}: front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise CardError(f"{path}: front matter must be a mapping")
    try:
        card = StrategyCard(
            **meta,
            body=body.strip(),
            source_path=str(path),
            content_hash=hashlib.sha256(raw).hexdigest(),
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"field '{'.'.join(str(p) for p in err['loc'])}': {err['msg']}" for err in exc.errors()
        )
        raise CardError(f"{path}: {problems}") from None
    if card.id != path.stem:
        raise CardError(f"{path}: field 'id': {card.id!r} must equal the file name {path.stem!r}")
    return card


def load_cards(directory: Path) -> list[StrategyCard]:
    """All cards under ``directory``, sorted by id; raises CardError listing every bad file."""
    cards: list[StrategyCard] = []
    errors: list[str] = []
    for path in sorted(directory.glob("*.md")):
        if path.name.upper() == "README.MD":
            continue
        try:
            cards.append(parse_card(path))
        except CardError as exc:
            errors.append(str(exc))
    if errors:
        raise CardError("\n".join(errors))
    ids = [c.id for c in cards]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CardError(f"duplicate card ids: {', '.join(dupes)}")
    return cards
