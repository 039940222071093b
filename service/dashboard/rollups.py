"""Weekly rollups: one couple's week in numbers (check-ins, mood and connection means and
their change, pattern and burnout-signal counts, escalations), for the coach's trends.

Weeks start on Monday (UTC). Recomputing is idempotent: the rows of a window always come out
the same for the same data, a week whose data changed is overwritten, a week left without
data is removed, and unchanged rows are not rewritten (their ``computed_at`` stays).
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from service.persistence.models import CheckIn, Classification, Couple, Escalation, WeeklyRollup

# Couples per statement: bounds the size of one INSERT and of the rows held in memory.
CHUNK = 200
# Means are stored rounded, so that recomputing never differs in the last bits of a float.
DECIMALS = 3


def week_start(moment: datetime | date) -> date:
    """The Monday (UTC) of the week ``moment`` falls in."""
    day = moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def _mean(values: Sequence[int]) -> float | None:
    return round(sum(values) / len(values), DECIMALS) if values else None


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else round(now - before, DECIMALS)


@dataclass
class _Partner:
    checkins: int = 0
    moods: list[int] = field(default_factory=list)
    connections: list[int] = field(default_factory=list)


@dataclass
class _Week:
    checkins: int = 0
    moods: list[int] = field(default_factory=list)
    connections: list[int] = field(default_factory=list)
    by_partner: dict[str, _Partner] = field(default_factory=lambda: defaultdict(_Partner))
    patterns: Counter[str] = field(default_factory=Counter)
    burnout: Counter[str] = field(default_factory=Counter)
    escalations: int = 0

    def add_checkin(
        self, user_id: uuid.UUID, mood: int | None, connection: int | None, labels: Any
    ) -> None:
        partner = self.by_partner[str(user_id)]
        self.checkins += 1
        partner.checkins += 1
        if mood is not None:
            self.moods.append(mood)
            partner.moods.append(mood)
        if connection is not None:
            self.connections.append(connection)
            partner.connections.append(connection)
        if labels is not None:
            patterns, burnout = labels
            self.patterns.update(set(patterns or ()))  # a check-in counts once per label
            self.burnout.update(set(burnout or ()))

    def partners(self) -> dict[str, Any]:
        return {
            user_id: {
                "checkins": p.checkins,
                "mood_mean": _mean(p.moods),
                "connection_mean": _mean(p.connections),
            }
            for user_id, p in sorted(self.by_partner.items())
        }


def compute_rollups(
    session: Session,
    *,
    couple_ids: Iterable[uuid.UUID] | None = None,
    weeks: int = 8,
    now: datetime | None = None,
) -> int:
    """Recompute the last ``weeks`` weeks (this one included) of the given couples (default:
    all); returns how many rollup rows were written or removed."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    current = week_start(now or datetime.now(UTC))
    first = current - timedelta(weeks=weeks - 1)
    if couple_ids is None:
        ids = list(session.scalars(select(Couple.id).order_by(Couple.id)))
    else:
        ids = sorted(set(couple_ids))
    changed = 0
    for offset in range(0, len(ids), CHUNK):
        changed += _compute_chunk(session, ids[offset : offset + CHUNK], first, current)
    return changed


def _compute_chunk(
    session: Session, couple_ids: list[uuid.UUID], first: date, current: date
) -> int:
    # The week before the window is read too: the first week's trend compares against it.
    since = datetime.combine(first - timedelta(weeks=1), time.min, UTC)
    until = datetime.combine(current + timedelta(weeks=1), time.min, UTC)
    weeks: dict[tuple[uuid.UUID, date], _Week] = defaultdict(_Week)
    checkins = session.execute(
        select(
            CheckIn.couple_id,
            CheckIn.user_id,
            CheckIn.mood,
            CheckIn.connection,
            CheckIn.created_at,
            Classification.patterns,
            Classification.burnout_signals,
            Classification.checkin_id,
        )
        .outerjoin(Classification, Classification.checkin_id == CheckIn.id)
        .where(
            CheckIn.couple_id.in_(couple_ids),
            CheckIn.created_at >= since,
            CheckIn.created_at < until,
        )
        .order_by(CheckIn.created_at, CheckIn.id)
    )
    for row in checkins:
        labels = (row.patterns, row.burnout_signals) if row.checkin_id is not None else None
        week = weeks[(row.couple_id, week_start(row.created_at))]
        week.add_checkin(row.user_id, row.mood, row.connection, labels)
    escalations = session.execute(
        select(Escalation.couple_id, Escalation.created_at).where(
            Escalation.couple_id.in_(couple_ids),
            Escalation.created_at >= since,
            Escalation.created_at < until,
        )
    )
    for couple_id, created_at in escalations:
        if couple_id is not None:  # the IN filter already says so; this tells the type checker
            weeks[(couple_id, week_start(created_at))].escalations += 1

    rows = []
    for (couple_id, start), week in sorted(weeks.items()):
        if start < first:
            continue  # only read for the trend
        before = weeks.get((couple_id, start - timedelta(weeks=1)))
        mood, connection = _mean(week.moods), _mean(week.connections)
        rows.append(
            {
                "couple_id": couple_id,
                "week_start": start,
                "checkins": week.checkins,
                "partners": week.partners(),
                "mood_mean": mood,
                "connection_mean": connection,
                "mood_trend": _change(mood, _mean(before.moods) if before else None),
                "connection_trend": _change(
                    connection, _mean(before.connections) if before else None
                ),
                "patterns": dict(sorted(week.patterns.items())),
                "burnout_signals": dict(sorted(week.burnout.items())),
                "escalations": week.escalations,
            }
        )
    changed = _remove_empty_weeks(session, couple_ids, first, current, rows)
    if rows:
        changed += _upsert(session, rows)
    return changed


def _remove_empty_weeks(
    session: Session,
    couple_ids: list[uuid.UUID],
    first: date,
    current: date,
    rows: list[dict[str, Any]],
) -> int:
    """Weeks in the window that no longer have data (check-ins deleted) lose their row."""
    keep = [(r["couple_id"], r["week_start"]) for r in rows]
    query = delete(WeeklyRollup).where(
        WeeklyRollup.couple_id.in_(couple_ids),
        WeeklyRollup.week_start >= first,
        WeeklyRollup.week_start <= current,
    )
    if keep:
        query = query.where(tuple_(WeeklyRollup.couple_id, WeeklyRollup.week_start).not_in(keep))
    return len(session.execute(query.returning(WeeklyRollup.week_start)).all())


_VALUES = (
    "checkins", "partners", "mood_mean", "connection_mean", "mood_trend", "connection_trend",
    "patterns", "burnout_signals", "escalations",
)  # fmt: skip


def _upsert(session: Session, rows: list[dict[str, Any]]) -> int:
    statement = insert(WeeklyRollup).values([{**row, "computed_at": func.now()} for row in rows])
    excluded = statement.excluded
    table = WeeklyRollup.__table__.c
    # Only rows whose numbers changed are rewritten: a recompute of unchanged data writes
    # nothing (no churn every few minutes, and computed_at says when the numbers changed).
    differs = or_(*(table[name].is_distinct_from(excluded[name]) for name in _VALUES))
    statement = statement.on_conflict_do_update(
        index_elements=[WeeklyRollup.couple_id, WeeklyRollup.week_start],
        set_={**{name: excluded[name] for name in _VALUES}, "computed_at": excluded.computed_at},
        where=and_(differs),
    )
    # RETURNING counts what was written (a multi-row INSERT's rowcount is not reliable).
    return len(session.execute(statement.returning(WeeklyRollup.week_start)).all())
