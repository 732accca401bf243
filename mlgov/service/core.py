"""The service's state and machinery, without HTTP: database, git workspace, engine, worker pool, metrics."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlgov.automation import Engine, EngineUnavailableError, OfflineEngine, Platform, select_engine
from mlgov.service.db import make_engine, migrate, session_factory, sqlite_url
from mlgov.service.models import AuditEntry, RequestEvent, StackState
from mlgov.service.queue import instance_id
from mlgov.service.validation import StackInfo, stack_infos
from mlgov.service.workspace import Workspace

LOG = logging.getLogger("mlgov.service")
DEFAULT_DATA_DIR = Path(".mlgov-service")


def _default_source() -> Path:
    from mlgov.engine import PROJECT_DIR

    return PROJECT_DIR


@dataclass
class ServiceConfig:
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str | None = None
    workers: int = 2
    engine: str = "auto"
    pulumi_root: str | None = None
    backend_url: str | None = None
    project_source: Path = field(default_factory=_default_source)
    poll_interval_s: float = 0.25
    heartbeat_s: float = 5.0
    instance_ttl_s: float = 30.0

    @property
    def url(self) -> str:
        return self.database_url or sqlite_url(self.data_dir)


class Service:
    """Everything a request handler or a worker needs; one per process."""

    def __init__(self, config: ServiceConfig, engine: Engine | None = None, previewer: Engine | None = None):
        """``engine`` and ``previewer`` replace the engines (tests about the service's own behaviour pass fakes):
        ``previewer`` makes the comparison with the catalogue that the offline engine makes otherwise."""
        self.config = config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.db = make_engine(config.url)
        migrate(self.db)
        self.sessions = session_factory(self.db)
        self.workspace = Workspace(config.data_dir / "workspace")
        self.workspace.initialize(config.project_source)
        self.offline: Engine = previewer or OfflineEngine()
        self.engine, self.engine_note = (engine, f"{engine.name} engine") if engine is not None else self._select_engine()
        self.instance = instance_id()
        self._infos: tuple[str, list[StackInfo]] | None = None
        self._infos_lock = threading.Lock()
        from mlgov.service.metrics import Metrics

        self.metrics = Metrics(self)
        self.pool = None

    def _select_engine(self) -> tuple[Engine, str]:
        backend = self.config.backend_url or f"file://{(self.config.data_dir / 'state').resolve()}"
        if backend.startswith("file://"):
            Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
        try:
            engine = select_engine(self.config.engine, project_dir=self.workspace.root, pulumi_root=self.config.pulumi_root,
                                   backend_url=backend)
        except EngineUnavailableError as error:
            if self.config.engine != "auto":
                raise
            return self.offline, f"offline engine (previews only: {error.message})"
        if isinstance(engine, OfflineEngine):
            # One offline engine for previews and "apply" (which it refuses), so a preview is planned once.
            chosen = self.offline if isinstance(self.offline, OfflineEngine) else engine
            found = "; none was found" if self.config.engine == "auto" else ""
            reason = f"offline engine (previews only: applying needs the Pulumi CLI{found})"
            return chosen, reason
        return engine, f"Pulumi CLI at {engine.settings.root}, state in {backend}"

    # -- helpers shared by the API and the jobs --------------------------------------------------
    def platform(self, project_dir: Path) -> Platform:
        return Platform(project_dir, engine=self.engine, offline=self.offline)

    @property
    def can_apply(self) -> bool:
        return self.engine.can_apply

    @property
    def catalogue_file(self) -> str:
        infos = self.stack_infos()
        files = {info.projects_file for info in infos if info.projects_file}
        return f"stacks/{sorted(files)[0] if files else 'projects.yaml'}"

    def stack_infos(self) -> list[StackInfo]:
        """Kind and environment of every stack at the workspace's HEAD (cached per commit)."""
        head = self.workspace.head()
        with self._infos_lock:
            if self._infos is None or self._infos[0] != head:
                names = self.platform(self.workspace.root).stacks()
                self._infos = (head, stack_infos(self.workspace.root / "stacks", names))
            return self._infos[1]

    def catalogue_issues(self, stacks_dir: Path, before: str, after: str) -> list[dict[str, Any]]:
        """What every stack reading the catalogue says of ``after`` (``before`` with one project appended), in the
        words of ``mlgov plan``; ``field`` names the new entry's key for issues about it."""
        from mlgov.service import catalogue
        from mlgov.service.validation import catalogue_readers, validate

        return validate(stacks_dir, self.catalogue_file.removeprefix("stacks/"), after, catalogue_readers(self.stack_infos()),
                        len(catalogue.projects(before)))

    def audit(self, session: Session, actor: str, action: str, result: str, request_id: str | None = None,
              stacks: list[str] | None = None, detail: dict[str, Any] | None = None) -> None:
        session.add(AuditEntry(actor=actor, action=action, result=result, request_id=request_id, stacks=list(stacks or []), detail=detail or {}))

    def event(self, session: Session, request_id: str, kind: str, message: str, data: dict[str, Any] | None = None) -> None:
        session.add(RequestEvent(request_id=request_id, kind=kind, message=message, data=data or {}))

    def stack_state(self, session: Session, name: str) -> StackState:
        state = session.get(StackState, name)
        if state is None:
            state = StackState(name=name, generation=0, outputs={})
            session.add(state)
            session.flush()
        return state

    def generations(self, session: Session, stacks: list[str]) -> dict[str, int]:
        rows = {row.name: row.generation for row in session.scalars(select(StackState).where(StackState.name.in_(stacks)))}
        return {stack: rows.get(stack, 0) for stack in stacks}

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        from mlgov.service.worker import WorkerPool

        ensure = getattr(self.engine, "ensure_stack", None)
        if ensure is not None:
            self._ensure_stacks()
        self.pool = WorkerPool(self)
        self.pool.start()

    def _ensure_stacks(self) -> None:
        """With the real engine, create every stack once at start: creating one writes its secrets salt into its stack file."""
        names = [info.name for info in self.stack_infos()]
        with self.workspace.locked():
            self.platform(self.workspace.root).ensure_stacks(names)
            self.workspace.commit_paths(["stacks"], "Record the secrets salt of the stacks the service created")

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.stop()
            self.pool = None
        self.stop_plans()
        self.db.dispose()

    def stop_plans(self) -> None:
        planner = getattr(self.offline, "planner", None)
        if planner is not None:
            planner.stop_all()

