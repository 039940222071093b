"""SQLAlchemy models: the system of record. Migrations in ``migrations/`` mirror these."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from service.lib.crypto import current_cipher
from service.persistence.sealed import EvidenceJSON, SealedJSON, SealedText


def utcnow() -> datetime:
    return datetime.now(UTC)


class EncryptedText(TypeDecorator[str]):
    """Text stored as a Fernet token; plaintext exists only in memory."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> bytes | None:
        return None if value is None else current_cipher().encrypt(value)

    def process_result_value(self, value: bytes | None, dialect: Any) -> str | None:
        return None if value is None else current_cipher().decrypt(bytes(value))


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012
        dict[str, Any]: JSONB,
        list[str]: ARRAY(Text),
    }


class Couple(Base):
    __tablename__ = "couples"

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    invite_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    # A code is good for INVITE_CODE_TTL_DAYS, once: cleared when the second partner joins.
    invite_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stage: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    partners: Mapped[list[User]] = relationship(back_populates="couple")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('partner', 'coach', 'admin', 'integration')", name="role_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16), default="partner")
    locale: Mapped[str] = mapped_column(String(16), default="en-US")
    # At most one couple per user, by construction.
    couple_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("couples.id", ondelete="SET NULL"), index=True
    )
    # When they joined that couple: the other partner's shared check-ins are visible from the
    # later of both partners' joining (a new or returning partner never sees older shares).
    couple_joined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Dashboard login (coaches and admins only): `attune users set-password NAME`.
    username: Mapped[str | None] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # A partner's consent: their coach may read their words (text, evidence quotes). Off until
    # they turn it on; labels, levels and trends are shown to the coach without it.
    coach_can_read_text: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    consent_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    couple: Mapped[Couple | None] = relationship(back_populates="partners")


class ApiToken(Base):
    """A bearer token of a user (they may hold several: one per device or script). Only its
    hash is stored; listing shows names and dates, never the token."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: never
    # Written at most once an hour per token, inside the lookup that resolves it.
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CheckIn(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        CheckConstraint("mood BETWEEN 1 AND 5", name="mood_range"),
        CheckConstraint("connection BETWEEN 1 AND 5", name="connection_range"),
        CheckConstraint(
            "status IN ('received', 'classified', 'tip_ready', 'failed')", name="status_known"
        ),
        Index("ix_checkins_user_created", "user_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    couple_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("couples.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(EncryptedText)
    mood: Mapped[int | None] = mapped_column(SmallInteger)
    connection: Mapped[int | None] = mapped_column(SmallInteger)
    locale: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="received")
    shared_with_partner: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    classification: Mapped[Classification | None] = relationship(
        back_populates="checkin", uselist=False
    )
    tip: Mapped[Tip | None] = relationship(back_populates="checkin", uselist=False)
    # Only ever loaded for the writer's own views (the other partner never learns of it).
    safety_question: Mapped[SafetyQuestion | None] = relationship(
        viewonly=True, uselist=False, primaryjoin="CheckIn.id == foreign(SafetyQuestion.checkin_id)"
    )


class Classification(Base):
    __tablename__ = "classifications"

    checkin_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True
    )
    risk_level: Mapped[str] = mapped_column(String(16))
    risk_categories: Mapped[list[str]] = mapped_column(default=list)
    patterns: Mapped[list[str]] = mapped_column(default=list)
    burnout_signals: Mapped[list[str]] = mapped_column(default=list)
    evidence: Mapped[dict[str, Any]] = mapped_column(EvidenceJSON, default=dict)  # quotes sealed
    language: Mapped[str] = mapped_column(String(8), default="und")
    backend: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[str] = mapped_column(String(64))
    # Calibrated probability of elevated or worse; None from the rules-only/fail-closed paths.
    risk_score: Mapped[float | None] = mapped_column(Float, nullable=True, default=None)
    # The reading says: ask the partner directly whether they are safe (and about what).
    ask_safety: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    ask_kind: Mapped[str | None] = mapped_column(String(16), nullable=True, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    checkin: Mapped[CheckIn] = relationship(back_populates="classification")


class Tip(Base):
    __tablename__ = "tips"

    checkin_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # coaching | safety
    # Sealed: a tip quotes the partner's words ("You wrote …").
    title: Mapped[str] = mapped_column(SealedText)
    body: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    citations: Mapped[list[str]] = mapped_column(default=list)
    backend: Mapped[str] = mapped_column(String(32))
    prompt_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    checkin: Mapped[CheckIn] = relationship(back_populates="tip")


class KnowledgeCard(Base):
    __tablename__ = "knowledge_cards"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(24), default="strategy")
    patterns: Mapped[list[str]] = mapped_column(default=list)
    burnout_signals: Mapped[list[str]] = mapped_column(default=list)
    stages: Mapped[list[str]] = mapped_column(default=list)
    contraindications: Mapped[list[str]] = mapped_column(default=list)
    steps: Mapped[dict[str, Any]] = mapped_column()  # {"items": [...]}
    evidence: Mapped[dict[str, Any]] = mapped_column()  # {"items": [{claim, source}]}
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    embedding_model: Mapped[str] = mapped_column(String(80))
    source_path: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    chunks: Mapped[list[KnowledgeChunk]] = relationship(
        back_populates="card", cascade="all, delete-orphan", passive_deletes=True
    )


class KnowledgeChunk(Base):
    __tablename__ = "knowledge_chunks"
    __table_args__ = (
        Index(
            "ix_knowledge_chunks_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": 16, "ef_construction": 64},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
        Index("ix_knowledge_chunks_tsv", "tsv", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    card_id: Mapped[str] = mapped_column(
        ForeignKey("knowledge_cards.id", ondelete="CASCADE"), index=True
    )
    ordinal: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    heading: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text)
    # The width follows the encoder: migration 0001 creates vector(384) and `attune kb ingest`
    # rebuilds the column at another width when the encoder changes (knowledge/ingest.py), so
    # the ORM type names no width (it would be cast into every INSERT).
    embedding: Mapped[Any] = mapped_column(Vector())
    # Title weighs most, then summary, then body (setweight A/B/C).
    tsv: Mapped[Any] = mapped_column(
        TSVECTOR,
        Computed(
            "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || "
            "setweight(to_tsvector('english', coalesce(heading, '') || ' ' || content), 'C')",
            persisted=True,
        ),
    )

    card: Mapped[KnowledgeCard] = relationship(back_populates="chunks")


class OutboxEvent(Base):
    """Work to hand to the queue, written in the same transaction as the change it follows."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index(
            "ix_outbox_pending",
            "created_at",
            postgresql_where=text("dispatched_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(64))
    aggregate_id: Mapped[uuid.UUID] = mapped_column(UUID)
    # The check-in an event is about (None for chat escalations): webhook events carry a
    # sequence per check-in, and their privacy rules depend on the check-in's reading.
    checkin_id: Mapped[uuid.UUID | None] = mapped_column(UUID)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class Escalation(Base):
    """A check-in that needs a human coach: opened for every elevated or urgent risk, and
    (severity ``concern``, lane ``unanswered_safety_question``) for a safety question that was
    declined or not answered in time."""

    __tablename__ = "escalations"
    __table_args__ = (
        CheckConstraint("severity IN ('concern', 'elevated', 'urgent')", name="severity_known"),
        CheckConstraint("status IN ('open', 'acknowledged', 'resolved')", name="status_known"),
        CheckConstraint("num_nonnulls(checkin_id, message_id) = 1", name="one_source"),
        Index("ix_escalations_queue", "status", "severity", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    # One escalation per check-in (or chat message): re-running never opens a second one.
    checkin_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), unique=True
    )
    message_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    couple_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("couples.id", ondelete="SET NULL"), index=True
    )
    severity: Mapped[str] = mapped_column(String(16))
    categories: Mapped[list[str]] = mapped_column(default=list)
    evidence: Mapped[dict[str, Any]] = mapped_column(EvidenceJSON, default=dict)  # {"spans": …}
    status: Mapped[str] = mapped_column(String(16), default="open")
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class CoachAssignment(Base):
    """Which coach looks after which couple; a coach sees only assigned couples."""

    __tablename__ = "coach_assignments"

    coach_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    couple_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("couples.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Conversation(Base):
    """One partner's chat with the coach assistant; never visible to the other partner."""

    __tablename__ = "conversations"

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    couple_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("couples.id", ondelete="SET NULL")
    )
    locale: Mapped[str] = mapped_column(String(16))
    # Rolling summary of the turns that fell out of the memory window (encrypted like notes).
    summary: Mapped[str | None] = mapped_column(EncryptedText)
    summarized_upto: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("role IN ('user', 'assistant')", name="role_known"),
        Index("ux_messages_conversation_seq", "conversation_id", "seq", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(EncryptedText)
    kind: Mapped[str] = mapped_column(String(16), default="chat")  # chat | safety
    risk_level: Mapped[str | None] = mapped_column(String(16))
    risk_categories: Mapped[list[str]] = mapped_column(default=list)
    citations: Mapped[list[str]] = mapped_column(default=list)
    backend: Mapped[str | None] = mapped_column(String(32))
    prompt_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Generation(Base):
    """One attempt at producing partner-facing text: backend, prompt, cost and guard verdict."""

    __tablename__ = "generations"
    __table_args__ = (
        CheckConstraint("outcome IN ('accepted', 'rejected', 'error')", name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    purpose: Mapped[str] = mapped_column(String(16))  # tip | safety | chat
    checkin_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(SmallInteger)
    backend: Mapped[str] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(120))
    prompt_version: Mapped[str] = mapped_column(String(64))
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(16))
    # {"passed": bool, "violations": [{"rule", "detail"}], "error": str | None}; sealed: a
    # violation's detail quotes the output, which may repeat a partner's words.
    verdict: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SafetyQuestion(Base):
    """A direct question to one partner whether they are safe, and their answer.

    Only ever visible to the partner asked and to coaches (through the escalation it may open);
    the other partner never learns that it exists.
    """

    __tablename__ = "safety_questions"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('self_harm', 'safety_at_home', 'child_safety')", name="kind_known"
        ),
        CheckConstraint("status IN ('open', 'answered', 'expired')", name="status_known"),
        CheckConstraint(
            "answer IS NULL OR answer IN ('yes', 'no', 'prefer_not')", name="answer_known"
        ),
        # At most one open question per partner at a time.
        Index(
            "ux_safety_questions_one_open",
            "user_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_safety_questions_user_kind", "user_id", "kind", "answered_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    couple_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("couples.id", ondelete="SET NULL")
    )
    checkin_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(16))  # the row of the ask table that asked
    risk_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    # A sign of danger now (a plan, a means, "he's outside") was read but not enough to escalate:
    # a "yes" then opens an urgent escalation.
    danger_now: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    answer: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(EncryptedText)
    escalation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("escalations.id", ondelete="SET NULL")
    )
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Integration(Base):
    """Another app that pushes check-ins in and/or receives events (issue 13).

    Its signing secret (Standard Webhooks ``whsec_…``) is needed in clear to verify signatures,
    so it is stored encrypted, never hashed; the previous secret stays valid for a grace period
    after a rotation so that a sender can switch over without dropping requests.
    """

    __tablename__ = "integrations"
    __table_args__ = (CheckConstraint("status IN ('active', 'disabled')", name="status_known"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(120))
    scopes: Mapped[list[str]] = mapped_column(default=list)
    secret: Mapped[str] = mapped_column(EncryptedText)
    previous_secret: Mapped[str | None] = mapped_column(EncryptedText)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IntegrationUser(Base):
    """An integration's own user id mapped to an Attune partner; never shared across
    integrations (the same external id in two integrations is two mappings)."""

    __tablename__ = "integration_users"

    integration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("integrations.id", ondelete="CASCADE"), primary_key=True
    )
    external_user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    origin: Mapped[str] = mapped_column(String(16), default="first_sight")  # or linked
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebhookReceipt(Base):
    """An inbound webhook already handled: a ``webhook-id`` seen again gets this answer."""

    __tablename__ = "webhook_receipts"

    integration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("integrations.id", ondelete="CASCADE"), primary_key=True
    )
    webhook_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the raw body
    status_code: Mapped[int] = mapped_column(SmallInteger)
    response: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class IdempotencyKey(Base):
    """A creating POST's ``Idempotency-Key``, per caller, with the first response (24 h)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (CheckConstraint("state IN ('running', 'done')", name="state_known"),)

    caller_id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # method, path and body
    state: Mapped[str] = mapped_column(String(16), default="running")
    status_code: Mapped[int | None] = mapped_column(SmallInteger)
    headers: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The response can hold a partner's words (a chat reply): encrypted like the notes.
    body: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    locked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class WebhookSubscription(Base):
    """Where an integration wants events delivered, and which ones.

    ``coach_side``: the operator declares that this endpoint is read by coaches only. Only such
    subscriptions ever receive escalation and safety-question events, or any event about a
    check-in that is at risk.
    """

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (CheckConstraint("status IN ('active', 'disabled')", name="status_known"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    integration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("integrations.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[str]] = mapped_column(default=list)
    coach_side: Mapped[bool] = mapped_column(Boolean, default=False)
    secret: Mapped[str] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default="active")
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    # Set at the first failed attempt after a success; a subscription failing for 24 h is
    # disabled.
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class WebhookDelivery(Base):
    """One event for one subscription: the message (same ``webhook-id`` on every attempt) and
    where it stands.

    Statuses: ``held`` (about a check-in not yet classified, for a subscription that is not
    coach-side: released or withheld by the classification), ``pending`` (due at
    ``next_attempt_at``), ``sending``, ``delivered``, ``failed`` (retries exhausted),
    ``withheld`` (the check-in turned out at risk), ``cancelled`` (subscription disabled).
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint(
            "status IN ('held', 'pending', 'sending', 'delivered', 'failed', 'withheld',"
            " 'cancelled')",
            name="status_known",
        ),
        # Fan-out is idempotent: one delivery per event and subscription.
        Index("ux_webhook_deliveries_event", "subscription_id", "event_id", unique=True),
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status IN ('pending', 'sending')"),
        ),
        Index(
            "ix_webhook_deliveries_held",
            "checkin_id",
            postgresql_where=text("status = 'held'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event_id: Mapped[int | None] = mapped_column(BigInteger)  # the outbox event; None: a test
    event_type: Mapped[str] = mapped_column(String(64))
    checkin_id: Mapped[uuid.UUID | None] = mapped_column(UUID)
    # The exact JSON body sent (encrypted: it may carry a partner's text under text:read).
    payload: Mapped[str] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status_code: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def message_id(self) -> str:
        """The ``webhook-id`` header: the same on every attempt, so receivers can dedupe."""
        return f"msg_{self.id.hex}"


class WebhookAttempt(Base):
    """The delivery log: every attempt, with status, latency and the start of the response."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    delivery_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(SmallInteger)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_code: Mapped[int | None] = mapped_column(SmallInteger)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(200))
    response_snippet: Mapped[str | None] = mapped_column(String(200))


class EscalationNote(Base):
    """A coach's note on an escalation, kept with the action it came with (encrypted: it
    describes a partner's situation)."""

    __tablename__ = "escalation_notes"
    __table_args__ = (
        CheckConstraint("action IN ('acknowledge', 'resolve', 'note')", name="action_known"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    escalation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Who read or did what, when, from where: every coach read of a couple, a check-in or
    evidence, and every action (issue 14). Never the words read, only what was opened."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(48))
    subject_type: Mapped[str | None] = mapped_column(String(24))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    couple_id: Mapped[uuid.UUID | None] = mapped_column(UUID)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WeeklyRollup(Base):
    """One couple's week in numbers (the dashboard's trends), recomputed idempotently."""

    __tablename__ = "weekly_rollups"

    couple_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("couples.id", ondelete="CASCADE"), primary_key=True
    )
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)  # a Monday (UTC)
    checkins: Mapped[int] = mapped_column(Integer, default=0)
    # {user_id: {"checkins", "mood_mean", "connection_mean"}}
    partners: Mapped[dict[str, Any]] = mapped_column(default=dict)
    mood_mean: Mapped[float | None] = mapped_column(Float)
    connection_mean: Mapped[float | None] = mapped_column(Float)
    # Change of the means against the week before (None when either week has no value).
    mood_trend: Mapped[float | None] = mapped_column(Float)
    connection_trend: Mapped[float | None] = mapped_column(Float)
    patterns: Mapped[dict[str, Any]] = mapped_column(default=dict)  # label -> count
    burnout_signals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DashboardSession(Base):
    """A coach's or admin's dashboard login: the cookie holds a random token, the database
    only its hash; logging out or disabling the account ends it at once."""

    __tablename__ = "dashboard_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str | None] = mapped_column(String(64))
