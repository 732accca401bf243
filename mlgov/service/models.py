"""The service's tables (SQLAlchemy 2). The schema itself is created by the Alembic migrations beside this module."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: DateTime(timezone=True)}


class Token(Base):
    """A bearer token: only its SHA-256 is stored, never the token itself."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    roles: Mapped[str] = mapped_column(String(128))  # comma-separated, sorted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def role_set(self) -> set[str]:
        return {role for role in self.roles.split(",") if role}


class ProjectRequest(Base):
    """A request to vend (create) or retire a project, from preview to applied."""

    __tablename__ = "project_requests"
    __table_args__ = (UniqueConstraint("requester", "idempotency_key", name="uq_request_idempotency"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # create | retire
    project: Mapped[str] = mapped_column(String(128), index=True)
    body: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    requester: Mapped[str] = mapped_column(String(128))
    idempotency_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32), index=True)
    base_commit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    generations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    preview: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    stacks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    applied_stacks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    outputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    commit_sha: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RequestEvent(Base):
    __tablename__ = "request_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(32), ForeignKey("project_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Job(Base):
    """A unit of work for the worker pool, taken first in, first out; ``stacks`` are locked while it runs."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(32), ForeignKey("project_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # preview | apply | refresh
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued | running | done | failed | interrupted | cancelled
    stacks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    worker: Mapped[str | None] = mapped_column(String(255), nullable=True)
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    lock_wait_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)


class StackLock(Base):
    """One row per stack an operation holds: the primary key makes a second holder impossible, across instances."""

    __tablename__ = "stack_locks"
    stack: Mapped[str] = mapped_column(String(128), primary_key=True)
    job_id: Mapped[int] = mapped_column(Integer, ForeignKey("jobs.id"))
    holder: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)


class StackState(Base):
    """What the service knows of a stack: applies so far (``generation``), last preview and apply, outputs."""

    __tablename__ = "stacks"
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    last_preview_request: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_preview_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_apply_request: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_apply_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_apply_result: Mapped[str | None] = mapped_column(String(32), nullable=True)
    outputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditEntry(Base):
    """Append-only (database triggers refuse UPDATE and DELETE): who did what, when, on which request and stacks."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    stacks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    result: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Instance(Base):
    """A running service instance; a stale heartbeat means its running jobs were interrupted."""

    __tablename__ = "instances"
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
