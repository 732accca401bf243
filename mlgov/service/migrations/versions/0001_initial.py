"""The service's first schema: tokens, requests and their events, jobs, stack locks and states, audit, instances.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

# The audit table is append-only in the database itself, not only by convention of the code.
APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END",
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit is append-only'; END $$",
        "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    ],
}
DROP_APPEND_ONLY = {
    "sqlite": ["DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"],
    "postgresql": ["DROP TRIGGER audit_no_change ON audit", "DROP FUNCTION audit_append_only()"],
}


def upgrade() -> None:
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("roles", sa.String(128), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "project_requests",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("project", sa.String(128), nullable=False, index=True),
        sa.Column("body", sa.JSON, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("requester", sa.String(128), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False, index=True),
        sa.Column("base_commit", sa.String(64), nullable=True),
        sa.Column("generations", sa.JSON, nullable=False),
        sa.Column("preview", sa.JSON, nullable=True),
        sa.Column("stacks", sa.JSON, nullable=False),
        sa.Column("applied_stacks", sa.JSON, nullable=False),
        sa.Column("outputs", sa.JSON, nullable=False),
        sa.Column("commit_sha", sa.String(64), nullable=True),
        sa.Column("error", sa.JSON, nullable=True),
        sa.Column("approved_by", sa.String(128), nullable=True),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("requester", "idempotency_key", name="uq_request_idempotency"),
    )
    op.create_table(
        "request_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(32), sa.ForeignKey("project_requests.id"), nullable=False, index=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(32), sa.ForeignKey("project_requests.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("stacks", sa.JSON, nullable=False),
        sa.Column("worker", sa.String(255), nullable=True),
        sa.Column("progress", sa.JSON, nullable=False),
        sa.Column("error", sa.JSON, nullable=True),
        sa.Column("lock_wait_s", sa.Float, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("started_at", TZ, nullable=True),
        sa.Column("finished_at", TZ, nullable=True),
    )
    op.create_table(
        "stack_locks",
        sa.Column("stack", sa.String(128), primary_key=True),
        sa.Column("job_id", sa.Integer, sa.ForeignKey("jobs.id"), nullable=False),
        sa.Column("holder", sa.String(255), nullable=False),
        sa.Column("acquired_at", TZ, nullable=False),
    )
    op.create_table(
        "stacks",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("last_preview_request", sa.String(32), nullable=True),
        sa.Column("last_preview_at", TZ, nullable=True),
        sa.Column("last_apply_request", sa.String(32), nullable=True),
        sa.Column("last_apply_at", TZ, nullable=True),
        sa.Column("last_apply_result", sa.String(32), nullable=True),
        sa.Column("outputs", sa.JSON, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(32), nullable=True, index=True),
        sa.Column("stacks", sa.JSON, nullable=False),
        sa.Column("result", sa.String(32), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_table(
        "instances",
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("heartbeat_at", TZ, nullable=False),
    )
    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    for table in ("instances", "audit", "stacks", "stack_locks", "jobs", "request_events", "project_requests", "tokens"):
        op.drop_table(table)
