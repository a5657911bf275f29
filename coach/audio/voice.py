"""The microphone as a CommandSource: a thread per ear records and hears, the runner polls what was heard.

Recording never waits for the runner, and the runner never waits for the microphone: a command
is queued the moment the recognizer decides (its `decision_seconds` after the last word).

Two ears, because the echo canceller is good at one job and poor at the other (measured in
bench/handsfree.py and audio_tests/test_hands_free.py):
- the plain microphone hears the user clearly, and the coach too. It is trusted only for speech
  that started after the coach had been silent for ECHO_TAIL (the room's echo dies away).
- the echo-cancelled microphone (WebRTC, in the sound server) hears little of the coach, so speech
  there while the coach talks is likely the user's: the coach falls silent at once, keeping its
  place. What the canceller leaves of the coach comes in blips that end as soon as the coach is
  silent, and is far quieter there than on the plain microphone; the user's voice goes on and is
  as loud on both. So a command from this ear is taken only if it passes both tests
  (`_users_voice`), and if its word is not one the coach has just said: the user's voice over the
  coach's leftovers passes the tests, and "repeat" said while the coach said "say pain" was once
  heard as pain (audio_tests/test_hands_free.py). Speech that is no command here, or fails them: the coach stays quiet for
  LISTEN_AFTER, so a command said again is heard by the plain ear (a short "stop" said over the
  coach can fail the tests: audio_tests/test_hands_free.py).
Without an echo canceller there is only the plain ear: commands work whenever the coach is
quiet (between cues, and when paused), and keys always work.

A microphone unplugged (or the canceller unloaded) mid-session does not fail the stream: the
sound server moves it to another source, often the speaker's monitor, where the coach would hear
only itself. So a watcher checks every SOURCE_CHECK_SECONDS that each ear's source still exists,
and listening ends, said once, when one is gone; keys go on.
"""

from __future__ import annotations

import collections
import queue
import re
import threading
import time
from dataclasses import replace
from typing import Protocol

import numpy as np

from coach.audio.echo import default_source, source_names
from coach.audio.endpoint import MIN_LEVEL
from coach.audio.pulse import PulseCapture
from coach.audio.recognizer import MAX_UTTERANCE_SECONDS, RATE, recognizer_for
from coach.errors import DeviceError
from coach.events import Heard
from coach.phrases import COMMANDS, Vocabulary

# Audio read at a time from each ear: the recognizer is fed as it arrives.
BLOCK_SECONDS = 0.02
LEVEL_BLOCKS = int(4.0 / BLOCK_SECONDS)  # longer than any utterance the recognizer decides
# How long the coach keeps quiet for a user who started speaking: an utterance is decided within
# this; after a command, the runner acts (a cut) well within AFTER_COMMAND, or the coach goes on.
HOLD_SECONDS = MAX_UTTERANCE_SECONDS + 0.5
AFTER_COMMAND = 0.5
# After speech that was not understood, the coach waits this long for the user to say it again.
# People wait a second or two for an answer before they repeat themselves; with 1.5 s the coach
# often started again just as they did, and the repeat, said over it, was not taken either
# (bench/handsfree.py).
LISTEN_AFTER = 3.0
# How long the coach may still be heard after it falls silent: the room's echo, and the output's
# own delay (the virtual room here has 0.35 s; Bluetooth speakers have 0.2 s and more).
ECHO_TAIL = 0.8
# While the coach talks, what the canceller leaves of its voice stays under this level (about
# -30 dBFS), and the echo-free ear takes only louder sound for the user's.
ECHO_RESIDUAL_LEVEL = 1000.0
# What the canceller leaves of the coach while it talks: sound that lasts no longer than this,
# since the coach falls silent as soon as this ear hears anything (the blips last 0-80 ms, the
# user's words 300 ms and more), and whose energy is at most this share of the plain
# microphone's (-13 to -14 dB for the blips heard as "stop"; about 0 dB for the user's words,
# under which the coach falls silent). Measured over every built-in routine played through the
# leak, with and without a user speaking over it (bench/handsfree.py).
OWN_ECHO_SECONDS = 0.15
OWN_ECHO_SHARE = 0.25
# A command word the coach said this recently is not taken from the echo-free ear.
OWN_WORDS_SECONDS = 2.0
# Both ears may hear one utterance; the same command from the other ear within this is dropped.
SAME_WORDS_SECONDS = 1.5
SOURCE_CHECK_SECONDS = 1.0


class ListeningLost(DeviceError):
    """The microphone stopped working mid-session."""


class PoliteSpeaker(Protocol):
    @property
    def audible(self) -> str | None:
        """The text going out now; None while silent or held."""

    def hold(self, seconds: float) -> None: ...

    def release(self) -> None: ...


class _Ear:
    def __init__(self, capture: PulseCapture, recognizer, echo_free: bool):
        self.capture = capture
        self.recognizer = recognizer
        self.echo_free = echo_free
        self.trusted = False
        """Whether this ear is the one to believe for its current utterance (decided as it starts)."""
        self.started = 0.0
        """Monotonic time its current utterance reached the microphone."""
        self.name = "echo-free" if echo_free else "plain"
        self.now = 0.0
        """Monotonic time the audio being read reached the microphone (reading runs behind)."""
        self.energy: collections.deque[tuple[float, float]] = collections.deque(maxlen=LEVEL_BLOCKS)
        """(time heard, mean square) of its recent blocks."""

    def mean_energy(self, start: float, end: float) -> float:
        within = [energy for at, energy in self.energy if start <= at <= end]
        return sum(within) / len(within) if within else 0.0


class VoiceCommands:
    source = "voice"

    def __init__(self, device: str | None = None, speaker: PoliteSpeaker | None = None,
                 echo_free_device: str | None = None, vocabulary: Vocabulary = COMMANDS, personal=None):
        self._speaker = speaker
        self._personal = personal
        """Your learned voice (personal.py), for commands."""
        self._ears: list[_Ear] = []
        try:
            self._ears.append(self._open(device, vocabulary, echo_free=False))
            if speaker and echo_free_device:
                self._ears.append(self._open(echo_free_device, vocabulary, echo_free=True))
        except DeviceError:
            self._close_captures()
            raise
        self._coach_said: collections.deque[tuple[float, str]] = collections.deque(maxlen=8)
        """(when last heard going out, text) of the coach's recent lines."""
        self._vocabulary = vocabulary
        self._last: tuple[float, object] | None = None
        """When the last command was taken, and which."""
        self._heard: queue.SimpleQueue[Heard] = queue.SimpleQueue()
        self._failure: str | None = None
        self._reported = False
        self._stopping = threading.Event()
        # One reader per ear: read in turn, the plain ear waited on the echo canceller's source,
        # whose audio comes late, and its commands were decided about a second after the words.
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._listen, args=(ear,), name=f"coach-listen-{ear.name}",
                                          daemon=True) for ear in self._ears]
        present = source_names() or set()  # an index or @DEFAULT_SOURCE@ names no source: not watched
        self._sources = {ear.name: name for ear, name in zip(self._ears, (device or default_source(), echo_free_device))
                         if name in present}
        self._threads.append(threading.Thread(target=self._watch_sources, name="coach-listen-sources", daemon=True))
        for thread in self._threads:
            thread.start()

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
        for thread in self._threads:
            thread.join(timeout=2)
        if not any(thread.is_alive() for thread in self._threads):
            self._close_captures()

    def _open(self, device: str | None, vocabulary: Vocabulary, echo_free: bool) -> _Ear:
        name = "coach-listen-echo-free" if echo_free else "coach-listen"
        capture = PulseCapture(RATE, BLOCK_SECONDS, name=name, device=device)
        ear = _Ear(capture, recognizer_for(vocabulary, self._personal), echo_free)  # slow to load: once there is a microphone
        ear.recognizer.on_utterance = lambda what, text: self._utterance(ear, what, text)
        return ear

    def _close_captures(self) -> None:
        for ear in self._ears:
            ear.capture.close()

    def _watch_sources(self) -> None:
        while self._sources and not self._stopping.wait(SOURCE_CHECK_SECONDS):
            present = source_names()
            gone = [(ear, name) for ear, name in self._sources.items() if present is not None and name not in present]
            if gone:
                ear, name = gone[0]
                with self._lock:
                    self._failure = self._failure or (f"the echo canceller ({name}) was unloaded" if ear == "echo-free"
                                                      else f"the microphone {name} was removed")
                return

    def _listen(self, ear: _Ear) -> None:
        while not self._stopping.is_set() and not self._failure:
            try:
                block = ear.capture.read()
            except DeviceError as error:
                with self._lock:
                    self._failure = self._failure or str(error)
                    for other in self._ears:
                        other.capture.abandon()
                return
            with self._lock:  # the ears share what the coach is doing and what was taken
                self._hear(ear, block)

    def _hear(self, ear: _Ear, block: bytes) -> None:
        self._note_coach()
        ear.now = time.monotonic() - ear.capture.latency() - BLOCK_SECONDS  # when this audio was heard
        samples = np.frombuffer(block, np.int16)
        ear.energy.append((ear.now, float(np.mean(samples.astype(np.float64) ** 2)) if len(samples) else 0.0))
        if ear.echo_free:
            talking = ear.now - self._coach_sounded < ECHO_TAIL
            ear.recognizer.endpointer.min_level = ECHO_RESIDUAL_LEVEL if talking else MIN_LEVEL
        for heard in ear.recognizer.feed(samples):
            self._take(ear, heard)

    def _note_coach(self) -> None:
        text = self._speaker.audible if self._speaker else None
        if text:
            if self._coach_said and self._coach_said[-1][1] == text:
                self._coach_said.pop()
            self._coach_said.append((time.monotonic(), text))

    @property
    def _coach_sounded(self) -> float:
        """Monotonic time the coach was last heard going out."""
        return self._coach_said[-1][0] if self._coach_said else 0.0

    def _coach_just_said(self, ear: _Ear, heard: Heard) -> bool:
        """Whether a word that made this a command was among the coach's own last words."""
        recent = " ".join(text for at, text in self._coach_said if ear.now - at < OWN_WORDS_SECONDS)
        return words_in_common(heard.text, recent, self._vocabulary.words)

    def _trust(self, ear: _Ear) -> bool:
        """Whether to believe this ear for an utterance starting in the audio it is reading."""
        coach_quiet = ear.now - ECHO_TAIL > self._coach_sounded
        return not coach_quiet if ear.echo_free else coach_quiet

    def _take(self, ear: _Ear, heard: Heard) -> None:
        if not ear.trusted:
            return
        if not ear.echo_free and self._coach_sounded > ear.started - ECHO_TAIL:
            return  # the coach spoke while this was said: the plain ear heard it too
        if ear.echo_free and (not self._users_voice(ear) or self._coach_just_said(ear, heard)):
            self._utterance(ear, "other", heard.text)  # the canceller's leftovers can sound like "stop"
            return
        if self._last and self._last[1] == heard.command and time.monotonic() - self._last[0] < SAME_WORDS_SECONDS:
            return  # both ears heard the same words
        self._last = (time.monotonic(), heard.command)
        if self._speaker:
            self._speaker.hold(AFTER_COMMAND)
        self._heard.put(replace(heard, ear=ear.name))

    def _users_voice(self, ear: _Ear) -> bool:
        """Whether the utterance the echo-free ear just heard was the user's voice."""
        plain = self._ears[0].mean_energy(ear.started, ear.now)
        return not own_echo(ear.now - ear.started - ear.recognizer.decision_seconds, ear.mean_energy(ear.started, ear.now), plain)

    def _utterance(self, ear: _Ear, what: str, text: str) -> None:
        if what == "start":
            ear.trusted, ear.started = self._trust(ear), ear.now
            # Someone is speaking: keep quiet. Not for the plain ear while the coach talks (that is the coach).
            if self._speaker and (ear.trusted or not self._speaker.audible):
                self._speaker.hold(HOLD_SECONDS)
            return
        if not ear.trusted:
            return
        if what == "other":
            self._heard.put(Heard(None, ear.recognizer.consumed / RATE, text, ear.name))  # logged, not obeyed
        if self._speaker:
            if what == "other":  # also for the echo-free ear's blips: a short "stop" can look like one
                self._speaker.hold(LISTEN_AFTER)
            else:
                self._speaker.release()  # ordinary talk, not meant for the coach


def own_echo(lasted: float, echo_free_energy: float, plain_energy: float) -> bool:
    """Whether sound the echo-free ear heard while the coach talked is what the canceller left of
    the coach: it stopped with the coach, or it was far quieter there than on the plain microphone."""
    return lasted < OWN_ECHO_SECONDS or echo_free_energy < OWN_ECHO_SHARE * plain_energy


def words_in_common(heard: str, coach_said: str, meaningful) -> bool:
    """Whether a meaningful word of what was heard begins a word the coach said ("stop": "stopping")."""
    mine = set(_words(heard)) & set(meaningful)
    return any(said.startswith(word) for said in _words(coach_said) for word in mine)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())
