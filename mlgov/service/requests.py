"""Project requests: create, retire, approve, reject, cancel, preview again. The HTTP layer only calls these.

Every status change is one conditional UPDATE (``WHERE status IN (...)``), so two
callers (or two instances) acting on one request at once cannot both win.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mlgov.service import catalogue
from mlgov.service.auth import Caller, Role, require
from mlgov.service.core import Service
from mlgov.service.errors import ApiError, not_found
from mlgov.service.models import Job, ProjectRequest, utcnow
from mlgov.service.queue import CANCELLED, QUEUED, RUNNING, enqueue

PREVIEWING, PLANNED, REJECTED_BY_POLICY, APPROVED, APPLYING, APPLIED = "previewing", "planned", "rejected-by-policy", "approved", "applying", "applied"
STALE, FAILED, REJECTED, CANCELLED_STATUS, INTERRUPTED = "stale", "failed", "rejected", "cancelled", "interrupted"
STATUSES = (PREVIEWING, PLANNED, REJECTED_BY_POLICY, APPROVED, APPLYING, APPLIED, STALE, FAILED, REJECTED, CANCELLED_STATUS, INTERRUPTED)
# A job is queued or running for these; every other status waits for a person (or is closed).
BUSY = (PREVIEWING, APPROVED, APPLYING)
# A project has at most one open request: these, and a failed request whose catalogue change is already committed.
OPEN = (PREVIEWING, PLANNED, APPROVED, APPLYING, STALE, INTERRUPTED)
REASON_MAX = 2000


def body_hash(kind: str, project: str, document: Any, reason: str) -> str:
    canonical = json.dumps({"kind": kind, "project": project, "body": document, "reason": reason}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def new_id() -> str:
    return "req-" + secrets.token_hex(6)


def get(session: Session, request_id: str) -> ProjectRequest:
    row = session.scalars(select(ProjectRequest).where(ProjectRequest.id == request_id)).first()
    if row is None:
        raise not_found("project request", request_id)
    return row


def transition(session: Session, request_id: str, allowed: tuple[str, ...], status: str, **values: Any) -> bool:
    """Move the request to ``status`` if it is in one of ``allowed``; False when someone else moved it first."""
    result = session.execute(
        update(ProjectRequest).where(ProjectRequest.id == request_id, ProjectRequest.status.in_(allowed))
        .values(status=status, updated_at=utcnow(), **values)
    )
    return result.rowcount == 1


def open_request(session: Session, project: str) -> ProjectRequest | None:
    return session.scalars(
        select(ProjectRequest).where(
            ProjectRequest.project == project,
            or_(ProjectRequest.status.in_(OPEN), (ProjectRequest.status == FAILED) & ProjectRequest.commit_sha.is_not(None)),
        )
    ).first()


def _reason_issues(reason: Any) -> list[dict[str, Any]]:
    fix = "say why the project is needed (or retired), in a sentence a reviewer can check"
    if not isinstance(reason, str) or not reason.strip():
        problem = "is required" if reason is None else "must be a non-empty string"
    elif len(reason) > REASON_MAX:
        problem = f"is {len(reason)} characters long; at most {REASON_MAX} are kept"
    else:
        return []
    return [{"path": "reason", "field": "reason", "problem": problem, "fix": fix, "message": f"reason: {problem}. Fix: {fix}"}]


def invalid(issues: list[dict[str, Any]], subject: str) -> ApiError:
    noun = "error" if len(issues) == 1 else "errors"
    lines = [f"Invalid {subject}: {len(issues)} {noun}"] + [f"  - {issue['message']}" for issue in issues]
    return ApiError(422, "invalid_request", "\n".join(lines), {"issues": issues})


def _replay(session: Session, caller: Caller, key: str | None, digest: str) -> ProjectRequest | None:
    """The request this caller already made with ``key``: the same one for the same body, a 409 for another body."""
    if not key:
        return None
    found = session.scalars(select(ProjectRequest).where(ProjectRequest.requester == caller.name, ProjectRequest.idempotency_key == key)).first()
    if found is None:
        return None
    if found.body_hash != digest:
        raise ApiError(409, "idempotency_key_reused",
                       f"Idempotency-Key {key!r} was used for another request ({found.id}) with a different body. Fix: use a new key for a new request",
                       {"request_id": found.id})
    return found


def _check_key(key: str | None) -> None:
    if key is not None and not (1 <= len(key) <= 255 and key.isprintable()):
        raise ApiError(422, "invalid_request", "the Idempotency-Key header must be 1-255 printable characters",
                       {"issues": [{"field": "Idempotency-Key", "problem": "must be 1-255 printable characters"}]})


def _insert(service: Service, session: Session, caller: Caller, kind: str, project: str, document: dict | None, reason: str,
            key: str | None, digest: str) -> ProjectRequest:
    busy = open_request(session, project)
    if busy is not None:
        raise ApiError(409, "project_busy", f"project {project!r} already has an open request ({busy.id}, {busy.status}). "
                       "Fix: wait for it, or cancel it first", {"request_id": busy.id})
    row = ProjectRequest(id=new_id(), kind=kind, project=project, body=document, reason=reason, requester=caller.name,
                         idempotency_key=key, body_hash=digest, status=PREVIEWING, generations={}, stacks=[], applied_stacks=[], outputs={})
    session.add(row)
    session.flush()
    enqueue(session, row.id, "preview", [])
    service.event(session, row.id, "status", f"{kind} request by {caller.name}: previewing", {"status": PREVIEWING})
    service.audit(session, caller.name, f"request.{kind}", "accepted", row.id, detail={"project": project, "reason": reason})
    return row


def _create_or_replay(service: Service, caller: Caller, key: str | None, digest: str, build) -> tuple[ProjectRequest, bool]:
    try:
        with service.sessions() as session, session.begin():
            replayed = _replay(session, caller, key, digest)
            if replayed is not None:
                return replayed, True
            return build(session), False
    except (IntegrityError, ApiError) as error:
        # Two calls with one key raced and the other one committed first. This one then meets its row
        # either as the duplicate key (the insert) or, where the database shows committed rows to a
        # running transaction (PostgreSQL's read committed), as the project's open request.
        if isinstance(error, ApiError) and (error.code != "project_busy" or not key):
            raise
        with service.sessions() as session, session.begin():
            replayed = _replay(session, caller, key, digest)
            if replayed is None:
                raise
            return replayed, True


def create(service: Service, caller: Caller, payload: Any, key: str | None) -> tuple[ProjectRequest, bool]:
    require(caller, Role.REQUESTER, "asking for a project")
    _check_key(key)
    if not isinstance(payload, dict):
        raise ApiError(422, "invalid_request", "the body must be a JSON object: a project as in the catalogue, plus 'reason'",
                       {"issues": [{"field": "(body)", "problem": "is not a JSON object"}]})
    document = {name: value for name, value in payload.items() if name != "reason"}
    reason = payload.get("reason")
    project = document.get("name") if isinstance(document.get("name"), str) else ""
    digest = body_hash("create", project, document, reason if isinstance(reason, str) else "")
    with service.sessions() as session:
        replayed = _replay(session, caller, key, digest)
    if replayed is not None:
        return replayed, True
    issues = _reason_issues(reason) + _catalogue_issues(service, document)
    if issues:
        raise invalid(issues, "project request")
    return _create_or_replay(service, caller, key, digest, lambda session: _insert(service, session, caller, "create", project, document, reason, key, digest))


def _catalogue_issues(service: Service, document: dict[str, Any]) -> list[dict[str, Any]]:
    """The catalogue with this project appended, checked by every stack that reads it, as ``mlgov plan`` checks it."""
    relative = service.catalogue_file
    with service.workspace.locked():
        text = service.workspace.read(relative)
    try:
        candidate = catalogue.add(text, document)
    except catalogue.CatalogueEditError as error:
        return [{"path": relative, "field": "(body)", "problem": str(error), "fix": "send the project as a JSON object", "message": str(error)}]
    return service.catalogue_issues(service.workspace.root / "stacks", text, candidate)


def retire(service: Service, caller: Caller, project: str, reason: Any, key: str | None) -> tuple[ProjectRequest, bool]:
    require(caller, Role.REQUESTER, "retiring a project")
    _check_key(key)
    digest = body_hash("retire", project, None, reason if isinstance(reason, str) else "")
    with service.sessions() as session:
        replayed = _replay(session, caller, key, digest)
    if replayed is not None:
        return replayed, True
    issues = _reason_issues(reason)
    if issues:
        raise invalid(issues, "retire request")
    with service.workspace.locked():
        text = service.workspace.read(service.catalogue_file)
    if catalogue.find(text, project) is None:
        raise not_found("project in the catalogue", project)
    return _create_or_replay(service, caller, key, digest, lambda session: _insert(service, session, caller, "retire", project, None, reason, key, digest))


def approve(service: Service, caller: Caller, request_id: str) -> ProjectRequest:
    require(caller, Role.APPROVER, "approving a request")
    with service.sessions() as session, session.begin():
        row = get(session, request_id)
        if row.requester == caller.name:
            raise ApiError(403, "four_eyes", f"{caller.name!r} asked for {request_id}; another approver must approve it")
        if row.status != PLANNED:
            raise _wrong_state(row, "approved", (PLANNED,))
        if not service.can_apply:
            raise ApiError(409, "engine_unavailable", f"this service cannot apply: {service.engine_note}. The request stays planned.")
        if not transition(session, request_id, (PLANNED,), APPROVED, approved_by=caller.name):
            raise _wrong_state(get(session, request_id), "approved", (PLANNED,))
        enqueue(session, request_id, "apply", list(row.stacks))
        service.event(session, request_id, "status", f"approved by {caller.name}: queued to apply {', '.join(row.stacks) or 'no stack'}", {"status": APPROVED})
        service.audit(session, caller.name, "request.approve", "accepted", request_id, row.stacks)
    return _reload(service, request_id)


def reject(service: Service, caller: Caller, request_id: str) -> ProjectRequest:
    require(caller, Role.APPROVER, "rejecting a request")
    allowed = (PLANNED, STALE, REJECTED_BY_POLICY, INTERRUPTED)
    with service.sessions() as session, session.begin():
        row = get(session, request_id)
        _refuse_after_commit(row, "rejected")
        if not transition(session, request_id, allowed, REJECTED, decided_by=caller.name):
            raise _wrong_state(row, "rejected", allowed)
        service.event(session, request_id, "status", f"rejected by {caller.name}", {"status": REJECTED})
        service.audit(session, caller.name, "request.reject", "done", request_id, row.stacks)
    return _reload(service, request_id)


def cancel(service: Service, caller: Caller, request_id: str) -> ProjectRequest:
    allowed = (PREVIEWING, PLANNED, STALE, REJECTED_BY_POLICY, INTERRUPTED, FAILED, APPROVED)
    with service.sessions() as session, session.begin():
        row = get(session, request_id)
        if row.requester != caller.name and not caller.has(Role.ADMIN):
            raise ApiError(403, "forbidden", f"only the requester ({row.requester!r}) or an admin may cancel {request_id}")
        _refuse_after_commit(row, "cancelled")
        if row.status == APPROVED and session.scalars(select(Job).where(Job.request_id == request_id, Job.kind == "apply", Job.status == RUNNING)).first():
            raise _wrong_state(row, "cancelled", tuple(s for s in allowed if s != APPROVED))
        if not transition(session, request_id, allowed, CANCELLED_STATUS, decided_by=caller.name):
            raise _wrong_state(row, "cancelled", allowed)
        session.execute(update(Job).where(Job.request_id == request_id, Job.status == QUEUED).values(status=CANCELLED, finished_at=utcnow()))
        service.event(session, request_id, "status", f"cancelled by {caller.name}", {"status": CANCELLED_STATUS})
        service.audit(session, caller.name, "request.cancel", "done", request_id, row.stacks)
    return _reload(service, request_id)


def preview_again(service: Service, caller: Caller, request_id: str) -> ProjectRequest:
    allowed = (PLANNED, STALE, FAILED, INTERRUPTED, REJECTED_BY_POLICY)
    with service.sessions() as session, session.begin():
        row = get(session, request_id)
        if row.requester != caller.name and not caller.has(Role.APPROVER):
            raise ApiError(403, "forbidden", f"only the requester ({row.requester!r}) or an approver may preview {request_id} again")
        pending = session.scalars(select(Job).where(Job.request_id == request_id, Job.status.in_((QUEUED, RUNNING)))).first()
        if pending is not None:
            raise ApiError(409, "job_pending", f"{request_id} has a {pending.kind} job {pending.status}; preview again once it is done",
                           {"job": pending.kind, "status": pending.status})
        refresh = session.scalars(select(Job).where(Job.request_id == request_id, Job.kind == "refresh").order_by(Job.id.desc())).first()
        if row.status == INTERRUPTED and refresh is not None and refresh.status != "done":
            raise ApiError(409, "refresh_failed", f"the refresh of {', '.join(refresh.stacks)} after the interruption did not finish "
                           f"({(refresh.error or {}).get('message', refresh.status)}); fix the stacks, then preview again",
                           {"job": "refresh", "status": refresh.status})
        if not transition(session, request_id, allowed, PREVIEWING, approved_by=None, error=None):
            raise _wrong_state(row, "previewed again", allowed)
        enqueue(session, request_id, "preview", [])
        service.event(session, request_id, "status", f"preview again, asked by {caller.name}", {"status": PREVIEWING})
        service.audit(session, caller.name, "request.preview", "accepted", request_id, row.stacks)
    return _reload(service, request_id)


def _refuse_after_commit(row: ProjectRequest, verb: str) -> None:
    if row.commit_sha:
        raise ApiError(409, "invalid_state", f"{row.id} is already in the catalogue (commit {row.commit_sha[:12]}) and cannot be {verb}; "
                       "preview it again and approve it to finish applying it", {"status": row.status, "commit": row.commit_sha})


def _wrong_state(row: ProjectRequest, verb: str, allowed: tuple[str, ...]) -> ApiError:
    return ApiError(409, "invalid_state", f"{row.id} is {row.status}; only a request that is {' or '.join(allowed)} can be {verb}",
                    {"status": row.status, "allowed": list(allowed)})


def _reload(service: Service, request_id: str) -> ProjectRequest:
    with service.sessions() as session:
        return get(session, request_id)
