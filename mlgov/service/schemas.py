"""The API's response bodies (and the request body's schema, which is the catalogue's own project model)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from mlgov.config.environment import Project


class ProjectRequestBody(Project):
    """A project exactly as in the catalogue (``stacks/projects.yaml``), plus why it is needed."""

    reason: str = Field(min_length=1, max_length=2000)


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class Accepted(BaseModel):
    id: str
    status: str
    replayed: bool = Field(description="True when an earlier request with the same Idempotency-Key and body is returned.")
    href: str


class RequestSummary(BaseModel):
    id: str
    kind: str
    project: str
    status: str
    requester: str
    reason: str
    created_at: datetime
    updated_at: datetime


class Event(BaseModel):
    at: datetime
    kind: str
    message: str
    data: dict[str, Any] = {}


class RequestDetail(RequestSummary):
    body: dict[str, Any] | None = None
    approved_by: str | None = None
    decided_by: str | None = None
    stacks: list[str] = []
    applied_stacks: list[str] = []
    preview: dict[str, Any] | None = None
    outputs: dict[str, Any] = {}
    error: dict[str, Any] | None = None
    commit: str | None = None
    progress: dict[str, Any] = {}
    events: list[Event] = []


class RequestPage(BaseModel):
    items: list[RequestSummary]
    next_cursor: str | None = None


class ProjectSummary(BaseModel):
    name: str
    team: str | None = None
    cost_center: str | None = None
    stages: list[str] = []
    accounts: dict[str, Any] = {}
    open_request: str | None = None


class ProjectDetail(ProjectSummary):
    status: str = Field(description="'active' while in the catalogue, 'retired' once removed from it.")
    catalogue: dict[str, Any] | None = None
    studio_url: dict[str, str] = {}
    history: list[RequestSummary] = []


class ProjectList(BaseModel):
    items: list[ProjectSummary]
    commit: str


class StackView(BaseModel):
    name: str
    kind: str
    environment: str | None = None
    busy: bool
    job: int | None = None
    generation: int = 0
    last_preview_request: str | None = None
    last_preview_at: datetime | None = None
    last_apply_request: str | None = None
    last_apply_at: datetime | None = None
    last_apply_result: str | None = None


class StackList(BaseModel):
    items: list[StackView]


class Health(BaseModel):
    status: str
    engine: str
    can_apply: bool
    engine_note: str
    database: str
    workers: int
    instance: str


class AuditView(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    request_id: str | None = None
    stacks: list[str] = []
    result: str
    detail: dict[str, Any] = {}


class AuditPage(BaseModel):
    items: list[AuditView]
    next_cursor: str | None = None
