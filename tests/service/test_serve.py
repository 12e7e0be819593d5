"""`make serve` on a database of its own: migrates it, collects the static files, starts a
task worker and gunicorn, and answers /readyz with 200; static files come hashed and
compressed from WhiteNoise; every log line is JSON carrying the request id; SIGTERM stops
the lot."""

import json
import os
import re
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.live import free_port, live_env, start, wait_for

# pytest-django makes the test database, which live_template copies, only for such a test.
pytestmark = pytest.mark.django_db


def test_make_serve_answers_ready_and_stops_cleanly(live_database, tmp_path):
    port = free_port()
    env = live_env(
        live_database,
        GT_BIND=f"127.0.0.1:{port}",
        GT_WORKERS="1",
        GT_THREADS="2",
        GT_STATIC_ROOT=str(tmp_path / "static"),
        GT_MEDIA_ROOT=str(tmp_path / "media"),
        MAKEFLAGS="",
    )
    serve = start("make-serve", ["make", "--no-print-directory", "serve"], env, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(serve, base + "/healthz", timeout=240)
        with urllib.request.urlopen(base + "/readyz", timeout=10) as response:
            assert response.status == 200
            ready = json.load(response)
        assert ready["status"] == "ready"
        assert {name: check["ok"] for name, check in ready["checks"].items()} == {
            "database": True,
            "migrations": True,
            "tasks": True,
        }
        assert ready["checks"]["tasks"]["detail"] == "moving"  # the database queue is in use

        # The sign-in page links its stylesheet by a hashed name, served for a year.
        request = urllib.request.Request(
            base + "/accounts/login/", headers={"X-Request-ID": "probe-42"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["X-Request-ID"] == "probe-42"
            page = response.read().decode()
        stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "no hashed stylesheet link on the sign-in page"
        gzip = urllib.request.Request(base + stylesheet[1], headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(gzip, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Encoding"] == "gzip"
            assert "max-age=315360000" in response.headers["Cache-Control"]

        # The request's log line: JSON, with the id the proxy gave.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            lines = [
                json.loads(line)
                for line in serve.output(200_000).splitlines()
                if line.startswith("{")
            ]
            sign_in = [entry for entry in lines if entry.get("path") == "/accounts/login/"]
            if sign_in:
                break
            time.sleep(0.2)
        assert sign_in, serve.output()
        assert sign_in[0]["request_id"] == "probe-42"
        assert sign_in[0]["status"] == 200
        assert sign_in[0]["logger"] == "goldenthread.request"
        assert (tmp_path / "static" / "staticfiles.json").exists()
    finally:
        serve.stop(signal.SIGTERM, timeout=30)
    # Nothing of it is left: gunicorn's master and workers and the task worker finish what
    # they were doing (gunicorn's graceful timeout is 30 s) and stop.
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        try:
            os.killpg(serve.popen.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        remaining = subprocess.run(
            ["ps", "-o", "pid,args", "-g", str(serve.popen.pid)], capture_output=True, text=True
        )
        pytest.fail(f"still running after SIGTERM:\n{remaining.stdout}")
