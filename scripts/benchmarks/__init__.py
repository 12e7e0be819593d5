"""Benchmark modules for scripts/bench.py: each has `run() -> list[Figure]`."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""
    met: bool = True

    def __str__(self) -> str:
        verdict = (
            ""
            if not self.target
            else (" (target " + self.target + (": met)" if self.met else ": MISSED)"))
        )
        return f"{self.name}: {self.value:,.3f} {self.unit}{verdict}"


def median_seconds(work: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
