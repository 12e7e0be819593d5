"""Real processes for tests that need them: app servers (runserver, gunicorn, make serve)
and task workers on 127.0.0.1, each on a database of its own that the processes share.

pytest-django's SQLite test database is in memory, which another process cannot open, so
these tests use a database of their own: a SQLite file, or a throw-away database on the
test run's PostgreSQL server, restored from a backup of the run's migrated test database
(`live_template` and `live_database` in tests/conftest.py)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def live_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a process on `database_url`: a secret key of its own, debug off,
    unbuffered output."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "GT_SECRET_KEY": extra.pop("GT_SECRET_KEY", "live-test-" + uuid.uuid4().hex),
        "GT_DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def manage(env: dict[str, str], *args: str, timeout: int = 180) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def make_template(folder: Path) -> Path:
    """A backup of the test run's own database, migrated and empty between tests, for
    copies to start from (`manage.py backup_database`'s code: SQLite's backup API, which
    reads pytest-django's in-memory database, or pg_dump). A second or two, where
    migrating a database afresh takes 30-40 s. Call with database access allowed."""
    from django.db import connection

    from goldenthread.core.backup import backup_database

    # pytest-django makes the test database only for a run with a test marked django_db:
    # a test using live_database must be marked so, or this would copy the real database.
    name = str(connection.settings_dict["NAME"])
    assert name.startswith("test_") or "memorydb" in name, (
        f"{name} is not the test database: mark the test @pytest.mark.django_db"
    )
    path = folder / ("template.sqlite3" if connection.vendor == "sqlite" else "template.dump")
    backup_database(connection, path)
    return path


@contextmanager
def copy_of(template: Path, folder: Path) -> Iterator[str]:
    """The URL of a new database restored from `template`; dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        target = folder / f"live-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    import psycopg
    from django.db import connection

    from goldenthread.core.backup import _pg_program

    name = f"gt_live_{uuid.uuid4().hex[:12]}"
    database = urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(
            [
                _pg_program(connection, "pg_restore"),
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                f"--dbname={database}",
                str(template),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield database
    finally:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Process:
    """A process started by a test, its output in a log file; always stopped."""

    name: str
    popen: subprocess.Popen
    log: Path
    url: str = ""

    def output(self, chars: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        """Sends `sig` to the whole process group (gunicorn's workers, make's children)
        and waits; SIGKILL if it does not stop in time."""
        if self.popen.poll() is not None:
            return
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            return
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def kill(self) -> None:
        """Dies at once, as when a machine is lost: no clean-up of any kind."""
        self.stop(signal.SIGKILL)


def start(name: str, command: list[str], env: dict[str, str], folder: Path) -> Process:
    log = folder / f"{name}.log"
    with log.open("w") as out:
        popen = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches its children
        )
    return Process(name, popen, log)


def wait_for(process: Process, url: str, timeout: float = 90) -> None:
    """Until `url` answers (any HTTP status); fails with the process's output if it stops
    or does not answer in time."""
    deadline = time.monotonic() + timeout
    while True:
        assert process.alive(), f"{process.name} stopped:\n{process.output()}"
        assert time.monotonic() < deadline, f"{process.name} did not answer:\n{process.output()}"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)


def gunicorn(env: dict[str, str], folder: Path, name: str = "gunicorn", **options: str) -> Process:
    """An app server as `make serve` runs it (gunicorn.conf.py), on a free port."""
    port = free_port()
    env = {**env, "GT_BIND": f"127.0.0.1:{port}", **options}
    process = start(name, [PYTHON, "-m", "gunicorn", "goldenthread.wsgi"], env, folder)
    process.url = f"http://127.0.0.1:{port}"
    wait_for(process, process.url + "/healthz")
    return process


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the answer being checked, not something to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its own cookies (session, CSRF), sent to whichever server a
    request names, as a load balancer would (cookies belong to the host, not the port)."""

    def __init__(self, timeout: float = 30):
        import http.cookiejar

        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def request(
        self, url: str, fields: dict | None = None, files: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body); a 3xx or an error page is an answer too. `files`
        ({name: (filename, bytes)}) sends a multipart form."""
        headers: dict[str, str] = {}
        data = None
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in (fields or {}).items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for name, (filename, content) in files.items():
                head = (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                )
                parts.append(head.encode() + content + b"\r\n")
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def page(self, url: str) -> tuple[int, str]:
        status, _, body = self.request(url)
        return status, body.decode(errors="replace")

    def csrf_token(self, url: str) -> str:
        import re

        status, page = self.page(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, f"no form at {url} ({status})"
        return token.group(1)

    def submit(
        self, form_url: str, fields: dict, files: dict | None = None, to: str | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Opens the form at `form_url` and posts it, with the page's CSRF token, to `to`
        (the same page, or the same path on another server)."""
        token = self.csrf_token(form_url)
        return self.request(to or form_url, {**fields, "csrfmiddlewaretoken": token}, files)
