"""What the workers do: preview a request, apply an approved one, refresh stacks after an interruption.

Apply follows the catalogue: the request's change is committed in the
workspace first (one commit, author = requester), then each affected stack is
updated with the update plan saved at preview, environment stacks first and
the shared stack last. A failed stack stops the rest; the request keeps the
list of stacks already applied, and a later apply of the same request never
applies those again.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import update

from mlgov.automation import AutomationError, PolicyViolationsError, Progress, StackPreview, StalePlanError
from mlgov.automation.results import PreviewResult
from mlgov.constants import StackKind, TypeToken
from mlgov.service import catalogue
from mlgov.service.core import Service
from mlgov.service.models import Job, ProjectRequest, utcnow
from mlgov.service.requests import (
    APPLIED, APPLYING, APPROVED, FAILED, PLANNED, PREVIEWING, REJECTED_BY_POLICY, STALE, get, transition,
)
from mlgov.service.validation import candidate_stacks
from mlgov.service.workspace import author_email

LOG = logging.getLogger("mlgov.service")


class JobFailed(Exception):
    """The job ends the request in ``status`` with this error (already a clean message, no trace)."""

    def __init__(self, status: str, code: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or {}

    def error(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


def candidate_text(text: str, request: ProjectRequest) -> str:
    """The catalogue with the request's change made."""
    if request.kind == "create":
        return catalogue.add(text, request.body or {})
    return catalogue.remove(text, request.project)


def _stages(request: ProjectRequest, base_text: str) -> list[str]:
    entry = request.body if request.kind == "create" else catalogue.find(base_text, request.project)
    return [str(stage) for stage in (entry or {}).get("stages") or []]


class ProgressWriter:
    """Writes engine progress into the job row, and an event when a stack starts and when it is done."""

    def __init__(self, service: Service, job_id: int, request_id: str):
        self.service, self.job_id, self.request_id = service, job_id, request_id
        self.state: dict[str, Any] = {}

    def __call__(self, progress: Progress) -> None:
        self.state[progress.stack] = {"operation": progress.operation, "done": progress.done, "total": progress.total}
        with self.service.sessions() as session, session.begin():
            session.execute(update(Job).where(Job.id == self.job_id).values(progress=dict(self.state)))
            if progress.done in (0, progress.total):
                verb = "started" if progress.done == 0 else "done"
                self.service.event(session, self.request_id, "progress", f"{progress.operation} of {progress.stack} {verb}",
                                   {"stack": progress.stack, "operation": progress.operation, "done": progress.done, "total": progress.total})


# ---- preview ------------------------------------------------------------------------------------

def run_preview(service: Service, job: Job) -> None:
    with service.sessions() as session:
        request = get(session, job.request_id)
    if request.status != PREVIEWING:
        return  # cancelled while queued
    ws = service.workspace
    relative = service.catalogue_file
    scratch = Path(tempfile.mkdtemp(prefix="mlgov-preview-"))
    try:
        with ws.locked():
            head = ws.head()
            text = ws.read(relative)
            if request.commit_sha:
                # Previewing what is left of a request already in the catalogue: the base is the catalogue before it.
                base_text, head_text = ws.read_at(ws.parent_of(request.commit_sha), relative), text
            else:
                base_text = text
                try:
                    head_text = candidate_text(text, request)
                except catalogue.CatalogueEditError as error:
                    raise JobFailed(FAILED, "catalogue_changed", f"the request no longer fits the catalogue: {error}") from None
            base_dir = ws.snapshot(scratch / "base", {relative: base_text})
            head_dir = ws.snapshot(scratch / "head", {relative: head_text})
        infos = service.stack_infos()
        if request.kind == "create" and not request.commit_sha:
            issues = service.catalogue_issues(head_dir / "stacks", base_text, head_text)
            if issues:
                raise JobFailed(FAILED, "invalid_config", "the catalogue with this project is no longer valid", {"issues": issues})
        stacks = candidate_stacks(infos, _stages(request, base_text))
        # The shared stack reads the environment stacks this change updates first: the engine can preview it only
        # once they are applied, so it is reviewed on the offline preview and planned for real at apply time.
        # Retiring previews offline only: the engine refuses to preview deleting the protected accounts.
        kinds = {info.name: info.kind for info in infos}
        real = [stack for stack in stacks if kinds.get(stack) == StackKind.ENVIRONMENT] if request.kind == "create" else []
        with service.sessions() as session:
            generations = service.generations(session, stacks)
        plan_dir = service.config.data_dir / "plans" / request.id / str(job.id)
        plan_dir.mkdir(parents=True, exist_ok=True)
        platform = service.platform(head_dir)
        try:
            result = platform.preview(stacks, base_dir=base_dir, plan_dir=plan_dir, on_progress=ProgressWriter(service, job.id, request.id),
                                      base_label=f"catalogue {head[:12]}", real=real)
        except PolicyViolationsError as error:  # the real engine stops a preview on a mandatory violation
            raise JobFailed(REJECTED_BY_POLICY, error.code, error.message, error.details) from None
        except AutomationError as error:
            raise JobFailed(FAILED, error.code, error.message, error.details) from None
        _record_preview(service, request, result, head, generations)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _unretained_accounts(previews: list[StackPreview]) -> list[str]:
    """Accounts a preview would delete for real: only accounts kept in the organization (retainOnDelete) may leave a stack."""
    return [f"{p.stack}: {c.name}" for p in previews for c in p.changes
            if c.type == TypeToken.ACCOUNT and c.op in ("delete", "replace") and not (c.op == "delete" and c.retain_on_delete)]


def _record_preview(service: Service, request: ProjectRequest, result: PreviewResult, head: str, generations: dict[str, int]) -> None:
    affected = [preview for preview in result.stacks if preview.has_changes]
    mandatory = [violation.to_dict() | {"stack": preview.stack} for preview in result.stacks for violation in preview.mandatory_violations]
    closing = _unretained_accounts(affected)
    status, error = PLANNED, None
    if mandatory:
        status = REJECTED_BY_POLICY
        error = {"code": "policy_violations", "message": f"{len(mandatory)} mandatory policy violation(s)", "details": {"violations": mandatory}}
    elif closing:
        status = FAILED
        error = {"code": "account_not_retained", "message": "the change would delete accounts that are not kept in the organization "
                 f"(retainOnDelete): {', '.join(closing)}. Accounts are never closed or detached by the service", "details": {"accounts": closing}}
    document = {
        "engine": result.stacks[0].engine if result.stacks else service.engine.name,
        "base_commit": head,
        "duration_s": result.duration_s,
        "stacks": [preview.to_dict() for preview in affected],
        "unchanged": [preview.stack for preview in result.stacks if not preview.has_changes],
    }
    names = [preview.stack for preview in affected]
    with service.sessions() as session, session.begin():
        moved = transition(session, request.id, (PREVIEWING,), status, preview=document, base_commit=head, stacks=names,
                           generations={name: generations.get(name, 0) for name in names}, error=error)
        if not moved:
            return
        for name in names:
            state = service.stack_state(session, name)
            state.last_preview_request, state.last_preview_at = request.id, utcnow()
        summary = ", ".join(f"{p.stack} ({_counts(p)})" for p in affected) or "no stack changes"
        service.event(session, request.id, "status", f"{status}: {summary}", {"status": status, "stacks": names})
        service.audit(session, "service", "request.preview", status, request.id, names, {"engine": document["engine"]})


def _counts(preview: StackPreview) -> str:
    return ", ".join(f"{count} to {op}" for op, count in preview.counts().items() if count) or "outputs only"


# ---- apply --------------------------------------------------------------------------------------

def run_apply(service: Service, job: Job) -> None:
    with service.sessions() as session, session.begin():
        request = get(session, job.request_id)
        if not transition(session, request.id, (APPROVED,), APPLYING):
            return
        service.event(session, request.id, "status", "applying", {"status": APPLYING})
    _check_fresh(service, request)
    if not request.commit_sha:
        _commit(service, request)
    previews = {document["stack"]: StackPreview.from_dict(document) for document in (request.preview or {}).get("stacks", [])}
    applied = list(request.applied_stacks or [])
    platform = service.platform(service.workspace.root)
    progress = ProgressWriter(service, job.id, request.id)
    for stack in request.stacks:
        if stack in applied:
            continue
        preview = previews.get(stack)
        plan_file = preview.plan_file if preview else None
        try:
            if request.kind == "retire":
                _unprotect_accounts(platform, stack, preview)
            if preview is not None and preview.engine == "offline" and platform.can_apply:
                plan_file = _plan_now(service, platform, stack, preview, job, reprotect=request.kind == "retire")
            result = platform.up(stack, plan_file=plan_file, on_progress=progress, expected=len(preview.changes) if preview else 0)
        except StalePlanError as error:
            raise JobFailed(STALE, "stale", error.message, {"applied_stacks": applied, "stack": stack}) from None
        except AutomationError as error:
            raise JobFailed(FAILED, error.code, error.message, {**error.details, "applied_stacks": applied, "stack": stack}) from None
        applied.append(stack)
        with service.sessions() as session, session.begin():
            state = service.stack_state(session, stack)
            state.generation += 1
            state.last_apply_request, state.last_apply_at, state.last_apply_result = request.id, utcnow(), "applied"
            state.outputs = result.outputs
            session.execute(update(ProjectRequest).where(ProjectRequest.id == request.id).values(applied_stacks=list(applied), updated_at=utcnow()))
            service.event(session, request.id, "applied", f"{stack} applied", {"stack": stack, "summary": result.summary, "duration_s": result.duration_s})
            service.audit(session, "service", "stack.up", "applied", request.id, [stack], {"summary": result.summary})
    with service.sessions() as session, session.begin():
        outputs = project_outputs(service, session, request.project)
        if transition(session, request.id, (APPLYING,), APPLIED, outputs=outputs, error=None):
            service.event(session, request.id, "status", f"applied: {', '.join(applied) or 'no stack'}", {"status": APPLIED})
            service.audit(session, "service", "request.apply", "applied", request.id, applied)


def _check_fresh(service: Service, request: ProjectRequest) -> None:
    """Stale when a stack the preview covered was applied since, or the project's files (other than the catalogue) changed."""
    with service.sessions() as session:
        now = service.generations(session, list(request.stacks))
    moved = sorted(stack for stack in request.stacks if stack not in (request.applied_stacks or []) and now[stack] != (request.generations or {}).get(stack, 0))
    with service.workspace.locked():
        changed = service.workspace.changed_since(request.base_commit) if request.base_commit else []
    others = sorted(path for path in changed if path != service.catalogue_file)
    if moved or others:
        reasons = ([f"stacks applied since the preview: {', '.join(moved)}"] if moved else []) + \
                  ([f"project files changed since the preview: {', '.join(others[:10])}"] if others else [])
        raise JobFailed(STALE, "stale", "the preview is out of date (" + "; ".join(reasons) + "). Fix: preview the request again",
                        {"stacks": moved, "files": others})


def _commit(service: Service, request: ProjectRequest) -> None:
    ws = service.workspace
    relative = service.catalogue_file
    with ws.locked():
        text = ws.read(relative)
        try:
            new_text = candidate_text(text, request)
        except catalogue.CatalogueEditError as error:
            raise JobFailed(STALE, "stale", f"the catalogue changed since the preview: {error}. Fix: preview the request again") from None
        if request.kind == "create":
            issues = service.catalogue_issues(ws.root / "stacks", text, new_text)
            if issues:
                raise JobFailed(STALE, "stale", "the catalogue changed since the preview and the project no longer fits it. Fix: preview again",
                                {"issues": issues})
        verb = "Vend" if request.kind == "create" else "Retire"
        message = (f"{verb} project {request.project} ({request.id})\n\nReason: {request.reason}\n\n"
                   f"Request: {request.id}\nRequested-by: {request.requester}\nApproved-by: {request.approved_by}\n")
        sha = ws.commit_file(relative, new_text, message, (request.requester, author_email(request.requester)))
    request.commit_sha = sha
    with service.sessions() as session, session.begin():
        session.execute(update(ProjectRequest).where(ProjectRequest.id == request.id).values(commit_sha=sha, updated_at=utcnow()))
        service.event(session, request.id, "commit", f"catalogue change committed as {sha[:12]}", {"commit": sha})
        service.audit(session, request.requester, "catalogue.commit", "done", request.id, request.stacks, {"commit": sha})


def _account_urns(preview: StackPreview | None) -> list[str]:
    """The protected accounts a retire preview drops from the stack (kept in the organization by retainOnDelete)."""
    if preview is None:
        return []
    return [change.urn for change in preview.changes if change.type == TypeToken.ACCOUNT and change.op == "delete" and change.protect]


def _unprotect_accounts(platform, stack: str, preview: StackPreview | None) -> None:
    """The README's retire step before ``up``: unprotect the project's accounts, so the update drops them from the state."""
    urns = _account_urns(preview)
    if urns:
        platform.unprotect(stack, urns)


def _plan_now(service: Service, platform, stack: str, preview: StackPreview, job: Job, reprotect: bool) -> str | None:
    """The engine's own preview of a stack reviewed offline, saved as the update plan ``up`` applies.

    It must change exactly the resources reviewed (the same URNs, the same operations); otherwise the request is
    stale, and for a retire the accounts are protected again.
    """
    plan_dir = service.config.data_dir / "plans" / job.request_id / str(job.id)
    plan_dir.mkdir(parents=True, exist_ok=True)
    fresh = platform.preview([stack], plan_dir=plan_dir, offline=False).stacks[0]
    reviewed = {(change.urn, change.op) for change in preview.changes}
    found = {(change.urn, change.op) for change in fresh.changes}
    if reviewed != found:
        if reprotect and _account_urns(preview):
            platform.protect(stack, _account_urns(preview))
        unexpected = sorted(f"{op} {urn}" for urn, op in found - reviewed)[:10]
        missing = sorted(f"{op} {urn}" for urn, op in reviewed - found)[:10]
        raise StalePlanError(f"stack '{stack}' would not do what was reviewed (unexpected: {unexpected or 'none'}; "
                             f"missing: {missing or 'none'})" + ("; its accounts are protected again" if reprotect else ""), stack=stack)
    return fresh.plan_file


def project_outputs(service: Service, session, project: str) -> dict[str, Any]:
    """Account ids per stage from the stacks' outputs, and the command that opens Studio there."""
    from mlgov.service.models import StackState

    accounts: dict[str, Any] = {}
    commands: dict[str, str] = {}
    for info in service.stack_infos():
        if info.environment is None:
            continue
        state = session.get(StackState, info.name)
        entry = ((state.outputs if state else {}) or {}).get("projects", {}).get(project)
        if entry:
            accounts[info.environment] = entry
            commands[info.environment] = f"mlgov studio-url --stack {info.name} --project {project} --user <your user name>"
    return {"accounts": accounts, "studio_url": commands}


# ---- refresh --------------------------------------------------------------------------------------

def run_refresh(service: Service, job: Job) -> None:
    platform = service.platform(service.workspace.root)
    for stack in job.stacks:
        try:
            platform.refresh(stack)
        except AutomationError as error:
            raise JobFailed("", error.code, error.message, {"stack": stack}) from None
        with service.sessions() as session, session.begin():
            service.event(session, job.request_id, "refresh", f"{stack} refreshed after the interruption", {"stack": stack})
            service.audit(session, "service", "stack.refresh", "done", job.request_id, [stack])


HANDLERS = {"preview": run_preview, "apply": run_apply, "refresh": run_refresh}
