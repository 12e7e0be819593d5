"""Load: signed-in people reading and saving through gunicorn at 10, 25, 50 and 100 at once.

Loads the large council (goldenthread.demo.large: on PostgreSQL 100 partnerships, 4,000
indicators, ten years of quarterly results, 500 people; on SQLite a small team's 10
partnerships, 400 indicators, ten years, 120 people), starts gunicorn on 127.0.0.1 and
runs locust headless in a process of its own (scripts/load/run.py, scripts/load/
locustfile.py): people sign in through the sign-in form, then 80 % of requests read
pages (home, partnership, indicator, return, council-wide) and 20 % save a return's
draft or a comment through the real forms, each person waiting 1–5 s between requests.
For each step: requests per second, p50, p95, p99 and errors, over STEP_SECONDS once the
step's people are all signed in. Then, with no wait between requests, more people at each
level until p95 reaches 500 ms: the highest throughput below it.

On SQLite (bench's default) only the 10-people step runs; the PostgreSQL figures need
`scripts/with-postgres.sh .venv/bin/python scripts/bench.py load`. Bounded: every phase
has a time limit and the whole run stops by itself in about 10 minutes.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.db import connection
from django.utils import timezone

from goldenthread.core.models import Indicator, Partnership, Return
from goldenthread.demo.large import (
    PASSWORD,
    PERFORMANCE_TEAM,
    Size,
    analyse,
    lead_username,
    load_large_council,
    partnership_name,
    performance_username,
)
from goldenthread.rules import Frequency, latest_ended

from . import Figure

ROOT = Path(__file__).resolve().parent.parent.parent
STEPS = [10, 25, 50, 100]
STEP_SECONDS = 45
NO_WAIT_LEVELS = [1, 2, 4, 8, 16]
NO_WAIT_SECONDS = 20
LIMIT_MS = 500
# Two cores: three processes keep both busy while one waits on the database, and a few
# threads each overlap the database's share of a request. Overridable to compare.
WORKERS = int(os.environ.get("GT_LOAD_WORKERS", "3"))
THREADS = int(os.environ.get("GT_LOAD_THREADS", "4"))
RUN_TIMEOUT = 900  # seconds: the locust process is stopped after this whatever happens


def _people(size: Size) -> dict:
    """Who the load test signs in as, and the pages each one uses."""
    today = timezone.localdate()
    latest = latest_ended(Frequency.QUARTERLY, today)
    partnerships = {
        p.name: p.pk
        for p in Partnership.objects.filter(
            name__in=[partnership_name(n) for n in range(size.partnerships)]
        )
    }
    returns = dict(
        Return.objects.filter(
            round__period=latest, partnership__in=partnerships.values()
        ).values_list("partnership_id", "pk")
    )
    indicators: dict[int, list[int]] = {}
    for pk, partnership_id in Indicator.objects.filter(
        partnership__in=partnerships.values()
    ).values_list("pk", "partnership_id"):
        indicators.setdefault(partnership_id, []).append(pk)
    leads = []
    for n in range(size.partnerships):
        pk = partnerships[partnership_name(n)]
        leads.append(
            {
                "username": lead_username(n),
                "partnership": pk,
                "return": returns[pk],
                "indicators": indicators[pk],
            }
        )
    performance = [{"username": performance_username(n)} for n in range(PERFORMANCE_TEAM)]
    return {"password": PASSWORD, "leads": leads, "performance": performance}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz within a minute")


def _load(folder: Path, people: dict, *, steps: list[int], no_wait: list[int]) -> dict:
    """Start gunicorn, run locust against it in its own process, stop both."""
    people_file = folder / "people.json"
    people_file.write_text(json.dumps(people))
    port = _free_port()
    env = {
        **os.environ,
        "GT_ALLOWED_HOSTS": "127.0.0.1",
        "GT_LOG_LEVEL": "ERROR",
        # WhiteNoise warns of no collected static folder: these pages need none.
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    if connection.vendor == "postgresql":
        env["GT_DB_POOL"] = str(THREADS)  # a connection per thread, kept between requests
    log = folder / "gunicorn.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "goldenthread.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        locust = subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "load" / "run.py"),
                "--host",
                f"http://127.0.0.1:{port}",
                "--people",
                str(people_file),
                "--steps",
                ",".join(map(str, steps)),
                "--step-seconds",
                str(STEP_SECONDS),
                "--no-wait-levels",
                ",".join(map(str, no_wait)),
                "--no-wait-seconds",
                str(NO_WAIT_SECONDS),
                "--limit-ms",
                str(LIMIT_MS),
            ],
            cwd=ROOT,
            env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
        )
        if locust.returncode != 0:
            raise RuntimeError(f"locust failed:\n{locust.stderr[-3000:]}")
        return json.loads(locust.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        errors = [
            line for line in log.read_text().splitlines() if "Traceback" in line or "ERROR" in line
        ]
        if errors:
            print(f"   gunicorn logged {len(errors)} error lines, e.g. {errors[0][:200]}")


def _step_figures(step: dict, database: str, *, target_p95: float | None) -> list[Figure]:
    users = step["users"]
    name = f"{database}, {users} people waiting 1–5 s"
    p95 = step["p95_ms"]
    figures = [
        Figure(f"{name}: requests per second", step["rps"], "req/s"),
        Figure(f"{name}: p50", step["p50_ms"], "ms"),
        Figure(
            f"{name}: p95",
            p95,
            "ms",
            f"< {target_p95:.0f} ms" if target_p95 else "",
            p95 < target_p95 if target_p95 else True,
        ),
        Figure(f"{name}: p99", step["p99_ms"], "ms"),
        Figure(
            f"{name}: errors of {step['requests']:,} requests"
            + (f" ({'; '.join(step['errors'])[:300]})" if step["errors"] else ""),
            step["failures"],
            "errors",
            "0",
            step["failures"] == 0 and "note" not in step,
        ),
    ]
    slowest = max(step["pages"].items(), key=lambda item: item[1]["p95_ms"], default=None)
    if slowest:
        page, stats = slowest
        figures.append(Figure(f"{name}: slowest page, {page}, p95", stats["p95_ms"], "ms"))
    return figures


def run() -> list[Figure]:
    started = time.perf_counter()
    postgres = connection.vendor == "postgresql"
    # SQLite is the embedded default for a small team: ten partnerships, ten years each.
    size = Size() if postgres else Size(partnerships=10, people=120)
    database = "PostgreSQL" if postgres else "SQLite"
    built = load_large_council(size=size, today=timezone.localdate())
    analyse()
    loaded = time.perf_counter() - started
    figures = [
        Figure(
            f"{database}: load {built.partnerships} partnerships, {built.indicators:,} "
            f"indicators, {built.results:,} results, {built.people} people",
            loaded,
            "s",
        )
    ]
    with tempfile.TemporaryDirectory() as folder:
        out = _load(
            Path(folder),
            _people(size),
            steps=STEPS if postgres else [10],
            no_wait=NO_WAIT_LEVELS if postgres else [],
        )
    for step in out["steps"] + out["no_wait"]:
        pages = ", ".join(
            f"{page} {stats['p50_ms']:.0f}/{stats['p95_ms']:.0f}"
            for page, stats in sorted(step["pages"].items(), key=lambda i: -i[1]["p95_ms"])
        )
        print(f"   ({step['users']} people; p50/p95 ms by page: {pages})")
    for step in out["steps"]:
        target = 300 if step["users"] == 50 else None
        figures += _step_figures(step, database, target_p95=target)
    if postgres:
        under = [level for level in out["no_wait"] if level["p95_ms"] < LIMIT_MS]
        best = max(under, key=lambda level: level["rps"], default=None)
        tried = ", ".join(
            f"{level['users']}: {level['rps']} req/s p95 {level['p95_ms']:.0f} ms"
            for level in out["no_wait"]
        )
        figures.append(
            Figure(
                f"{database}, no wait: highest throughput with p95 < {LIMIT_MS} ms"
                + (f" ({best['users']} people)" if best else "")
                + f" [people: req/s, p95: {tried}]",
                best["rps"] if best else 0,
                "req/s",
            )
        )
    else:
        figures.append(
            Figure(
                "PostgreSQL part (25–100 people, highest throughput) not run on SQLite: "
                "scripts/with-postgres.sh .venv/bin/python scripts/bench.py load",
                0,
                "runs",
            )
        )
    figures.append(
        Figure(
            f"{database}: whole load benchmark, {WORKERS} workers × {THREADS} threads",
            time.perf_counter() - started,
            "s",
        )
    )
    return figures
