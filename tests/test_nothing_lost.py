"""Whatever happens to a session (a signal, a kill, a damaged or unwritable history), nothing is lost.

These run `python -m coach` as a real process: signals, SIGKILL and mounts need one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COACH = [sys.executable, "-m", "coach"]
TEXT_SESSION = ["run", "bird-dog", "--text", "--no-rating"]


def coach(*args: str, input: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*COACH, *args], input=input, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def history() -> list[dict]:
    return json.loads(coach("history", "--json").stdout)


def _session_running(folder: Path, preexec_fn=None) -> subprocess.Popen:
    """A --text session that has run for at least 1.5 s (however slowly this machine starts it)."""
    log = folder / "session.jsonl"
    process = subprocess.Popen([*COACH, *TEXT_SESSION, "--log", str(log)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               preexec_fn=preexec_fn or _as_from_a_terminal)
    deadline = time.monotonic() + 60
    while not (log.exists() and "session_start" in log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)
    return process


def _as_from_a_terminal() -> None:
    """A shell on a terminal starts coach with the defaults for SIGHUP and SIGINT, even where this run
    ignores them (under nohup, or as a background job)."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("ending, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_saves_the_session_as_interrupted_with_its_length(ending, code, tmp_path):
    process = _session_running(tmp_path)
    process.send_signal(ending)
    out, err = process.communicate(timeout=10)
    assert process.returncode == code
    assert err.strip() == "Interrupted: the session is saved in your history as interrupted."
    record = history()[0]
    assert record["outcome"] == "interrupted" and record["seconds"] > 1


def test_kill_9_loses_at_most_the_last_seconds():
    figures = json.loads(subprocess.run(
        [sys.executable, "bench/faults.py", "--sessions", "6", "--seed", "3", "--json"],
        capture_output=True, text=True, timeout=300, cwd=ROOT, check=True).stdout)
    assert figures["started"] >= 4 and figures["pain_events"] >= 1
    assert figures["integrity_failures"] == figures["rows_lost"] == figures["pain_events_lost"] == 0
    assert figures["max_length_lost_s"] <= 10


def test_a_damaged_history_is_moved_aside_and_the_session_runs(tmp_path):
    data = Path(os.environ["COACH_DATA_DIR"])
    data.mkdir(parents=True)
    (data / "history.sqlite3").write_bytes(b"not a database" * 500)
    result = coach("run", "pelvic-tilt-90-90", "--text", "--no-rating", "--speed", "500")
    assert result.returncode == 0, result.stderr
    notice = next(line for line in result.stdout.splitlines() if "history file was damaged" in line)
    assert "It is kept as" in notice and ".broken-" in notice
    assert [p.name.split(".broken-")[0] for p in data.glob("*.broken-*")] == ["history.sqlite3"]
    assert [r["routine"] for r in history()] == ["pelvic-tilt-90-90"]


def test_history_says_it_replaced_a_damaged_file():
    data = Path(os.environ["COACH_DATA_DIR"])
    data.mkdir(parents=True)
    (data / "history.sqlite3").write_bytes(b"not a database" * 500)
    result = coach("history")
    assert result.returncode == 0
    assert "The history file was damaged (file is not a database)" in result.stderr
    assert "No sessions yet" in result.stdout


def _session_on_a_mount(tmp_path: Path, mount_options: str, fill: bool = False) -> subprocess.CompletedProcess:
    """A session whose data folder is a tmpfs of its own (in a private mount namespace)."""
    data = tmp_path / "mounted"
    data.mkdir()
    filling = f"dd if=/dev/zero of={data}/filler bs=4k 2>/dev/null; " if fill else ""
    script = (f"mount -t tmpfs -o {mount_options} tmpfs {data} && {filling}"
              f"exec {' '.join(COACH)} --data-dir {data} run pelvic-tilt-90-90 --text --no-rating --speed 500")
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)


@pytest.mark.parametrize("mount_options, fill, reason", [("ro,size=1m", False, "Read-only file system"),
                                                         ("size=64k", True, "database or disk is full")])
def test_an_unwritable_data_folder_runs_the_session_and_exits_1(tmp_path, mount_options, fill, reason):
    result = _session_on_a_mount(tmp_path, mount_options, fill)
    assert result.returncode == 1, result.stderr
    assert "That's the end of the session" in result.stdout
    said = [line for line in result.stdout.splitlines() if "cannot be saved" in line]
    assert len(said) == 1 and reason in said[0]
    assert result.stderr.strip().splitlines()[-1].startswith(
        "Error: session completed, but it could not be saved in your history:")
    assert "Traceback" not in result.stderr


def test_two_sessions_at_once_and_a_history_read_meanwhile_are_all_fine():
    sessions = [subprocess.Popen([*COACH, "run", "pelvic-tilt-90-90", "--text", "--no-rating", "--speed", "20"],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True, cwd=ROOT) for _ in range(2)]
    time.sleep(2.0)
    reading = coach("history")
    assert reading.returncode == 0, reading.stderr
    for process in sessions:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    assert [r["outcome"] for r in history()] == ["completed", "completed"]


def test_a_hangup_ignored_on_purpose_stays_ignored(tmp_path):
    process = _session_running(tmp_path, lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))  # as nohup does
    process.send_signal(signal.SIGHUP)
    time.sleep(1.0)
    assert process.poll() is None, "nohup coach run ended when the terminal closed"
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=10)
    assert process.returncode == 143
