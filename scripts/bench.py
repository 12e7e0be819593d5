"""Speed and memory benchmarks (`make bench`). Targets live here, never in timed tests.

Each module in scripts/benchmarks/ has a `run() -> list[Figure]`; this prints every
figure with its target and whether it was met, and exits non-zero if one was missed.
Runs on a fresh SQLite database in a temporary folder (or DATABASE_URL if set), emptied
before each benchmark so that none measures another's data."""

import importlib
import os
import pkgutil
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collectstatic
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.settings")
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        import django
        from django.core.management import call_command

        django.setup()
        from django.test.utils import setup_test_environment

        # The test client's response.context and the in-memory mail backend, as in tests.
        setup_test_environment()
        call_command("migrate", verbosity=0)
        from scripts import benchmarks

        only = set(sys.argv[1:])
        missed = 0
        for module in pkgutil.iter_modules(benchmarks.__path__):
            if only and module.name not in only:
                continue
            bench = importlib.import_module(f"scripts.benchmarks.{module.name}")
            call_command("flush", interactive=False, verbosity=0)  # each on an empty database
            print(f"== {module.name}: {bench.__doc__.strip().splitlines()[0]}")
            for figure in bench.run():
                print(f"   {figure}")
                missed += not figure.met
        print("All targets met." if not missed else f"{missed} target(s) missed.")
        return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
