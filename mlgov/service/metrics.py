"""Prometheus metrics (text format at ``/metrics``): requests by status, job durations, queue depth, stack lock waits.

Counts that live in the database (requests by status, queued jobs) are read
when scraped, so every instance reports the same numbers for the shared queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from mlgov.service.models import Job, ProjectRequest, StackLock

if TYPE_CHECKING:
    from mlgov.service.core import Service

DURATION_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800)


class _DatabaseCollector:
    def __init__(self, service: "Service"):
        self.service = service

    def collect(self):
        from mlgov.service.requests import STATUSES

        requests = GaugeMetricFamily("mlgov_requests", "Project requests by status.", labels=["status"])
        depth = GaugeMetricFamily("mlgov_queue_depth", "Jobs waiting in the queue.")
        locked = GaugeMetricFamily("mlgov_stacks_locked", "Stacks an operation holds right now.")
        with self.service.sessions() as session:
            counts = dict(session.execute(select(ProjectRequest.status, func.count()).group_by(ProjectRequest.status)).all())
            queued = session.scalar(select(func.count()).select_from(Job).where(Job.status == "queued")) or 0
            held = session.scalar(select(func.count()).select_from(StackLock)) or 0
        for status in STATUSES:
            requests.add_metric([status], counts.get(status, 0))
        depth.add_metric([], queued)
        locked.add_metric([], held)
        yield requests
        yield depth
        yield locked


class Metrics:
    def __init__(self, service: "Service"):
        self.registry = CollectorRegistry(auto_describe=True)
        self.registry.register(_DatabaseCollector(service))
        self.job_duration = Histogram("mlgov_job_duration_seconds", "How long jobs ran, by kind and result.", ["kind", "result"],
                                      buckets=DURATION_BUCKETS, registry=self.registry)
        self.lock_wait = Histogram("mlgov_stack_lock_wait_seconds", "Time a job waited for its stack locks (queued to started).",
                                   buckets=DURATION_BUCKETS, registry=self.registry)
        self.lock_conflicts = Counter("mlgov_stack_lock_conflicts", "Times a queued job was passed over because one of its stacks was busy.",
                                      registry=self.registry)
        self.http = Counter("mlgov_http_requests", "HTTP requests by method, route and status code.", ["method", "route", "status"],
                            registry=self.registry)

    def lock_conflict(self, _job) -> None:
        self.lock_conflicts.inc()
