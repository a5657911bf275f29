"""Prints: compile time of every built-in, a whole simulated session, and `coach --help` start-up.

Run: .venv/bin/python bench/core.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach import session  # noqa: E402
from coach.catalog import builtin_dir  # noqa: E402
from coach.events import Status  # noqa: E402
from coach.loader import load_routine  # noqa: E402
from coach.timeline import build_timeline  # noqa: E402


def compile_all_ms() -> float:
    start = time.perf_counter()
    for path in sorted(builtin_dir().glob("*.yaml")):
        build_timeline(load_routine(path))
    return (time.perf_counter() - start) * 1000


def simulate_ms(name: str, tick: float = 0.02) -> tuple[float, int]:
    timeline = build_timeline(load_routine(builtin_dir() / f"{name}.yaml"))
    start = time.perf_counter()
    state, _ = session.start(timeline, 0.0)
    now, steps = 0.0, 0
    while state.status is not Status.FINISHED:
        now += tick
        steps += 1
        state, _ = session.step(timeline, state, now)
    return (time.perf_counter() - start) * 1000, steps


def help_startup_ms(runs: int = 7) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "coach", "--help"], check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    compile_runs = [compile_all_ms() for _ in range(5)]
    count = len(list(builtin_dir().glob("*.yaml")))
    print(f"compile all {count} built-ins:        median {statistics.median(compile_runs):7.1f} ms")
    ms, steps = simulate_ms("bird-dog")
    print(f"simulate bird-dog, 20 ms ticks:   {ms:7.1f} ms ({steps} steps, fake clock)")
    startup = help_startup_ms()
    print(f"coach --help start-up:            median {statistics.median(startup):7.1f} ms, "
          f"min {min(startup):.1f} ms (target < 150 ms)")


if __name__ == "__main__":
    main()
