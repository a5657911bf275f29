"""`coach run` with no routine: the menu is said, and a routine is chosen by voice."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time

from audio_tests.conftest import coach_env
from audio_tests.room import ScriptedUser, SessionLog

TRIES = 8


def _read_until(process: subprocess.Popen, text: str, timeout: float) -> str:
    shown, deadline = b"", time.monotonic() + timeout
    while text.encode() not in shown and time.monotonic() < deadline:
        if select.select([process.stdout], [], [], 0.05)[0]:
            shown += os.read(process.stdout.fileno(), 4096)
    return shown.decode()


def test_a_routine_is_chosen_by_saying_its_number(pulse, tmp_path, speech_cache):
    user = ScriptedUser(pulse, tmp_path)
    user.clip("number two")
    log = SessionLog(tmp_path / "session.jsonl")
    process = subprocess.Popen([sys.executable, "-m", "coach", "run", "--no-rating", "--log", str(log.path)],
                               env=coach_env(pulse, tmp_path, speech_cache), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        menu = _read_until(process, "coach run NAME", 120)
        second = re.search(r"^  2  .* \(([a-z0-9-]+)\)$", menu, re.MULTILINE)
        assert second, menu
        started = None
        for _ in range(TRIES):  # the menu is said first; the microphone opens after it
            user.say("number two", log)
            started = log.wait_for(lambda e: e["event"] == "session_start", 3)
            if started:
                break
        assert started and started["routine"] == second[1]
    finally:
        process.kill()
        process.wait()
