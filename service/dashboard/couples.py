"""Couple pages and the audit log page.

A coach sees the couples assigned to them (an admin: all); any other couple is "not found",
so its existence does not leak, and nothing is recorded as read. Levels, labels and trends
are always shown; a partner's words (check-in text, evidence) only while that partner allows
their coach to read them, read again on every request so that withdrawing consent works at
once. Every couple page is one ``read_couple`` audit row, plus one ``read_evidence`` row when
any words were shown.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from markupsafe import Markup, escape
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer, selectinload

from service.dashboard import audit
from service.dashboard.auth import DashboardUser
from service.dashboard.charts import Series, chart_table, line_chart
from service.dashboard.queue import age
from service.dashboard.web import Visit, page
from service.errors import NotFoundError
from service.lib.crypto import open_spans
from service.persistence.models import (
    CheckIn,
    CoachAssignment,
    Couple,
    Escalation,
    KnowledgeCard,
    User,
    WeeklyRollup,
)

MAX_COUPLES = 500
CHECKINS_SHOWN = 50
CHART_WEEKS = 12
CHART_POINTS = 1000
ROLLUP_WEEKS = 8
AUDIT_ROWS = 200


def visible_couple_ids(viewer: DashboardUser) -> Select[uuid.UUID]:
    """The couples ``viewer`` may see: an admin all, a coach the assigned ones."""
    if viewer.is_admin:
        return select(Couple.id)
    return select(CoachAssignment.couple_id).where(CoachAssignment.coach_id == viewer.id)


def highlight(text: str, spans: Iterable[dict[str, Any]]) -> Markup:
    """``text`` escaped, with the evidence spans wrapped in ``<mark>`` (overlaps merged).

    A span is placed by its offsets when they still point at its quote, else by finding the
    quote; a span that fits neither is left out rather than marking the wrong words.
    """
    found: list[tuple[int, int, str]] = []
    for span in spans:
        start, end, quote = span.get("start"), span.get("end"), span.get("quote")
        label = str(span.get("label") or "")
        if (
            isinstance(start, int)
            and isinstance(end, int)
            and 0 <= start < end <= len(text)
            and (not quote or text[start:end] == quote)
        ):
            found.append((start, end, label))
        elif isinstance(quote, str) and quote and (at := text.find(quote)) >= 0:
            found.append((at, at + len(quote), label))
    merged: list[tuple[int, int, set[str]]] = []
    for start, end, label in sorted(found):
        if merged and start <= merged[-1][1]:
            last_start, last_end, labels = merged[-1]
            merged[-1] = (last_start, max(last_end, end), labels | {label})
        else:
            merged.append((start, end, {label}))
    pieces: list[Markup] = []
    position = 0
    for start, end, labels in merged:
        pieces.append(escape(text[position:start]))
        why = ", ".join(sorted(x.replace("_", " ") for x in labels if x))
        pieces.append(Markup('<mark title="{}">{}</mark>').format(why, text[start:end]))
        position = end
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)


def signed(value: float | None) -> str:
    """A change as text: "+0.5", "-1.25", "0"; "" when there is nothing to compare."""
    if value is None:
        return ""
    if abs(value) < 0.005:
        return "0"
    return f"{value:+.2f}".rstrip("0").rstrip(".")


def mean_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def couple_name(names: Sequence[str]) -> str:
    return " & ".join(names) if names else "No partners yet"


@dataclass(frozen=True)
class CoupleRow:
    id: uuid.UUID
    name: str
    last_checkin: datetime | None
    last_age: str | None
    unresolved: int


def couple_rows(session: Session, viewer: DashboardUser) -> tuple[list[CoupleRow], bool]:
    """The couples the viewer may see, most unresolved escalations first, then most recent
    check-in; and whether the list was cut at MAX_COUPLES."""
    ids = list(session.scalars(visible_couple_ids(viewer).limit(MAX_COUPLES + 1)))
    cut = len(ids) > MAX_COUPLES
    ids = ids[:MAX_COUPLES]
    names: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    for couple_id, name in session.execute(
        select(User.couple_id, User.name)
        .where(User.couple_id.in_(ids))
        .order_by(User.created_at, User.id)
    ):
        if couple_id is not None:
            names[couple_id].append(name)
    last = dict(
        session.execute(
            select(CheckIn.couple_id, func.max(CheckIn.created_at))
            .where(CheckIn.couple_id.in_(ids))
            .group_by(CheckIn.couple_id)
        ).all()
    )
    unresolved = dict(
        session.execute(
            select(Escalation.couple_id, func.count())
            .where(Escalation.couple_id.in_(ids), Escalation.status != "resolved")
            .group_by(Escalation.couple_id)
        ).all()
    )
    now = datetime.now(UTC)
    rows = [
        CoupleRow(
            id=i,
            name=couple_name(names[i]),
            last_checkin=last.get(i),
            last_age=age(last[i], now) if last.get(i) else None,
            unresolved=unresolved.get(i, 0),
        )
        for i in ids
    ]
    oldest = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda r: (-r.unresolved, -(r.last_checkin or oldest).timestamp(), r.name))
    return rows, cut


@dataclass(frozen=True)
class CheckInView:
    id: uuid.UUID
    at: datetime
    partner: str
    mood: int | None
    connection: int | None
    status: str
    risk_level: str | None
    risk_categories: list[str]
    patterns: list[str]
    burnout_signals: list[str]
    consent: bool
    text: Markup | None  # None: the partner has not allowed their coach to read it


@dataclass(frozen=True)
class TipView:
    at: datetime
    partner: str
    kind: str
    title: str
    citations: list[tuple[str, str]]  # (card id, card title)


@dataclass(frozen=True)
class WeekView:
    start: str
    checkins: int
    by_partner: list[str]
    mood: str
    mood_change: str
    connection: str
    connection_change: str
    patterns: list[tuple[str, int]]
    burnout_signals: list[tuple[str, int]]
    escalations: int


def _counts(labels: dict[str, Any]) -> list[tuple[str, int]]:
    return sorted(((k, int(v)) for k, v in labels.items()), key=lambda kv: (-kv[1], kv[0]))


def week_views(rollups: Sequence[WeeklyRollup], names: dict[str, str]) -> list[WeekView]:
    views = []
    for r in rollups:
        partners = [
            f"{names.get(user_id, 'former partner')} {int(p.get('checkins', 0))}"
            for user_id, p in sorted(r.partners.items(), key=lambda kv: names.get(kv[0], kv[0]))
        ]
        views.append(
            WeekView(
                start=r.week_start.isoformat(),
                checkins=r.checkins,
                by_partner=partners,
                mood=mean_text(r.mood_mean),
                mood_change=signed(r.mood_trend),
                connection=mean_text(r.connection_mean),
                connection_change=signed(r.connection_trend),
                patterns=_counts(r.patterns),
                burnout_signals=_counts(r.burnout_signals),
                escalations=r.escalations,
            )
        )
    return views


def _writers(session: Session, partners: list[User], user_ids: set[uuid.UUID]) -> dict[Any, User]:
    """The couple's partners and anyone else who wrote its check-ins (a partner who left),
    with their consent as it is now."""
    writers = {u.id: u for u in partners}
    missing = user_ids - set(writers)
    if missing:
        writers.update({u.id: u for u in session.scalars(select(User).where(User.id.in_(missing)))})
    return writers


def _charts(
    session: Session, couple_id: uuid.UUID, writers: dict[Any, User], now: datetime
) -> dict[str, Any]:
    rows = list(
        session.execute(
            select(CheckIn.user_id, CheckIn.created_at, CheckIn.mood, CheckIn.connection)
            .where(
                CheckIn.couple_id == couple_id,
                CheckIn.created_at >= now - timedelta(weeks=CHART_WEEKS),
            )
            .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
            .limit(CHART_POINTS)
        )
    )
    rows.reverse()
    # A partner who left may have points here but no check-in among the latest listed.
    writers = _writers(session, list(writers.values()), {r.user_id for r in rows})
    order = list(writers)
    charts: dict[str, Any] = {}
    for key, title in (("mood", "Mood"), ("connection", "Connection")):
        series = [
            Series(
                writers[user_id].name,
                [(r.created_at, getattr(r, key)) for r in rows if r.user_id == user_id],
            )
            for user_id in order
            if any(r.user_id == user_id for r in rows) or writers[user_id].couple_id == couple_id
        ]
        charts[key] = {
            "svg": line_chart(
                chart_id=f"{key}-chart",
                title=f"{title} per check-in, last {CHART_WEEKS} weeks",
                series=series,
                y_label=title,
            ),
            "table": chart_table(caption=f"{title} per check-in", series=series, value_label=title),
        }
    return charts


def couple_page(session: Session, visit: Visit, couple_id: uuid.UUID) -> dict[str, Any]:
    """Everything on one couple's page, read in one transaction and recorded as read."""
    couple = session.scalar(
        select(Couple).where(
            Couple.id == couple_id, Couple.id.in_(visible_couple_ids(visit.viewer))
        )
    )
    if couple is None:  # not there, or not this coach's: the same answer, nothing recorded
        raise NotFoundError("couple not found")
    now = datetime.now(UTC)
    partners = list(
        session.scalars(
            select(User).where(User.couple_id == couple.id).order_by(User.created_at, User.id)
        )
    )
    checkins = list(
        session.scalars(
            select(CheckIn)
            .where(CheckIn.couple_id == couple.id)
            # The text is read below only for partners who allow it.
            .options(
                defer(CheckIn.text), selectinload(CheckIn.classification), selectinload(CheckIn.tip)
            )
            .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
            .limit(CHECKINS_SHOWN)
        )
    )
    writers = _writers(session, partners, {c.user_id for c in checkins})
    readable = [c.id for c in checkins if writers[c.user_id].coach_can_read_text]
    texts: dict[uuid.UUID, str] = (
        dict(
            session.execute(select(CheckIn.id, CheckIn.text).where(CheckIn.id.in_(readable))).all()
        )
        if readable
        else {}
    )
    views = []
    for c in checkins:
        labels = c.classification
        text = texts.get(c.id)
        spans = labels.evidence.get("spans", []) if labels and labels.evidence else []
        views.append(
            CheckInView(
                id=c.id,
                at=c.created_at,
                partner=writers[c.user_id].name,
                mood=c.mood,
                connection=c.connection,
                status=c.status,
                risk_level=labels.risk_level if labels else None,
                risk_categories=list(labels.risk_categories) if labels else [],
                patterns=list(labels.patterns) if labels else [],
                burnout_signals=list(labels.burnout_signals) if labels else [],
                consent=text is not None,
                text=None if text is None else highlight(text, open_spans(spans)),
            )
        )
    cards = {card for c in checkins if c.tip for card in c.tip.citations}
    titles = (
        dict(
            session.execute(
                select(KnowledgeCard.id, KnowledgeCard.title).where(KnowledgeCard.id.in_(cards))
            ).all()
        )
        if cards
        else {}
    )
    tips = [
        TipView(
            at=c.tip.created_at,
            partner=writers[c.user_id].name,
            kind=c.tip.kind,
            title=c.tip.title,
            citations=[(card, titles.get(card, card)) for card in c.tip.citations],
        )
        for c in checkins
        if c.tip is not None
    ]
    rollups = list(
        session.scalars(
            select(WeeklyRollup)
            .where(WeeklyRollup.couple_id == couple.id)
            .order_by(WeeklyRollup.week_start.desc())
            .limit(ROLLUP_WEEKS)
        )
    )
    visit.audit(session, "read_couple", subject_type="couple", subject_id=couple.id,
                couple_id=couple.id, details={"checkins": len(views)})  # fmt: skip
    if texts:
        visit.audit(session, "read_evidence", subject_type="couple", subject_id=couple.id,
                    couple_id=couple.id, details={"checkins_with_text": len(texts)})  # fmt: skip
    return {
        "viewer": visit.viewer,
        "nav": "couples",
        "couple": couple,
        "name": couple_name([p.name for p in partners]),
        "partners": partners,
        "checkins": views,
        "checkins_limit": CHECKINS_SHOWN,
        "tips": tips,
        "charts": _charts(session, couple.id, writers, now),
        "weeks": week_views(rollups, {str(k): w.name for k, w in writers.items()}),
        "rollup_weeks": ROLLUP_WEEKS,
        "computed_at": max((r.computed_at for r in rollups), default=None),
    }


def audit_rows(session: Session) -> list[dict[str, Any]]:
    """The latest audit rows, newest first, with the actor's name."""
    rows = [audit.entry_view(e) for e in audit.entries(session, limit=AUDIT_ROWS)]
    actor_ids = {uuid.UUID(r["actor_id"]) for r in rows if r["actor_id"]}
    names = (
        dict(session.execute(select(User.id, User.name).where(User.id.in_(actor_ids))).all())
        if actor_ids
        else {}
    )
    for r in rows:
        r["actor"] = names.get(uuid.UUID(r["actor_id"]), "—") if r["actor_id"] else "—"
        r["at_text"] = datetime.fromisoformat(r["at"]).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        r["details_text"] = ", ".join(f"{k}: {v}" for k, v in sorted(r["details"].items()))
    return rows


class CouplePagesController(Controller):
    path = "/dashboard"
    include_in_schema = False

    @get("/couples")
    async def couples(
        self, request: Request[Any, Any, Any], visit: NamedDependency[Visit]
    ) -> Template:
        """The couples the viewer looks after (not audited: names and counts, no words)."""
        rows, cut = await visit.run(lambda session: couple_rows(session, visit.viewer))
        return page(request, "couples.html", {"viewer": visit.viewer, "nav": "couples",
                                               "rows": rows, "cut": cut,
                                               "limit": MAX_COUPLES})  # fmt: skip

    @get("/couples/{couple_id:uuid}")
    async def couple(
        self,
        request: Request[Any, Any, Any],
        couple_id: FromPath[uuid.UUID],
        visit: NamedDependency[Visit],
    ) -> Template:
        """One couple: trends, weekly summary, check-ins (words only with consent), tips."""
        context = await visit.run(lambda session: couple_page(session, visit, couple_id))
        return page(request, "couple.html", context)

    @get("/audit")
    async def audit_log(
        self, request: Request[Any, Any, Any], visit: NamedDependency[Visit]
    ) -> Template:
        """The latest audit rows (admins only; to a coach the page does not exist)."""
        if not visit.viewer.is_admin:
            raise NotFoundError("This page does not exist.")

        def read(session: Session) -> list[dict[str, Any]]:
            rows = audit_rows(session)  # before recording: this view is not in its own list
            visit.audit(session, "read_audit", details={"rows": len(rows)})
            return rows

        rows = await visit.run(read)
        return page(request, "audit.html", {"viewer": visit.viewer, "nav": "audit",
                                             "rows": rows, "limit": AUDIT_ROWS})  # fmt: skip
