"""A room for hands-free tests: the coach's speaker leaks into the microphone, and a scripted user
with another voice (flite's slt; the coach speaks with eSpeak NG) talks into the same microphone.

Times are on the session clock: the log's session_start carries the monotonic time it began.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from audio_tests.conftest import coach_env
from audio_tests.pulse import PulseServer
from coach.audio.wavin import read_audio

USER_VOICE = "slt"


class Leak:
    """module-loopback from the speaker's monitor into the microphone's sink: the room."""

    def __init__(self, pulse: PulseServer):
        self.pulse = pulse
        self.module = pulse.pactl("load-module", "module-loopback", "source=spk.monitor", "sink=micsink",
                                  "latency_msec=30").strip()

    def close(self) -> None:
        self.pulse.pactl("unload-module", self.module)


@dataclass(frozen=True)
class Said:
    text: str
    start: float
    end: float
    """Session seconds when the user's words started and ended."""


class ScriptedUser:
    def __init__(self, pulse: PulseServer, folder: Path):
        self.pulse = pulse
        self.folder = folder
        self.said: list[Said] = []

    def clip(self, text: str) -> Path:
        path = self.folder / f"user-{text.replace(' ', '_')}.wav"
        if not path.exists():
            subprocess.run(["flite", "-voice", USER_VOICE, "-t", text, "-o", str(path)], check=True)
        return path

    def say(self, text: str, log: "SessionLog") -> Said:
        """Speak into the microphone now; blocks until the words are out."""
        path = self.clip(text)
        seconds = read_audio(str(path)).seconds
        started = log.now()
        subprocess.run(["paplay", "--device=micsink", "--latency-msec=20", str(path)], env=self.pulse.env,
                       check=True, timeout=30)
        said = Said(text, started, started + seconds)
        self.said.append(said)
        return said


class SessionLog:
    """Reads a running session's --log file."""

    def __init__(self, path: Path):
        self.path = path
        self.origin: float | None = None

    def events(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.endswith("}")]

    def now(self) -> float:
        """Seconds since the session started (0 before it has)."""
        return time.monotonic() - self.origin if self.origin else 0.0

    def wait_for(self, match, timeout: float, after: float = -1.0) -> dict | None:
        """The first event at or after session time `after` for which match(event) holds."""
        deadline = time.monotonic() + timeout
        while True:  # looks at least once, however short the timeout
            for event in self.events():
                if event["event"] == "session_start":
                    self.origin = event["monotonic"]
                if event["t"] >= after and match(event):
                    return event
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)


def start_session(pulse: PulseServer, folder: Path, cache: Path, routine: str, *args: str,
                  first: str = "session_start", timeout: float = 180):
    """Start `coach run` and wait until it logs the event `first`."""
    log = SessionLog(folder / "session.jsonl")
    process = subprocess.Popen([sys.executable, "-m", "coach", "run", routine, "--log", str(log.path), *args],
                               env=coach_env(pulse, folder, cache), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=open(folder / "stderr.txt", "w"), text=True)
    assert log.wait_for(lambda e: e["event"] == first, timeout), process.communicate(timeout=5)
    return process, log
