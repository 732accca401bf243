"""The database: SQLite in the data folder by default (WAL), PostgreSQL by URL for several instances.

SQLite transactions start with ``BEGIN IMMEDIATE``: a transaction that reads and
then writes (claiming a job) would otherwise fail with "database is locked" when
another process wrote in between, instead of waiting its turn.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30
# Any constant: the PostgreSQL advisory lock that keeps two instances from migrating at once.
_MIGRATION_LOCK_KEY = 0x6D6C676F76


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'mlgov-service.db').resolve()}"


def normalize_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 (the driver pinned), not SQLAlchemy's default psycopg2."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}, pool_size=10, max_overflow=20)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None  # transactions are begun below, explicitly
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    if is_postgres(engine):
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                connection.commit()
        return
    database = make_url(str(engine.url)).database
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent; safe with several instances starting)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _migration_lock(engine), engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time the service stores is UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
