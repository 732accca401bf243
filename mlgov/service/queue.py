"""The job queue in the database: first in, first out, one operation per stack at a time, across instances.

A job names the stacks it changes; it starts only when it can insert a lock
row for each of them (the stack is the primary key, so a second holder is
impossible, whichever instance asks). A job also waits while an earlier
queued job wants one of its stacks, so operations on one stack keep their
order. On PostgreSQL the queued rows are read ``FOR UPDATE SKIP LOCKED``:
instances claiming at the same moment never take the same job.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from mlgov.service.db import as_utc
from mlgov.service.models import Instance, Job, StackLock, utcnow

QUEUED, RUNNING, DONE, FAILED, INTERRUPTED, CANCELLED = "queued", "running", "done", "failed", "interrupted", "cancelled"


def enqueue(session: Session, request_id: str, kind: str, stacks: list[str]) -> Job:
    job = Job(request_id=request_id, kind=kind, status=QUEUED, stacks=list(stacks), progress={})
    session.add(job)
    session.flush()
    return job


class Claim:
    """A job taken by this instance, with how long it waited for its stacks and how often it was passed over."""

    def __init__(self, job: Job, lock_wait_s: float):
        self.job = job
        self.lock_wait_s = lock_wait_s


def claim_next(sessions: sessionmaker[Session], holder: str, on_conflict=None) -> Claim | None:
    """Take the oldest queued job whose stacks are free, locking them; None when nothing can start now."""
    with sessions() as session, session.begin():
        query = select(Job).where(Job.status == QUEUED).order_by(Job.id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        queued = session.scalars(query).all()
        if not queued:
            return None
        blocked = set(session.scalars(select(StackLock.stack)).all())
        for job in queued:
            stacks = set(job.stacks or [])
            if stacks & blocked:
                blocked |= stacks  # later jobs on these stacks wait behind this one
                if on_conflict is not None:
                    on_conflict(job)
                continue
            try:
                with session.begin_nested():
                    for stack in sorted(stacks):
                        session.add(StackLock(stack=stack, job_id=job.id, holder=holder))
                    session.flush()
            except IntegrityError:
                # Another instance locked one of these stacks between our read and our insert.
                blocked |= stacks
                continue
            now = utcnow()
            job.status = RUNNING
            job.worker = holder
            job.started_at = now
            job.lock_wait_s = (now - as_utc(job.created_at)).total_seconds() if stacks else 0.0
            session.flush()
            return Claim(job, job.lock_wait_s)
    return None


def finish(session: Session, job_id: int, status: str, error: dict | None = None) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(status=status, error=error, finished_at=utcnow()))
    session.execute(delete(StackLock).where(StackLock.job_id == job_id))


def instance_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(4).hex()}"


def heartbeat(session: Session, holder: str) -> None:
    host, pid, _ = holder.split(":", 2)
    row = session.get(Instance, holder)
    if row is None:
        session.add(Instance(id=holder, host=host, pid=int(pid)))
    else:
        row.heartbeat_at = utcnow()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_holders(session: Session, me: str, ttl_s: float) -> set[str]:
    """Instances that hold running jobs but are gone: same host and no such process, or a heartbeat older than ``ttl_s``."""
    host = socket.gethostname()
    holders = set(session.scalars(select(Job.worker).where(Job.status == RUNNING)).all()) - {None, me}
    dead = set()
    now = datetime.now(UTC)
    for holder in holders:
        holder_host, pid, _ = (holder.split(":", 2) + ["", ""])[:3]
        instance = session.get(Instance, holder)
        stale = instance is None or now - as_utc(instance.heartbeat_at) > timedelta(seconds=ttl_s)
        same_host_gone = holder_host == host and pid.isdigit() and (int(pid) == os.getpid() or not _pid_alive(int(pid)))
        if same_host_gone or stale:
            dead.add(holder)
    return dead
