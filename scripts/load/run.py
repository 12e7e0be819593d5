"""Run the load test (scripts/load/locustfile.py) with locust as a library, headless, and
print the figures as one JSON object on stdout.

    python scripts/load/run.py --host http://127.0.0.1:PORT --people people.json \
        [--steps 10,25,50,100] [--step-seconds 45] [--no-wait-levels 1,2,4,8] \
        [--no-wait-seconds 20] [--limit-ms 500]

Steps: people are added up to each count (signing in as they come), and once they are
all in the statistics start afresh and run for --step-seconds. Then, with no wait between
requests, a fresh set of people at each level of --no-wait-levels in turn, until p95
reaches --limit-ms. Every phase is bounded in time, so the run ends by itself.

Run by scripts/benchmarks/load.py in a process of its own: locust patches the standard
library for gevent on import, which must not touch the Django process.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIGN_IN_SECONDS = 120  # the most a step waits for its new people to sign in


def _load_locustfile(no_wait: bool):
    """A fresh import of the locustfile, with or without the pause between requests."""
    import importlib

    os.environ["GT_LOAD_NO_WAIT"] = "1" if no_wait else "0"
    sys.path.insert(0, str(HERE))
    if "locustfile" in sys.modules:
        return importlib.reload(sys.modules["locustfile"])
    return importlib.import_module("locustfile")


def _figures(stats, seconds: float) -> dict:
    total = stats.total
    pages = {}
    for (name, method), entry in sorted(stats.entries.items()):
        if entry.num_requests:
            pages[f"{method} {name}"] = {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "mean_ms": round(entry.avg_response_time, 1),
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
                "max_ms": round(entry.max_response_time, 1),
            }
    return {
        "seconds": round(seconds, 1),
        "requests": total.num_requests,
        "rps": round(total.num_requests / seconds, 2) if seconds else 0,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "failures": total.num_failures,
        "errors": [
            f"{e.method} {e.name}: {e.error} ×{e.occurrences}" for e in stats.errors.values()
        ],
        "pages": pages,
    }


def _ramp(runner, module, users: int) -> bool:
    """Bring the people up to `users`, all signed in; False if that took too long."""
    runner.start(users, spawn_rate=5)
    deadline = time.monotonic() + SIGN_IN_SECONDS
    import gevent

    while time.monotonic() < deadline:
        if runner.user_count >= users and module.signed_in >= users:
            return True
        gevent.sleep(0.5)
    return False


def _measure(env, seconds: float) -> dict:
    import gevent

    env.stats.reset_all()
    start = time.monotonic()
    gevent.sleep(seconds)
    return _figures(env.stats, time.monotonic() - start)


def _environment(module, host: str):
    from locust.env import Environment

    env = Environment(user_classes=[module.Lead, module.Performance], host=host)
    env.create_local_runner()
    return env


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--people", required=True)
    parser.add_argument("--steps", default="10,25,50,100")
    parser.add_argument("--step-seconds", type=float, default=45)
    parser.add_argument("--no-wait-levels", default="")
    parser.add_argument("--no-wait-seconds", type=float, default=20)
    parser.add_argument("--limit-ms", type=float, default=500)
    args = parser.parse_args()
    if not args.host.startswith("http://127.0.0.1:"):
        parser.error("--host must be on 127.0.0.1: this only ever loads the local machine")
    os.environ["GT_LOAD_PEOPLE"] = args.people

    import gevent  # noqa: F401  (locust patches on import; before anything networked)

    out = {"steps": [], "no_wait": []}
    module = _load_locustfile(no_wait=False)
    env = _environment(module, args.host)
    for users in [int(n) for n in args.steps.split(",") if n]:
        ramp_started = time.monotonic()
        ready = _ramp(env.runner, module, users)
        figures = {"users": users, "ramp_seconds": round(time.monotonic() - ramp_started, 1)}
        if not ready:
            figures["note"] = f"only {module.signed_in} of {users} signed in"
        figures.update(_measure(env, args.step_seconds))
        out["steps"].append(figures)
        print(
            f"step {users}: {json.dumps({k: figures[k] for k in list(figures)[:9]})}",
            file=sys.stderr,
        )
    env.runner.quit()

    if args.no_wait_levels:
        module = _load_locustfile(no_wait=True)
        for users in [int(n) for n in args.no_wait_levels.split(",") if n]:
            env = _environment(module, args.host)
            module.signed_in = 0
            module.free_leads[:] = module.PEOPLE["leads"]
            module.free_performance[:] = module.PEOPLE["performance"]
            _ramp(env.runner, module, users)
            figures = {"users": users, **_measure(env, args.no_wait_seconds)}
            env.runner.quit()
            out["no_wait"].append(figures)
            print(f"no wait {users}: rps {figures['rps']} p95 {figures['p95_ms']}", file=sys.stderr)
            if figures["p95_ms"] >= args.limit_ms or figures["failures"]:
                break
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
