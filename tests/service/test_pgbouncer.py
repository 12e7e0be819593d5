"""Behind PgBouncer in transaction mode (GT_PGBOUNCER=1), as a council with many app
servers runs PostgreSQL: each transaction may get a different server connection, so
nothing may rely on a connection's state between transactions (server-side cursors,
prepared statements). A real PgBouncer (Debian's) on 127.0.0.1 in front of the run's
PostgreSQL; an app server and a worker through it; a person signs in, saves and has a
task done."""

import os
import shutil
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest
from django.urls import reverse

from tests.live import (
    PYTHON,
    Browser,
    Process,
    free_port,
    gunicorn,
    is_postgres,
    live_env,
    manage,
    start,
)
from tests.service.test_two_servers import DEMO_PASSWORD, PASSWORD_PAGE, SEED

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not is_postgres(os.environ.get("DATABASE_URL", "")),
        reason="PgBouncer pools PostgreSQL connections: the PostgreSQL run tests it",
    ),
]

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def pgbouncer(database_url: str, folder: Path) -> tuple[Process, str]:
    """PgBouncer in transaction mode in front of `database_url`'s database; the URL to
    reach the database through it."""
    if not Path(PGBOUNCER).exists():
        pytest.fail("pgbouncer not found: `make test` installs it (apt-get install pgbouncer)")
    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    port = free_port()
    # Its own folder outside pytest's, which only root may enter: PgBouncer runs as postgres.
    run = Path(tempfile.mkdtemp(prefix="gt-pgbouncer-"))
    (run / "users.txt").write_text(f'"{parts.username}" ""\n')
    (run / "pgbouncer.ini").write_text(
        f"""[databases]
{name} = host={parts.hostname} port={parts.port} dbname={name}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {run / "users.txt"}
pool_mode = transaction
default_pool_size = 3
max_client_conn = 100
logfile = {run / "pgbouncer.log"}
pidfile = {run / "pgbouncer.pid"}
"""
    )
    command = [PGBOUNCER, str(run / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        shutil.chown(run, "postgres")
        for path in run.iterdir():
            shutil.chown(path, "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    process = start("pgbouncer", command, dict(os.environ), folder)
    process.folder = run  # removed by the test when done
    deadline = time.monotonic() + 20
    url = parts._replace(netloc=f"{parts.username}@127.0.0.1:{port}").geturl()
    import psycopg

    while True:
        assert process.alive(), process.output() + (run / "pgbouncer.log").read_text()
        try:
            with psycopg.connect(url, connect_timeout=2, prepare_threshold=None) as probe:
                probe.execute("SELECT 1")
            return process, url
        except psycopg.OperationalError:
            assert time.monotonic() < deadline, (run / "pgbouncer.log").read_text()
            time.sleep(0.2)


def test_the_service_works_behind_pgbouncer_in_transaction_mode(live_database, tmp_path):
    bouncer, through = pgbouncer(live_database, tmp_path)
    processes = [bouncer]
    try:
        env = live_env(
            through,
            GT_PGBOUNCER="1",
            GT_TASKS="database",
            GT_MEDIA_ROOT=str(tmp_path / "media"),
            GT_WORKERS="2",
            GT_THREADS="4",
        )
        manage(env, "shell", "--no-imports", "-c", SEED)
        app = gunicorn(env, tmp_path, "app")
        processes.append(app)
        processes.append(start("worker", [PYTHON, "manage.py", "run_worker"], env, tmp_path))

        person = Browser()
        status, _, _ = person.submit(
            app.url + PASSWORD_PAGE, {"login": "lead", "password": DEMO_PASSWORD}
        )
        assert status == 302
        partnership = int(
            manage(
                env,
                "shell",
                "-c",
                "print(Partnership.objects.get(name__startswith='Community Safety').pk)",
            ).split()[-1]
        )
        # Several pages, more requests at once than PgBouncer has server connections (3).
        for path in ["/", f"/partnerships/{partnership}/", "/lessons/", "/jobs/"] * 3:
            status, page = person.page(app.url + path)
            assert status == 200, (path, page[:500])
        # A save, and a task through the worker.
        form = reverse("lesson_create", args=[partnership])
        fields = {
            "title": "Pooled and kept",
            "what_happened": "Saved through PgBouncer in transaction mode.",
            "outcome": "worked",
            "source": "this_partnership",
            "source_detail": "",
            "tags": "",
        }
        assert person.submit(app.url + form, fields)[0] == 302
        status, headers, _ = person.submit(
            app.url + reverse("partnership_export", args=[partnership]), {}
        )
        assert status == 302
        job_url = headers["Location"]
        deadline = time.monotonic() + 90
        while "govuk-panel__title" not in (page := person.page(app.url + job_url)[1]):
            assert "It did not work" not in page, page
            assert time.monotonic() < deadline, processes[-1].output()
            time.sleep(0.5)
        assert "Download" in page
        saved = manage(
            env, "shell", "-c", "print(Lesson.objects.filter(title='Pooled and kept').count())"
        )
        assert saved.split()[-1] == "1"
        assert "Traceback" not in app.output(200_000)
    finally:
        for process in reversed(processes):
            process.stop()
        shutil.rmtree(bouncer.folder, ignore_errors=True)
