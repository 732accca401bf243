"""The worker pool: threads that take jobs from the database queue, and one thread that keeps the instance alive.

The keeper writes this instance's heartbeat and looks for jobs whose instance
is gone (its process died, or its heartbeat stopped): those jobs are marked
``interrupted``, their stack locks released, their requests ``interrupted``,
and for an interrupted apply a refresh of its stacks is queued, which must
finish before the request may be previewed and approved again.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import delete, select, update

from mlgov.service.core import Service
from mlgov.service.jobs import HANDLERS, JobFailed
from mlgov.service.models import Job, ProjectRequest, StackLock, utcnow
from mlgov.service.queue import DONE, FAILED, INTERRUPTED, RUNNING, claim_next, dead_holders, enqueue, finish, heartbeat
from mlgov.service.requests import APPLYING, APPROVED, PREVIEWING, transition
from mlgov.service.requests import FAILED as REQUEST_FAILED
from mlgov.service.requests import INTERRUPTED as REQUEST_INTERRUPTED

LOG = logging.getLogger("mlgov.service")


class WorkerPool:
    def __init__(self, service: Service):
        self.service = service
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        self.keep_alive()  # before any worker: interrupted jobs of a previous run are marked first
        keeper = threading.Thread(target=self._keeper, name="mlgov-keeper", daemon=True)
        self.threads.append(keeper)
        for index in range(self.service.config.workers):
            self.threads.append(threading.Thread(target=self._work, name=f"mlgov-worker-{index}", daemon=True))
        for thread in self.threads:
            thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self.stopping.set()
        self.service.stop_plans()
        deadline = time.monotonic() + timeout_s
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    # -- workers --------------------------------------------------------------------------------
    def _work(self) -> None:
        service = self.service
        while not self.stopping.is_set():
            try:
                claim = claim_next(service.sessions, service.instance, on_conflict=service.metrics.lock_conflict)
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the worker
                LOG.exception("claiming a job failed")
                self.stopping.wait(1.0)
                continue
            if claim is None:
                self.stopping.wait(service.config.poll_interval_s)
                continue
            self._run(claim.job, claim.lock_wait_s)

    def _run(self, job: Job, lock_wait_s: float) -> None:
        service = self.service
        if job.stacks:
            service.metrics.lock_wait.observe(lock_wait_s)
        started = time.monotonic()
        status, error = DONE, None
        try:
            HANDLERS[job.kind](service, job)
        except JobFailed as failure:
            status, error = FAILED, failure.error()
            self._fail_request(job, failure.status or None, error)
        except Exception as unexpected:  # noqa: BLE001 - the request shows a clean error; the log has the trace
            LOG.exception("job %s (%s of %s) failed", job.id, job.kind, job.request_id)
            status, error = FAILED, {"code": "internal", "message": f"the {job.kind} failed unexpectedly: {type(unexpected).__name__}", "details": {}}
            self._fail_request(job, REQUEST_FAILED, error)
        with service.sessions() as session, session.begin():
            finish(session, job.id, status, error)
        service.metrics.job_duration.labels(job.kind, status).observe(time.monotonic() - started)

    def _fail_request(self, job: Job, status: str | None, error: dict) -> None:
        service = self.service
        with service.sessions() as session, session.begin():
            if status is None:  # a refresh failed: the request stays interrupted, with the reason
                session.execute(update(ProjectRequest).where(ProjectRequest.id == job.request_id).values(error=error, updated_at=utcnow()))
                service.event(session, job.request_id, "refresh", f"refresh failed: {error['message']}", {"error": error})
                return
            if transition(session, job.request_id, (PREVIEWING, APPROVED, APPLYING), status, error=error):
                service.event(session, job.request_id, "status", f"{status}: {error['message']}", {"status": status, "error": error})
                service.audit(session, "service", f"request.{job.kind}", status, job.request_id, job.stacks, {"error": error["code"]})

    # -- keeper ---------------------------------------------------------------------------------
    def _keeper(self) -> None:
        while not self.stopping.wait(self.service.config.heartbeat_s):
            try:
                self.keep_alive()
            except Exception:  # noqa: BLE001
                LOG.exception("heartbeat failed")

    def keep_alive(self) -> None:
        service = self.service
        with service.sessions() as session, session.begin():
            heartbeat(session, service.instance)
            dead = dead_holders(session, service.instance, service.config.instance_ttl_s)
            if not dead:
                return
            for job in session.scalars(select(Job).where(Job.status == RUNNING, Job.worker.in_(dead))).all():
                interrupt(service, session, job)


def interrupt(service: Service, session, job: Job) -> None:
    """Mark a job whose instance died: interrupted, locks released, request interrupted, stacks refreshed if it applied."""
    session.execute(update(Job).where(Job.id == job.id).values(status=INTERRUPTED, finished_at=utcnow()))
    session.execute(delete(StackLock).where(StackLock.job_id == job.id))
    message = f"the service stopped during the {job.kind} job"
    if job.kind == "refresh":
        enqueue(session, job.request_id, "refresh", list(job.stacks))
        service.event(session, job.request_id, "refresh", f"{message}; refresh queued again", {"stacks": job.stacks})
        return
    if transition(session, job.request_id, (PREVIEWING, APPLYING, APPROVED), REQUEST_INTERRUPTED,
                  error={"code": "interrupted", "message": message, "details": {"job": job.kind}}):
        service.event(session, job.request_id, "status", f"interrupted: {message}", {"status": REQUEST_INTERRUPTED})
        service.audit(session, "service", f"request.{job.kind}", "interrupted", job.request_id, job.stacks)
    if job.kind == "apply":
        enqueue(session, job.request_id, "refresh", list(job.stacks))
        service.event(session, job.request_id, "refresh", f"refresh of {', '.join(job.stacks)} queued before a retry", {"stacks": job.stacks})
