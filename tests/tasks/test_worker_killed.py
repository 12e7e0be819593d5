"""A worker killed mid-task: the job is picked up again by another worker once its lease
has run out, and done exactly once (one published edition, one set of files).

Real processes on a database of their own (tests/live.py): `run_worker` with the database
queue, a 3-second lease, and 2 seconds per step so the test can catch the job mid-way."""

import sqlite3
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.live import PYTHON, is_postgres, live_env, manage, start

pytestmark = pytest.mark.django_db  # live_database copies the test run's migrated database

SETUP = """
from goldenthread.core.models import Membership, Organisation, Partnership, Role, User
from goldenthread.core.services import annual_reports
from goldenthread.tasks.start import start_publish
org = Organisation.objects.create(name="Live Council")
lead = User.objects.create(username="lead", first_name="Lee", email="lead@example.org")
p = Partnership.objects.create(name="Live Partnership", lead_organisation=org)
Membership.objects.create(partnership=p, person=lead, role=Role.LEAD, organisation=org)
annual_reports.save_commentary(partnership=p, year=2025, commentary="A year.", by=lead)
job = start_publish(partnership=p, year=2025, by=lead)
print("JOB", job.pk, p.pk)
"""


def query(url: str, sql: str, *params) -> list[tuple]:
    if is_postgres(url):
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            return connection.execute(sql.replace("?", "%s"), params).fetchall()
    path = urllib.parse.urlsplit(url).path
    with sqlite3.connect(path, timeout=20) as connection:
        return connection.execute(sql, params).fetchall()


def wait_until(condition, what: str, processes, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.output()}" for p in processes)
            raise AssertionError(f"Timed out waiting for {what}\n{logs}")
        time.sleep(0.2)


def test_a_killed_worker_s_job_is_done_once_by_another(live_database, tmp_path):
    media = tmp_path / "media"
    env = live_env(
        live_database,
        GT_TASKS="database",
        GT_TASK_LEASE="3",
        GT_TASK_STEP_DELAY="2",
        GT_MEDIA_ROOT=str(media),
    )
    out = manage(env, "shell", "-c", SETUP)
    line = next(line for line in out.splitlines() if line.startswith("JOB "))
    job_id, partnership_id = (int(n) for n in line.split()[1:])

    def status() -> tuple[str, int]:
        return query(live_database, "SELECT status, attempts FROM core_job WHERE id = ?", job_id)[0]

    assert status() == ("queued", 0)  # the database queue: nothing runs until a worker does
    worker = [PYTHON, "manage.py", "run_worker", "--interval", "0.2", "--no-reminders"]
    first = start("worker-1", [*worker, "--worker-id", "one"], env, tmp_path)
    second = None
    try:
        wait_until(lambda: status() == ("running", 1), "the first worker to start", [first])
        first.kill()  # mid-task: SIGKILL, no clean-up of any kind
        assert status() == ("running", 1)
        published = "SELECT COUNT(*) FROM core_annualreport WHERE status = 'published'"
        assert query(live_database, published) == [(0,)]

        second = start("worker-2", [*worker, "--worker-id", "two"], env, tmp_path)
        wait_until(lambda: status()[0] == "succeeded", "the second worker", [first, second])
    finally:
        first.stop()
        if second:
            second.stop()

    assert status() == ("succeeded", 2)
    # One edition, published once (its audit history says so once), one set of files.
    assert query(live_database, "SELECT edition, status, pdf, docx FROM core_annualreport") == [
        (
            1,
            "published",
            f"annual-reports/{partnership_id}/2025/edition-1.pdf",
            f"annual-reports/{partnership_id}/2025/edition-1.docx",
        )
    ]
    reasons = [
        r
        for (r,) in query(
            live_database,
            "SELECT history_change_reason FROM core_historicalannualreport ORDER BY history_id",
        )
    ]
    assert reasons.count("Edition 1 published") == 1
    folder = media / "annual-reports" / str(partnership_id) / "2025"
    assert sorted(p.name for p in folder.iterdir()) == ["edition-1.docx", "edition-1.pdf"]
    assert (folder / "edition-1.pdf").read_bytes().startswith(b"%PDF")
    # The job's own history: started, attempt 1 stalled, attempt 2 did it.
    job_history = [
        r
        for (r,) in query(
            live_database,
            "SELECT history_change_reason FROM core_historicaljob WHERE id = ? ORDER BY history_id",
            job_id,
        )
    ]
    assert job_history == [
        "Started",
        "Attempt 1 started",
        "Attempt 1 stalled",
        "Attempt 2 started",
        "Attempt 2 succeeded",
    ]
    # The dead worker's queue entry was closed; the second ran a new one to success.
    entries = query(
        live_database,
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at",
    )
    assert [e[0] for e in entries] == ["FAILED", "SUCCESSFUL"]
    assert "one" in str(entries[0][1]) and "two" in str(entries[1][1])
    assert "queued again" in Path(second.log).read_text()
