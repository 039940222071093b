"""The shape of one detection rule and the helper the lexicons use to declare them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from service.taxonomy import RiskCategory, RiskLevel


class Attribution(Enum):
    """Whose risk a match describes before context is considered."""

    SELF = "self"  # the pattern itself names the writer ("hit me", "kill myself")
    OTHER = "other"  # a third person ("kills herself", "hits her"): resolved by nearby nouns
    AUTO = "auto"  # a bare keyword ("suicidal", "bruises"): nearest mention, the writer included


class Kind(Enum):
    """Sub-kinds of concern rules that other rules combine with."""

    NONE = "none"
    HOPELESS = "hopeless"
    FEAR = "fear"


@dataclass(frozen=True)
class Rule:
    rule_id: str
    pattern: re.Pattern[str]
    level: RiskLevel
    category: RiskCategory | None
    attribution: Attribution
    negatable: bool
    urgent_on_timing: bool
    jokeable: bool
    kind: Kind
    guard_writer_subject: bool
    absorbs: bool

    @property
    def language(self) -> str:
        return self.rule_id.split(".", 1)[0]


# Normalisation squeezes "killlll" to "kil", so every doubled letter in a pattern may be single.
_DOUBLE = re.compile(r"(?<!\\)([a-z])\1")


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a lexicon pattern written against normalised text."""
    return re.compile(_DOUBLE.sub(r"\1\1?", pattern))


def make_rule(
    lang: str,
    label: str,
    name: str,
    pattern: str,
    level: RiskLevel,
    *,
    attribution: Attribution = Attribution.SELF,
    negatable: bool = True,
    urgent_on_timing: bool = False,
    jokeable: bool = False,
    kind: Kind = Kind.NONE,
    guard_writer_subject: bool = False,
    absorbs: bool = False,
) -> Rule:
    """Declare a rule; ``label`` is a RiskCategory value or ``concern``.

    ``absorbs``: matches of other rules inside this one's span are dropped, e.g. "threatens
    to kill himself if I leave" is coercive control, not a second, self-harm reading.
    """
    category = None if label == "concern" else RiskCategory(label)
    return Rule(
        rule_id=f"{lang}.{label}.{name}",
        pattern=compile_pattern(pattern),
        level=level,
        category=category,
        attribution=attribution,
        negatable=negatable,
        urgent_on_timing=urgent_on_timing,
        jokeable=jokeable,
        kind=kind,
        guard_writer_subject=guard_writer_subject,
        absorbs=absorbs,
    )
