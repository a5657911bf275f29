"""What the screen shows during a spoken session, and when."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

from audio_tests.conftest import coach_env
from audio_tests.room import SessionLog
from coach import content


def test_the_pain_question_is_on_screen_before_it_is_spoken(pulse, tmp_path, speech_cache):
    log = SessionLog(tmp_path / "session.jsonl")
    process = subprocess.Popen([sys.executable, "-m", "coach", "run", "pelvic-tilt-90-90", "--log", str(log.path)],
                               env=coach_env(pulse, tmp_path, speech_cache), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    shown, deadline = b"", time.monotonic() + 120
    try:
        while content.RATING_BEFORE.encode() not in shown and time.monotonic() < deadline:
            if select.select([process.stdout], [], [], 0.05)[0]:
                shown += os.read(process.stdout.fileno(), 4096)
        assert content.RATING_BEFORE.encode() in shown, shown
        assert not [e for e in log.events() if e["event"] == "rating_asked"], "the question was said first"
        assert log.wait_for(lambda e: e["event"] == "rating_asked", 20), "the question was never said"
    finally:
        process.kill()
        process.wait()
