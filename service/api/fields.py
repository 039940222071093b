"""Request fields whose JSON Schema says exactly what validation checks (SDKs are generated
from it, and schemathesis holds the two to each other)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StrictInt

# Explicit classes, not \s: Rust (pydantic), ECMA (clients) and Python disagree on \s.
BLANK = "\t\n\x0b\x0c\r "
_NOT_NUL = r"[^\x00]*"
_VISIBLE = r"[^\t\n\x0b\x0c\r \x00]"


def _strip(value: str) -> str:
    return value.strip(BLANK)


def words(max_length: int, *, min_length: int = 1, description: str | None = None) -> Any:
    """Free text: lengths count the characters as sent, at least one of them not blank when
    ``min_length`` > 0, and no NUL (Postgres text cannot hold it: a 500 before this). Blanks
    around the text are dropped after validation."""
    pattern = f"^{_NOT_NUL}{_VISIBLE}{_NOT_NUL}$" if min_length else f"^{_NOT_NUL}$"
    constraints = Field(
        min_length=min_length, max_length=max_length, pattern=pattern, description=description
    )
    return Annotated[str, constraints, AfterValidator(_strip)]


def _integral(value: object) -> object:
    # JSON Schema's "integer" is any number without a fractional part: 3.0 is one.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def level(low: int, high: int) -> Any:
    """A whole number from ``low`` to ``high`` (``3`` or ``3.0``; not ``"3"``, not ``true``)."""
    return Annotated[StrictInt, Field(ge=low, le=high), BeforeValidator(_integral)]
