"""Re-encrypting every encrypted or sealed column under the current key (`attune crypto …`).

Every column whose type encrypts (``EncryptedText``, ``SealedText``, ``SealedJSON``, the quotes
of ``EvidenceJSON``) is read raw, in primary-key order and in batches; a value under an old key
is re-encrypted under the current one, plaintext left from before encryption (tip titles and
bodies, generation verdicts, early evidence quotes) is sealed, and a value already under the
current key is left alone, so a second run writes nothing. Each write is a compare-and-set on
the value read, so a row changed meanwhile by the running service is left as that write made
it (and counted as ``skipped``: run again). Timestamps such as ``updated_at`` are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import (
    Column,
    LargeBinary,
    Table,
    Text,
    and_,
    literal,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from service.lib.crypto import (
    UndecryptableError,
    current_cipher,
    is_sealed_json,
    is_sealed_text,
    reseal_json,
    reseal_text,
)
from service.persistence.models import Base, EncryptedText
from service.persistence.sealed import EvidenceJSON, SealedJSON, SealedText

BATCH_SIZE = 500
_RAW: dict[type, TypeEngine[Any]] = {
    EncryptedText: LargeBinary(),
    SealedText: Text(),
    SealedJSON: JSONB(),
    EvidenceJSON: JSONB(),
}

Progress = Callable[[str, int], None]


class ReencryptError(RuntimeError):
    """A stored value cannot be decrypted with any configured key."""


@dataclass
class ColumnCount:
    """What one column held: values read, and what was done to them."""

    rows: int = 0
    reencrypted: int = 0  # under an old key, now under the current one
    sealed: int = 0  # plaintext from before encryption, now encrypted
    current: int = 0  # already under the current key: untouched
    skipped: int = 0  # changed by someone else between read and write: run again

    def as_json(self) -> dict[str, int]:
        return asdict(self)


def encrypted_columns() -> list[tuple[Table, Column[Any]]]:
    """Every (table, column) whose type encrypts, in a stable order."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if type(column.type) in _RAW:
                found.append((table, column))
    return found


def reencrypt_all(
    session: Session,
    *,
    batch_size: int = BATCH_SIZE,
    commit_batches: bool = True,
    progress: Progress | None = None,
) -> dict[str, ColumnCount]:
    """Bring every encrypted value under the current key; counts per ``table.column``.

    ``commit_batches``: commit after each batch (with every old key configured, a crash
    midway leaves each value readable); False: the caller commits once, at the end."""
    counts: dict[str, ColumnCount] = {}
    for table, column in encrypted_columns():
        name = f"{table.name}.{column.name}"
        count = counts[name] = ColumnCount()
        for batch in _batches(session, table, column, batch_size):
            for pk, value in batch:
                _one(session, table, column, pk, value, count, name)
            if commit_batches:
                session.commit()
            if progress is not None:
                progress(name, count.rows)
    return counts


def _batches(
    session: Session, table: Table, column: Column[Any], size: int
) -> Iterator[list[tuple[tuple[Any, ...], Any]]]:
    """(primary key, raw value) of the non-null values, ``size`` at a time (keyset paging)."""
    keys = list(table.primary_key.columns)
    last: tuple[Any, ...] | None = None
    while True:
        query = select(*keys, _raw(column)).where(column.is_not(None)).order_by(*keys).limit(size)
        if last is not None:
            query = query.where(tuple_(*keys) > tuple_(*last))
        rows = [(tuple(r[:-1]), r[-1]) for r in session.execute(query)]
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _raw(column: Column[Any]) -> Any:
    """The column as stored, without its type's encryption on the way in or out."""
    return type_coerce(column, _RAW[type(column.type)])


def _one(
    session: Session,
    table: Table,
    column: Column[Any],
    pk: tuple[Any, ...],
    value: Any,
    count: ColumnCount,
    name: str,
) -> None:
    count.rows += 1
    try:
        new, was_plain = _rewrite(column, value)
    except UndecryptableError as exc:
        where = ", ".join(
            f"{c.name}={v}" for c, v in zip(table.primary_key.columns, pk, strict=True)
        )
        raise ReencryptError(f"{name} ({where}): {exc}") from None
    if new is None:
        count.current += 1
        return
    raw = _RAW[type(column.type)]
    keys = table.primary_key.columns
    values: dict[Any, Any] = {column.name: literal(new, raw)}
    # Keep "last changed" columns as they are: re-encrypting changes nothing a user wrote.
    values.update({c.name: c for c in table.columns if c.onupdate is not None})
    statement = (
        update(table)
        .where(
            and_(*(c == v for c, v in zip(keys, pk, strict=True))),
            _raw(column) == literal(value, raw),
        )
        .values(values)
    )
    if session.execute(statement).rowcount == 0:  # type: ignore[attr-defined]
        count.skipped += 1
    elif was_plain:
        count.sealed += 1
    else:
        count.reencrypted += 1


def _rewrite(column: Column[Any], value: Any) -> tuple[Any, bool]:
    """(the value under the current key or None if it already is, whether it was plaintext)."""
    kind = type(column.type)
    if kind is EncryptedText:
        token = bytes(value)
        cipher = current_cipher()
        return (None if cipher.is_current(token) else cipher.reencrypt(token)), False
    if kind is SealedText:
        return reseal_text(value), not is_sealed_text(value)
    if kind is SealedJSON:
        return reseal_json(value), not is_sealed_json(value)
    return _rewrite_evidence(value)


def _rewrite_evidence(value: Any) -> tuple[Any, bool]:
    spans = value.get("spans") if isinstance(value, dict) else None
    if not isinstance(spans, list):
        return None, False
    changed, plain, out = False, False, []
    for span in spans:
        quote = span.get("quote") if isinstance(span, dict) else None
        if isinstance(quote, str) and quote:
            resealed = reseal_text(quote)
            if resealed is not None:
                changed = True
                plain = plain or not is_sealed_text(quote)
                span = {**span, "quote": resealed}
        out.append(span)
    return ({**value, "spans": out} if changed else None), plain
