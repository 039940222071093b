"""Column types that keep a partner's words encrypted inside ``text`` and ``jsonb`` columns.

They change what is stored, not the schema: the columns keep the types the migrations declare,
and rows written before these types existed (plaintext) still read as they are until `attune
crypto reencrypt` seals them (docs/privacy.md). Nothing queries these columns by content in
SQL; a column that must be searched or filtered in SQL cannot be sealed this way.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

from service.lib.crypto import open_json, open_text, seal_json, seal_spans, seal_text


class SealedText(TypeDecorator[str]):
    """Text stored as ``enc:<fernet token>``; plaintext exists only in memory."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else seal_text(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else open_text(value)


class SealedJSON(TypeDecorator[dict[str, Any]]):
    """A JSON document stored whole as ``{"enc": "<fernet token>"}``."""

    impl = JSONB
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else seal_json(value)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else open_json(value)


class EvidenceJSON(TypeDecorator[dict[str, Any]]):
    """Evidence (``{"spans": [{"label", "start", "end", "quote", …}], …}``) whose quotes are
    sealed one by one: labels and offsets stay readable for the dashboard, the quoted words do
    not. Read back as stored; readers open the quotes they may show with ``open_spans``."""

    impl = JSONB
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        # Writers seal quotes already (seal_spans); this catches one that forgot.
        if isinstance(value, dict) and isinstance(value.get("spans"), list):
            spans = [s for s in value["spans"] if isinstance(s, dict)]
            if len(spans) == len(value["spans"]):
                return {**value, "spans": seal_spans(spans)}
        return value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return value
