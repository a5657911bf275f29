"""The microphone as a CommandSource: a thread per ear records and recognizes; who has the floor
is decided by turns.py, from the facts this gathers; the runner polls what was decided.

Recording never waits for the runner, and the runner never waits for the microphone: a command
is queued the moment the recognizer decides (its `decision_seconds` after the last word).

Two ears (turns.py says why): the plain microphone, and the echo-cancelled one (WebRTC, in the
sound server) when there is a canceller. Without one there is only the plain ear: commands work
whenever the coach is quiet (between cues, and when paused), and keys always work.

A microphone unplugged (or the canceller unloaded) mid-session does not fail the stream: the
sound server moves it to another source, often the speaker's monitor, where the coach would hear
only itself. So a watcher checks every SOURCE_CHECK_SECONDS that each ear's source still exists,
and listening ends, said once, when one is gone; keys go on. A model that fails mid-stream ends
listening the same way.
"""

from __future__ import annotations

import collections
import json
import queue
import threading
import time
from typing import IO, Protocol

from coach import turns
from coach.audio.chunk import RATE, Chunk, mean_square
from coach.audio.echo import default_source, source_names
from coach.audio.endpoint import MIN_LEVEL
from coach.audio.playback import Stretch
from coach.audio.pulse import PulseCapture
from coach.audio.recognizer import recognizer_for
from coach.errors import DeviceError, one_line
from coach.events import Heard
from coach.phrases import COMMANDS, Vocabulary
from coach.turns import Ear, Utterance

# Audio read at a time from each ear: the recognizer is fed as it arrives.
BLOCK_SECONDS = 0.02
LEVEL_BLOCKS = int(4.0 / BLOCK_SECONDS)  # longer than any utterance the recognizer decides
# While the coach talks, what the canceller leaves of its voice stays under this level (about
# -30 dBFS), and the echo-free ear takes only louder sound for the user's.
ECHO_RESIDUAL_LEVEL = 1000.0
SOURCE_CHECK_SECONDS = 1.0


class ListeningLost(DeviceError):
    """The microphone, or the recognizer behind it, stopped working mid-session."""


class Coach(Protocol):
    @property
    def audible(self) -> Stretch | None:
        """What is going out now; None while silent or held."""


class _Ear:
    def __init__(self, capture: PulseCapture, recognizer, ear: Ear):
        self.capture = capture
        self.recognizer = recognizer
        self.ear = ear
        self.started = 0.0
        """Monotonic time its current utterance reached the microphone."""
        self.now = 0.0
        """Monotonic time the audio being read reached the microphone (reading runs behind)."""
        self.energy: collections.deque[tuple[float, float]] = collections.deque(maxlen=LEVEL_BLOCKS)
        """(time heard, mean square) of its recent blocks."""

    def mean_energy(self, start: float, end: float) -> float:
        within = [energy for at, energy in self.energy if start <= at <= end]
        return sum(within) / len(within) if within else 0.0


class VoiceCommands:
    """Polled: what was heard (Heard: a command, or None for speech that was not one) and, with a
    coach to be polite to, the turn-taking decisions for its speaker (turns.Hold, Release,
    WaitForRepeat)."""

    source = "voice"

    def __init__(self, device: str | None = None, coach: Coach | None = None,
                 echo_free_device: str | None = None, vocabulary: Vocabulary = COMMANDS, personal=None,
                 facts: IO[str] | None = None):
        self._coach = coach
        self._personal = personal
        """Your learned voice (personal.py), for commands."""
        self._facts = facts
        """Where each turn-taking fact and decision is written as a JSON line, for replay."""
        self._ears: list[_Ear] = []
        try:
            self._ears.append(self._open(device, vocabulary, Ear.PLAIN))
            if coach and echo_free_device:
                self._ears.append(self._open(echo_free_device, vocabulary, Ear.ECHO_FREE))
        except DeviceError:
            self._close_captures()
            raise
        self._turns = turns.start(vocabulary.words)
        self._coach_stretch: Stretch | None = None
        self._decided: queue.SimpleQueue = queue.SimpleQueue()
        self._failure: str | None = None
        self._reported = False
        self._stopping = threading.Event()
        # One reader per ear: read in turn, the plain ear waited on the echo canceller's source,
        # whose audio comes late, and its commands were decided about a second after the words.
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._listen, args=(ear,), name=f"coach-listen-{ear.ear.value}",
                                          daemon=True) for ear in self._ears]
        present = source_names() or set()  # an index or @DEFAULT_SOURCE@ names no source: not watched
        self._sources = {ear.ear: name for ear, name in zip(self._ears, (device or default_source(), echo_free_device))
                         if name in present}
        self._threads.append(threading.Thread(target=self._watch_sources, name="coach-listen-sources", daemon=True))
        for thread in self._threads:
            thread.start()

    def poll(self) -> list:
        """What was decided since the last poll; raises ListeningLost once if the microphone or its
        recognizer failed."""
        decided = []
        while not self._decided.empty():
            decided.append(self._decided.get_nowait())
        if self._failure and not self._reported and not decided:
            self._reported = True
            raise ListeningLost(f"{self._failure}; keys still work.")
        return decided

    def forget(self) -> None:
        """Drop what was decided and not yet polled (a lost microphone is still reported)."""
        while not self._decided.empty():
            self._decided.get_nowait()

    def close(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=2)
        if not any(thread.is_alive() for thread in self._threads):
            self._close_captures()

    def _open(self, device: str | None, vocabulary: Vocabulary, which: Ear) -> _Ear:
        name = "coach-listen-echo-free" if which is Ear.ECHO_FREE else "coach-listen"
        capture = PulseCapture(RATE, BLOCK_SECONDS, name=name, device=device)
        try:
            recognizer = recognizer_for(vocabulary, self._personal)  # slow to load: once there is a microphone
        except Exception as error:  # a damaged model: the session goes on with keys
            capture.close()
            why = one_line(error, named=True)
            raise DeviceError(f"the recognizer did not load ({why}); run coach doctor") from error
        ear = _Ear(capture, recognizer, which)
        ear.recognizer.on_start = lambda: self._started(ear)
        ear.recognizer.on_utterance = lambda kind, text: self._heard(ear, kind, Heard(None, ear.recognizer.consumed / RATE, text))
        return ear

    def _close_captures(self) -> None:
        for ear in self._ears:
            ear.capture.close()

    def _watch_sources(self) -> None:
        while self._sources and not self._stopping.wait(SOURCE_CHECK_SECONDS) and not self._failure:
            present = source_names()
            gone = [(ear, name) for ear, name in self._sources.items() if present is not None and name not in present]
            if gone:
                ear, name = gone[0]
                self._fail(f"the echo canceller ({name}) was unloaded" if ear is Ear.ECHO_FREE
                           else f"the microphone {name} was removed")
                return

    def _listen(self, ear: _Ear) -> None:
        while not self._stopping.is_set() and not self._failure:
            try:
                block = ear.capture.read()
            except DeviceError as error:
                self._fail(str(error), server_gone=True)
                return
            try:
                with self._lock:  # the ears share what the coach is doing and what was taken
                    self._hear(ear, block)
            except Exception as error:  # a model failing mid-stream: said once, as a lost microphone is
                self._fail(f"listening stopped after an error ({one_line(error, named=True)})")
                return

    def _fail(self, why: str, server_gone: bool = False) -> None:
        """Listening ends; poll says the first reason once. With the server gone, close() must not
        wait for it."""
        with self._lock:
            self._failure = self._failure or why
            if server_gone:
                for ear in self._ears:
                    ear.capture.abandon()

    def _hear(self, ear: _Ear, chunk: Chunk) -> None:
        self._note_coach()
        ear.now = chunk.heard_at
        ear.energy.append((ear.now, mean_square(chunk.samples)))
        if ear.ear is Ear.ECHO_FREE:
            talking = turns.coach_heard_lately(self._turns, ear.now)
            ear.recognizer.endpointer.min_level = ECHO_RESIDUAL_LEVEL if talking else MIN_LEVEL
            ear.recognizer.silence_before_speech = talking
        for heard in ear.recognizer.feed(chunk.samples):
            self._heard(ear, Utterance.COMMAND, heard)

    def _note_coach(self) -> None:
        """The coach's speech as facts: its line started (or changed), or it fell silent."""
        stretch = self._coach.audible if self._coach else None
        if stretch == self._coach_stretch:
            return
        self._coach_stretch = stretch
        now = time.monotonic()
        self._step(turns.CoachStarted(now, stretch.text, stretch.seconds) if stretch else turns.CoachStopped(now))

    def _started(self, ear: _Ear) -> None:
        ear.started = ear.now
        self._step(turns.SpeechStarted(ear.now, ear.ear))
        # Whisper's transcript (a quarter of a second, under the lock) only where it can count:
        # both ears hear each utterance, and turn-taking believes one of them.
        ear.recognizer.heeded = self._turns.ears[ear.ear].trusted

    def _heard(self, ear: _Ear, kind: Utterance, heard: Heard) -> None:
        lasted = ear.now - ear.started - ear.recognizer.decision_seconds
        plain = self._ears[0].mean_energy(ear.started, ear.now)
        self._step(turns.SpeechHeard(ear.now, ear.ear, kind, heard, lasted, ear.mean_energy(ear.started, ear.now), plain))

    def _step(self, fact: turns.Fact) -> None:
        self._turns, decisions = turns.step(self._turns, fact)
        if self._facts and not self._stopping.is_set():  # the file is closed once listening has stopped
            self._facts.write(json.dumps(turns.record(fact, decisions)) + "\n")
        for decision in decisions:
            if isinstance(decision, (turns.Take, turns.Overheard)):
                self._decided.put(decision.heard)  # overheard: logged, not obeyed
            elif self._coach:
                self._decided.put(decision)  # the floor: for the runner to give
