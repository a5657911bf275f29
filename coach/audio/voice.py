"""The microphone as a CommandSource: a thread records and hears, the runner polls what was heard.

Recording never waits for the runner, and the runner never waits for the microphone: a command
is queued the moment the recognizer decides (HANGOVER after the last word).

While the coach talks, it minds its manners in one of two ways:
- with an echo canceller, the microphone does not hear the coach, so any speech is the user's:
  the coach falls silent the moment the user starts speaking, keeping its place. WebRTC's
  canceller blurs the start of words spoken over the coach (bench/handsfree.py measures how
  often they are missed), so if what was said is not a command the coach stays quiet for
  LISTEN_AFTER, and a command said again is heard in the quiet; then it goes on.
- without one, the microphone hears the coach, so nothing heard while it speaks (and for
  ECHO_TAIL after) is obeyed: commands work in the gaps between cues, and keys always work.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Protocol

import numpy as np

from coach.audio.pulse import PulseCapture
from coach.audio.recognizer import MAX_UTTERANCE_SECONDS, RATE, CommandRecognizer
from coach.errors import DeviceError
from coach.events import Heard

# Audio read at a time: the recognizer is fed as it arrives, so this bounds the added delay.
BLOCK_SECONDS = 0.02
# How long the coach stays silent for the user: an utterance is decided within this, and a
# command is acted on (speech cut) well within AFTER_COMMAND; if not, the coach goes on.
HOLD_SECONDS = MAX_UTTERANCE_SECONDS + 0.5
AFTER_COMMAND = 0.5
LISTEN_AFTER = 1.5
# Without echo cancelling: how long the room may still echo the coach after it stops.
ECHO_TAIL = 0.5


class PoliteSpeaker(Protocol):
    speaking: bool

    def hold(self, seconds: float) -> None: ...

    def release(self) -> None: ...


class ListeningLost(DeviceError):
    """The microphone stopped working mid-session."""


class VoiceCommands:
    source = "voice"

    def __init__(self, device: str | None = None, speaker: PoliteSpeaker | None = None,
                 echo_cancelled: bool = True, recognizer: CommandRecognizer | None = None):
        self._capture = PulseCapture(RATE, BLOCK_SECONDS, name="coach-listen", device=device)
        self._recognizer = recognizer or CommandRecognizer()  # slow to load: only once there is a microphone
        self._speaker = speaker
        self._echo_cancelled = echo_cancelled
        self._deaf_until = 0.0
        if speaker and echo_cancelled:
            self._recognizer.on_utterance = self._user_speaking
        self._heard: queue.SimpleQueue[Heard] = queue.SimpleQueue()
        self._failure: str | None = None
        self._reported = False
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="coach-listen", daemon=True)
        self._thread.start()

    def poll(self) -> list[Heard]:
        """What was heard since the last poll; raises ListeningLost once if the microphone failed."""
        heard = []
        while not self._heard.empty():
            heard.append(self._heard.get_nowait())
        if self._failure and not self._reported and not heard:
            self._reported = True
            raise ListeningLost(f"{self._failure}; keys still work.")
        return heard

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=2)
        if not self._thread.is_alive():
            self._capture.close()

    def _listen(self) -> None:
        while not self._stopping.is_set():
            try:
                block = self._capture.read()
            except DeviceError as error:
                self._failure = str(error)
                return
            if self._speaker and not self._echo_cancelled and self._speaker.speaking:
                self._deaf_until = time.monotonic() + ECHO_TAIL
            for heard in self._recognizer.feed(np.frombuffer(block, np.int16)):
                self._take(heard)

    def _take(self, heard: Heard) -> None:
        if time.monotonic() < self._deaf_until:
            return  # the coach's own voice, most likely
        if self._speaker and self._echo_cancelled:
            self._speaker.hold(AFTER_COMMAND)
        self._heard.put(heard)

    def _user_speaking(self, what: str) -> None:
        if what == "start":
            self._speaker.hold(HOLD_SECONDS)
        elif what == "other":
            self._speaker.hold(LISTEN_AFTER)
        else:
            self._speaker.release()  # ordinary talk, not meant for the coach
