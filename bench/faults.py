"""Kills sessions with SIGKILL at random moments and prints what the history lost.

Each trial runs `coach run ROUTINE --text --no-rating --log` at --speed in one data folder shared
by all trials. Once the session has started (its log's `session_start`), the trial waits a random
time, in some trials presses `p` (pain) on the way, then kills the process. After each kill: the
history file passes `PRAGMA integrity_check`; every session any trial started is in it; every pain
event the log recorded is in it; and the saved length is compared with how long the session ran
(the kill's time minus the log's `session_start`, on the same monotonic clock, times --speed).
Some trials kill during start-up, before the session starts, to cover a kill mid-write.

Run: .venv/bin/python bench/faults.py            (100 sessions, seed 1)
     .venv/bin/python bench/faults.py --sessions 8 --json
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HISTORY_FILE = "history.sqlite3"
START_TIMEOUT = 30.0
EARLY_KILL_SHARE = 0.1
PAIN_SHARE = 0.3


@dataclass
class Trial:
    started: bool
    ran_seconds: float
    pain_logged: list[float]


def run_trial(data: Path, log: Path, rng: random.Random, routine: str, speed: float, longest: float) -> Trial:
    process = subprocess.Popen(
        [sys.executable, "-m", "coach", "--data-dir", str(data), "run", routine, "--text", "--no-rating",
         "--log", str(log), "--speed", str(speed)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    if rng.random() < EARLY_KILL_SHARE:
        time.sleep(rng.uniform(0.0, 0.6))
    else:
        start = _wait_for_start(log, process)
        if start is not None:
            wait = rng.uniform(0.2, longest)
            if rng.random() < PAIN_SHARE:
                pain_after = rng.uniform(0.0, wait)
                time.sleep(max(0.0, start + pain_after - time.monotonic()))
                _press(process, "p")
            time.sleep(max(0.0, start + wait - time.monotonic()))
    killed_at = time.monotonic()
    process.send_signal(signal.SIGKILL)
    process.wait()
    events = _events(log)
    start_event = next((e for e in events if e["event"] == "session_start"), None)
    ran = (killed_at - start_event["monotonic"]) * speed if start_event else 0.0
    return Trial(start_event is not None, ran, [e["at"] for e in events if e["event"] == "pain"])


def _wait_for_start(log: Path, process: subprocess.Popen) -> float | None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        for event in _events(log):
            if event["event"] == "session_start":
                return event["monotonic"]
        time.sleep(0.02)
    return None


def _press(process: subprocess.Popen, key: str) -> None:
    try:
        process.stdin.write(key + "\n")
        process.stdin.flush()
    except BrokenPipeError:
        pass


def _events(log: Path) -> list[dict]:
    """The log's complete lines (a kill can leave half of one)."""
    if not log.exists():
        return []
    events = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return events


def check_history(path: Path) -> tuple[bool, list[tuple[int, float]], dict[int, list[float]]]:
    """(integrity ok, (id, seconds) of every session, pain event times by session id)."""
    db = sqlite3.connect(path)
    try:
        ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        sessions = db.execute("SELECT id, seconds FROM sessions ORDER BY id").fetchall()
        pains: dict[int, list[float]] = {}
        for session_id, at in db.execute("SELECT session_id, at_seconds FROM pain_events ORDER BY id"):
            pains.setdefault(session_id, []).append(at)
    finally:
        db.close()
    return ok, sessions, pains


def run(sessions: int, seed: int, routine: str, speed: float, longest: float) -> dict:
    rng = random.Random(seed)
    figures = {"sessions": sessions, "kills": 0, "started": 0, "integrity_failures": 0, "rows_lost": 0,
               "pain_events": 0, "pain_events_lost": 0, "length_lost": []}
    with tempfile.TemporaryDirectory(prefix="coach-faults-") as folder:
        data, expected = Path(folder) / "data", {}
        for number in range(sessions):
            log = Path(folder) / f"session-{number}.jsonl"
            before = {row[0] for row in check_history(data / HISTORY_FILE)[1]} if (data / HISTORY_FILE).exists() else set()
            trial = run_trial(data, log, rng, routine, speed, longest)
            figures["kills"] += 1
            if not (data / HISTORY_FILE).exists():
                continue
            ok, rows, pains = check_history(data / HISTORY_FILE)
            figures["integrity_failures"] += not ok
            new = [row for row in rows if row[0] not in before]
            if trial.started:
                figures["started"] += 1
                if new:
                    session_id, seconds = new[-1]
                    expected[session_id] = trial.pain_logged
                    figures["length_lost"].append(max(0.0, trial.ran_seconds - seconds))
            saved = {row[0] for row in rows}
            figures["rows_lost"] = sum(1 for session_id in expected if session_id not in saved) + \
                (figures["started"] - len(expected))
            figures["pain_events"] = sum(len(times) for times in expected.values())
            figures["pain_events_lost"] = sum(len(set(times) - set(pains.get(session_id, [])))
                                              for session_id, times in expected.items())
    lost = figures.pop("length_lost")
    figures["mean_length_lost_s"] = round(sum(lost) / len(lost), 2) if lost else 0.0
    figures["max_length_lost_s"] = round(max(lost), 2) if lost else 0.0
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--routine", default="dead-bug")
    parser.add_argument("--speed", type=float, default=5.0, help="session seconds per real second")
    parser.add_argument("--longest", type=float, default=6.0, help="longest wait before a kill, real seconds")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.sessions, args.seed, args.routine, args.speed, args.longest)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"sessions {figures['sessions']}, kills {figures['kills']} ({figures['started']} after the session "
          f"started), integrity failures {figures['integrity_failures']}")
    print(f"rows lost {figures['rows_lost']} (goal 0), pain events lost {figures['pain_events_lost']} of "
          f"{figures['pain_events']} (goal 0)")
    print(f"length lost: mean {figures['mean_length_lost_s']} s, max {figures['max_length_lost_s']} s "
          "(goal: mean <= 10 s)")


if __name__ == "__main__":
    main()
