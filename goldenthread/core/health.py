"""Is this process able to serve? For /healthz and /readyz (web/views/health.py), which a
load balancer or orchestrator asks every few seconds: cheap, and no sign-in."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# A task waiting longer than this for a worker means no worker is taking them.
STUCK_AFTER = datetime.timedelta(minutes=10)

_migrated = False  # once every migration is applied, it stays so for this process


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check("database", False, f"not reachable: {type(error).__name__}")
    return Check("database", True, "reachable")


def _migrations() -> Check:
    global _migrated
    if not _migrated:
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            return Check("migrations", False, f"cannot be read: {type(error).__name__}")
        if pending:
            return Check("migrations", False, f"{len(pending)} not applied")
        _migrated = True
    return Check("migrations", True, "all applied")


def _task_queue() -> Check:
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return Check("tasks", True, "run at once in the request")
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    try:
        oldest = (
            DBTaskResult.objects.ready()
            .order_by("enqueued_at")
            .values_list("enqueued_at", "run_after")
            .first()
        )
    except DatabaseError as error:
        return Check("tasks", False, f"queue cannot be read: {type(error).__name__}")
    # A task to run later has waited only since its time came.
    waited = now - max(at for at in oldest if at <= now) if oldest else datetime.timedelta()
    if waited > STUCK_AFTER:
        minutes = int(waited.total_seconds() // 60)
        return Check("tasks", False, f"oldest waiting task queued {minutes} minutes ago")
    return Check("tasks", True, "moving")


def readiness() -> list[Check]:
    """Database reachable, migrations applied, task queue not stuck. Later checks are
    skipped (reported failed) when the database cannot be reached."""
    database = _database()
    if not database.ok:
        return [database, Check("migrations", False, "unknown"), Check("tasks", False, "unknown")]
    return [database, _migrations(), _task_queue()]
