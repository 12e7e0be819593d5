"""python manage.py run_worker [--interval SECONDS] [--worker-id ID]

A background worker (GT_TASKS=database): runs the queued tasks one at a time, like
django-tasks-db's `db_worker` (whose Worker it uses), and between tasks

- queues again any job whose worker stopped reporting for GT_TASK_LEASE seconds (its
  machine died, or it was killed): another worker, or this one, picks it up;
- once a day, from GT_REMINDERS_AT (07:00 by default, in the council's time zone), starts
  the day's reminders. Any number of workers on any number of machines may run: one row
  a day (a unique constraint) means one of them starts it.

Run as many as the work needs, on any machine that reaches the database. Stop one with
SIGTERM or Ctrl+C: it finishes the task it is running first. `--batch` runs what is queued
and stops (tests, and cron where a long-running process is not possible)."""

import datetime
import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from goldenthread.core.models import Job, JobKind
from goldenthread.core.services.jobs import requeue_stalled
from goldenthread.tasks.start import start_reminders

log = logging.getLogger("goldenthread.tasks.worker")


def reminders_time() -> datetime.time:
    try:
        return datetime.time.fromisoformat(settings.REMINDERS_AT)
    except ValueError:
        raise CommandError(
            f"GT_REMINDERS_AT is {settings.REMINDERS_AT!r}: give a time of day like 07:00."
        ) from None


def reminders_due(now: datetime.datetime, at: datetime.time) -> datetime.date | None:
    """Today (in the council's time zone) once it is past `at` and today's reminders have
    not been started; otherwise None."""
    local = timezone.localtime(now)
    if local.time() < at:
        return None
    today = local.date()
    if Job.objects.filter(kind=JobKind.REMINDERS, scheduled_for=today).exists():
        return None
    return today


class GoldenThreadWorker(Worker):
    def __init__(self, *, reminders_at: datetime.time, send_reminders: bool, **kwargs):
        super().__init__(**kwargs)
        self.reminders_at = reminders_at
        self.send_reminders = send_reminders
        self.next_housekeeping = 0.0

    def housekeeping(self) -> None:
        # Between tasks, but not more often than a few times a lease: a query or two.
        now = time.monotonic()
        if now < self.next_housekeeping:
            return
        self.next_housekeeping = now + min(5.0, settings.TASK_LEASE / 3)
        for job in requeue_stalled():
            log.warning("Job %s queued again after its worker stopped", job.pk)
        day = reminders_due(timezone.now(), self.reminders_at) if self.send_reminders else None
        if day and start_reminders(day):
            log.info("Reminders of %s started", day)

    def claim_one(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(
            backend_name=self.backend_name, queue_name__in=self.queue_names
        )
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                return None
        return task_result

    def run(self) -> None:
        log.info("Worker %s started", self.worker_id)
        while self.running:
            close_old_connections()
            self.housekeeping()
            task_result = self.claim_one()
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch:
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)


class Command(BaseCommand):
    help = "Run a background worker: queued tasks, stalled jobs, the daily reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when nothing is queued (default 1).",
        )
        parser.add_argument("--worker-id", default="", help="Unique across workers.")
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then stop.")
        parser.add_argument(
            "--no-reminders",
            action="store_true",
            help="Do not start the daily reminders (cron sends them instead).",
        )

    def handle(
        self, *, interval: float, worker_id: str, batch: bool, no_reminders: bool, **options
    ) -> None:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                "The worker needs the database queue: set GT_TASKS=database (with the "
                "default, tasks run at once in the request that starts them)."
            )
        worker = GoldenThreadWorker(
            queue_names=list(backend.queues) or ["default"],
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id or get_random_string(32),
            excluded_queue_names=[],
            reminders_at=reminders_time(),
            send_reminders=not no_reminders,
        )
        worker.configure_signals()
        worker.run()
