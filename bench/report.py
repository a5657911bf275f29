"""Times `coach report` on a generated year of sessions and writes the README's picture.

Run: .venv/bin/python bench/report.py [--picture docs/report.png]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.history import History  # noqa: E402
from coach.report import write_report  # noqa: E402
from tests.sample_history import fill_year  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--picture", type=Path, help="Also keep the report here (the README's picture).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        history = History(Path(folder) / "history.sqlite3")
        count = fill_year(history)
        started = time.perf_counter()
        import matplotlib.figure  # noqa: F401  (first import, timed on its own)

        imported = time.perf_counter() - started
        walls, cpus = [], []
        for _ in range(5):
            wall, cpu = time.perf_counter(), time.process_time()
            records = history.all_sessions()
            write_report(records, Path(folder) / "report.png")
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        if args.picture:
            write_report(records, args.picture)
    print(f"report of a year ({count} sessions): median {statistics.median(walls) * 1000:.0f} ms wall, "
          f"{statistics.median(cpus) * 1000:.0f} ms CPU (5 runs); matplotlib import {imported * 1000:.0f} ms once")


if __name__ == "__main__":
    main()
