"""Finds where speech starts and ends in a stream of 10 ms frames, by level against a noise floor.

The floor follows the quietest recent frames (fast down, slow up), so steady noise such as a fan
or hiss is not taken for speech, and speech ends after HANGOVER seconds under the threshold.
Sees each frame once, in order: it never looks ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from coach.audio.chunk import rms

FRAME_SECONDS = 0.01
FRAME = 160  # samples at 16 kHz
# What every recognizer keeps of an utterance: the audio from a little before speech starts, so
# that its first consonant is heard, and no utterance longer than MAX_UTTERANCE_SECONDS: longer
# is ordinary talk, and a command in it is not taken.
PRE_ROLL_SECONDS = 0.3
MAX_UTTERANCE_SECONDS = 2.0
# Speech is louder than the floor by this factor (about 10 dB) and than this absolute level.
OVER_FLOOR = 3.2
MIN_LEVEL = 120.0
# Frames above threshold in a row that start speech (rejects clicks).
START_FRAMES = 3
# Silence that ends speech: short enough to answer fast, long enough to bridge gaps between words.
HANGOVER = 0.2
# A room's reverberation keeps a word sounding for half a second and more after it is said. In
# the first SHORT_SECONDS of an utterance (a command's length), speech also ends when the level
# falls this far (20 dB) below its loudest frame: on the reverberant development files this cut
# the latency p95 from 850 to 380 ms. Longer talk ends only at the floor, so that sentences are
# not cut into short, command-sized pieces (which raised false alarms by a seventh).
END_BELOW_PEAK = 0.1
SHORT_SECONDS = 1.5
# After speech, that loudest level dies away by this factor a frame (0.4 dB per 10 ms: a room
# whose echo takes 1.5 s to fall 60 dB): a tail still sounding does not start a new utterance.
PEAK_DECAY = 0.955
FLOOR_RISE = 1.002
FLOOR_FALL = 0.9


class Boundary(str, Enum):
    START = "start"
    END = "end"


@dataclass(frozen=True)
class Change:
    kind: Boundary
    time: float
    """Seconds of audio at the change: where speech started, or where the silence that ended it began."""


def whole_frames(pending: np.ndarray, samples: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The whole 10 ms frames of `pending` followed by `samples`, and the samples left over."""
    joined = np.concatenate([pending, samples.astype(np.int16, copy=False)])
    whole = len(joined) // FRAME * FRAME
    return [joined[start:start + FRAME] for start in range(0, whole, FRAME)], joined[whole:]


class Endpointer:
    def __init__(self) -> None:
        self.min_level = MIN_LEVEL
        """Raised by a caller that knows of sound it must not take for speech (the coach's echo)."""
        self.floor: float | None = None
        self.in_speech = False
        self.frames = 0
        self._loud_run = 0
        self._quiet_run = 0
        self._peak = 0.0
        self._started = 0

    def feed(self, frame: np.ndarray) -> Change | None:
        """Take one 10 ms frame; return a change of state, if this frame made one."""
        self.frames += 1
        level = rms(frame) + 1.0
        loud = level > max(OVER_FLOOR * (self.floor or level), self.min_level)
        self._track_floor(level, loud)
        if not self.in_speech:
            self._peak *= PEAK_DECAY
            self._loud_run = self._loud_run + 1 if loud and level > self._peak * END_BELOW_PEAK else 0
            if self._loud_run >= START_FRAMES:
                self.in_speech, self._quiet_run, self._started = True, 0, self.frames
                return Change(Boundary.START, (self.frames - START_FRAMES) * FRAME_SECONDS)
            return None
        self._peak = max(self._peak, level)
        short = (self.frames - self._started) * FRAME_SECONDS <= SHORT_SECONDS
        sounding = loud and (level > self._peak * END_BELOW_PEAK or not short)
        self._quiet_run = 0 if sounding else self._quiet_run + 1
        if self._quiet_run * FRAME_SECONDS >= HANGOVER:
            self.in_speech, self._loud_run = False, 0
            return Change(Boundary.END, (self.frames - self._quiet_run) * FRAME_SECONDS)
        return None

    def _track_floor(self, level: float, loud: bool) -> None:
        if self.floor is None:
            self.floor = level
        elif level < self.floor:
            self.floor = max(level, self.floor * FLOOR_FALL)
        elif not loud:
            self.floor = min(level, self.floor * FLOOR_RISE)
        else:
            self.floor *= FLOOR_RISE ** 0.25  # a long loud stretch (steady noise) is slowly accepted


class FedByFrames:
    """A recognizer fed samples in any chunk size: it hears them in whole 10 ms frames (`_frame`),
    keeping what is left over for the next chunk, and cuts utterances with its `_endpoint`."""

    _endpoint: Endpointer
    _partial: np.ndarray

    @property
    def endpointer(self) -> Endpointer:
        return self._endpoint

    def feed(self, samples: np.ndarray) -> list:
        frames, self._partial = whole_frames(self._partial, samples)
        return [heard for heard in map(self._frame, frames) if heard]

    def _frame(self, frame: np.ndarray):
        raise NotImplementedError
