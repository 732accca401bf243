"""The HTTP API (FastAPI): routes under ``/v1``, OpenAPI at ``/openapi.json``, docs at ``/docs``.

Handlers check the caller and translate between HTTP and :mod:`mlgov.service.requests`;
the work itself runs in the worker pool.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import select
from starlette.responses import JSONResponse

from mlgov.service import catalogue, errors, requests as ops
from mlgov.service.auth import Caller, Role, authenticate, require
from mlgov.service.core import Service
from mlgov.service.db import as_utc
from mlgov.service.errors import ApiError, error_body, not_found
from mlgov.service.jobs import project_outputs
from mlgov.service.models import AuditEntry, Job, ProjectRequest, RequestEvent, StackLock, StackState
from mlgov.service.schemas import (
    Accepted, AuditPage, AuditView, ErrorBody, Event, Health, ProjectDetail, ProjectList, ProjectRequestBody, ProjectSummary,
    RequestDetail, RequestPage, RequestSummary, StackList, StackView,
)

MAX_BODY = 1_000_000
PAGE_MAX = 200
_bearer = HTTPBearer(auto_error=False, description="A token from `mlgov token create`.")
_ERRORS = {status: {"model": ErrorBody} for status in (401, 403, 404, 409, 422)}
RequestId = Annotated[str, Path(description="A request id such as req-1a2b3c4d5e6f.", max_length=64)]
ProjectName = Annotated[str, Path(description="The project's name in the catalogue.", max_length=128)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", description="Same key and same body: the same request. Same key, another body: 409.")]


def _caller(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Caller:
    header = f"{credentials.scheme} {credentials.credentials}" if credentials else None
    with request.app.state.service.sessions() as session:
        return authenticate(session, header)


Who = Annotated[Caller, Depends(_caller)]


def create_app(service: Service, *, run_workers: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if run_workers:
            service.start()
        try:
            yield
        finally:
            service.stop()

    app = FastAPI(title="mlgov vending service", version="1", lifespan=lifespan,
                  description="Ask for governed ML project environments: preview, approve (four eyes), apply through the catalogue.")
    app.state.service = service
    errors.install(app)

    @app.middleware("http")
    async def _limits_and_metrics(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return JSONResponse(error_body("too_large", f"request bodies are limited to {MAX_BODY} bytes"), status_code=413)
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        service.metrics.http.labels(request.method, route, str(response.status_code)).inc()
        return response

    v1 = APIRouter(prefix="/v1", responses=_ERRORS)

    # -- requests -------------------------------------------------------------------------------
    @v1.post("/project-requests", status_code=202, response_model=Accepted, summary="Ask for a new project",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProjectRequestBody"}}}}})
    async def post_request(request: Request, response: Response, who: Who, idempotency_key: IdempotencyKey = None) -> Accepted:
        payload = await _json(request)
        row, replayed = await _threaded(ops.create, service, who, payload, idempotency_key)
        return _accepted(row, replayed, response)

    @v1.get("/project-requests", response_model=RequestPage, summary="List requests, newest first")
    def list_requests(who: Who, status: Annotated[str | None, Query(description="Only requests in this status.")] = None,
                      project: Annotated[str | None, Query(max_length=128)] = None,
                      limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
                      cursor: Annotated[str | None, Query(description="next_cursor of the previous page.", max_length=32)] = None) -> RequestPage:
        if status is not None and status not in ops.STATUSES:
            raise ApiError(422, "invalid_request", f"status {status!r} is not one of {', '.join(ops.STATUSES)}", {"issues": [{"field": "status", "problem": "unknown status"}]})
        query = select(ProjectRequest).order_by(ProjectRequest.seq.desc()).limit(limit + 1)
        if status:
            query = query.where(ProjectRequest.status == status)
        if project:
            query = query.where(ProjectRequest.project == project)
        if cursor is not None:
            query = query.where(ProjectRequest.seq < _cursor(cursor))
        with service.sessions() as session:
            rows = session.scalars(query).all()
        page = rows[:limit]
        return RequestPage(items=[_summary(row) for row in page], next_cursor=str(page[-1].seq) if len(rows) > limit else None)

    @v1.get("/project-requests/{request_id}", response_model=RequestDetail, summary="A request: status, preview, events, outputs")
    def get_request(request_id: RequestId, who: Who) -> RequestDetail:
        with service.sessions() as session:
            row = ops.get(session, request_id)
            events = session.scalars(select(RequestEvent).where(RequestEvent.request_id == request_id).order_by(RequestEvent.id)).all()
            job = session.scalars(select(Job).where(Job.request_id == request_id).order_by(Job.id.desc())).first()
        return _detail(row, events, job)

    @v1.post("/project-requests/{request_id}/approve", response_model=RequestDetail, summary="Approve (approver role, not the requester)")
    async def approve(request_id: RequestId, who: Who) -> RequestDetail:
        await _threaded(ops.approve, service, who, request_id)
        return get_request(request_id, who)

    @v1.post("/project-requests/{request_id}/reject", response_model=RequestDetail, summary="Reject (approver role)")
    async def reject(request_id: RequestId, who: Who) -> RequestDetail:
        await _threaded(ops.reject, service, who, request_id)
        return get_request(request_id, who)

    @v1.post("/project-requests/{request_id}/cancel", response_model=RequestDetail, summary="Cancel (the requester, or an admin)")
    async def cancel(request_id: RequestId, who: Who) -> RequestDetail:
        await _threaded(ops.cancel, service, who, request_id)
        return get_request(request_id, who)

    @v1.post("/project-requests/{request_id}/preview", response_model=RequestDetail,
             summary="Preview again (a stale, failed or interrupted request; the requester or an approver)")
    async def preview_again(request_id: RequestId, who: Who) -> RequestDetail:
        await _threaded(ops.preview_again, service, who, request_id)
        return get_request(request_id, who)

    # -- projects -------------------------------------------------------------------------------
    @v1.get("/projects", response_model=ProjectList, summary="Projects in the catalogue, with their accounts")
    def list_projects(who: Who) -> ProjectList:
        with service.workspace.locked():
            commit, text = service.workspace.head(), service.workspace.read(service.catalogue_file)
        with service.sessions() as session:
            items = [_project(service, session, entry) for entry in catalogue.projects(text)]
        return ProjectList(items=items, commit=commit)

    @v1.get("/projects/{name}", response_model=ProjectDetail, summary="One project: stages, account ids, request history")
    def get_project(name: ProjectName, who: Who) -> ProjectDetail:
        with service.workspace.locked():
            entry = catalogue.find(service.workspace.read(service.catalogue_file), name)
        with service.sessions() as session:
            history = session.scalars(select(ProjectRequest).where(ProjectRequest.project == name).order_by(ProjectRequest.seq.desc())).all()
            if entry is None and not history:
                raise not_found("project", name)
            summary = _project(service, session, entry or {"name": name})
            outputs = project_outputs(service, session, name)
        return ProjectDetail(**summary.model_dump(), status="active" if entry else "retired", catalogue=entry,
                             studio_url=outputs["studio_url"], history=[_summary(row) for row in history])

    @v1.delete("/projects/{name}", status_code=202, response_model=Accepted, summary="Ask to retire a project (accounts are kept)")
    async def retire(name: ProjectName, response: Response, who: Who,
                     reason: Annotated[str, Query(min_length=1, max_length=ops.REASON_MAX, description="Why the project is retired.")],
                     idempotency_key: IdempotencyKey = None) -> Accepted:
        row, replayed = await _threaded(ops.retire, service, who, name, reason, idempotency_key)
        return _accepted(row, replayed, response)

    # -- stacks, audit, health ------------------------------------------------------------------
    @v1.get("/stacks", response_model=StackList, summary="Each stack: busy or idle, last preview and apply")
    def list_stacks(who: Who) -> StackList:
        with service.sessions() as session:
            locks = {lock.stack: lock for lock in session.scalars(select(StackLock))}
            states = {state.name: state for state in session.scalars(select(StackState))}
        items = []
        for info in service.stack_infos():
            state, lock = states.get(info.name), locks.get(info.name)
            items.append(StackView(
                name=info.name, kind=info.kind, environment=info.environment, busy=lock is not None, job=lock.job_id if lock else None,
                generation=state.generation if state else 0,
                last_preview_request=state.last_preview_request if state else None, last_preview_at=as_utc(state.last_preview_at) if state else None,
                last_apply_request=state.last_apply_request if state else None, last_apply_at=as_utc(state.last_apply_at) if state else None,
                last_apply_result=state.last_apply_result if state else None))
        return StackList(items=items)

    @v1.get("/audit", response_model=AuditPage, summary="The audit log, newest first (admin role)")
    def audit(who: Who, limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
              cursor: Annotated[str | None, Query(max_length=32)] = None,
              request_id: Annotated[str | None, Query(max_length=64)] = None) -> AuditPage:
        require(who, Role.ADMIN, "reading the audit log")
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit + 1)
        if cursor is not None:
            query = query.where(AuditEntry.id < _cursor(cursor))
        if request_id:
            query = query.where(AuditEntry.request_id == request_id)
        with service.sessions() as session:
            rows = session.scalars(query).all()
        page = rows[:limit]
        items = [AuditView(id=r.id, at=as_utc(r.at), actor=r.actor, action=r.action, request_id=r.request_id, stacks=r.stacks or [],
                           result=r.result, detail=r.detail or {}) for r in page]
        return AuditPage(items=items, next_cursor=str(page[-1].id) if len(rows) > limit else None)

    app.include_router(v1)

    @app.get("/healthz", response_model=Health, summary="Liveness, and which engine runs")
    def healthz() -> Health:
        with service.sessions() as session:
            session.execute(select(1))
        return Health(status="ok", engine=service.engine.name, can_apply=service.can_apply, engine_note=service.engine_note,
                      database=service.db.dialect.name, workers=service.config.workers, instance=service.instance)

    @app.get("/metrics", summary="Prometheus metrics (text format)", response_class=Response,
             responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}})
    def metrics() -> Response:
        return Response(generate_latest(service.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            body = ProjectRequestBody.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(body.pop("$defs", {}))
            components["ProjectRequestBody"] = body
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
    return app


async def _threaded(function, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)


async def _json(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ApiError(413, "too_large", f"request bodies are limited to {MAX_BODY} bytes")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(422, "invalid_request", f"the body is not valid JSON ({error})", {"issues": [{"field": "(body)", "problem": "is not JSON"}]}) from None


def _cursor(cursor: str) -> int:
    if not cursor.isdigit():
        raise ApiError(422, "invalid_request", f"cursor {cursor!r} is not one this service returned", {"issues": [{"field": "cursor", "problem": "unknown cursor"}]})
    return int(cursor)


def _accepted(row: ProjectRequest, replayed: bool, response: Response) -> Accepted:
    href = f"/v1/project-requests/{row.id}"
    response.headers["Location"] = href
    return Accepted(id=row.id, status=row.status, replayed=replayed, href=href)


def _summary(row: ProjectRequest) -> RequestSummary:
    return RequestSummary(id=row.id, kind=row.kind, project=row.project, status=row.status, requester=row.requester, reason=row.reason,
                          created_at=as_utc(row.created_at), updated_at=as_utc(row.updated_at))


def _detail(row: ProjectRequest, events: list[RequestEvent], job: Job | None) -> RequestDetail:
    return RequestDetail(
        **_summary(row).model_dump(), body=row.body, approved_by=row.approved_by, decided_by=row.decided_by, stacks=row.stacks or [],
        applied_stacks=row.applied_stacks or [], preview=row.preview, outputs=row.outputs or {}, error=row.error, commit=row.commit_sha,
        progress=(job.progress or {}) if job is not None and job.status == "running" else {},
        events=[Event(at=as_utc(e.at), kind=e.kind, message=e.message, data=e.data or {}) for e in events],
    )


def _project(service: Service, session, entry: dict[str, Any]) -> ProjectSummary:
    name = str(entry.get("name", ""))
    busy = ops.open_request(session, name)
    return ProjectSummary(name=name, team=entry.get("team"), cost_center=entry.get("costCenter"),
                          stages=[str(stage) for stage in entry.get("stages") or []],
                          accounts=project_outputs(service, session, name)["accounts"], open_request=busy.id if busy else None)
