"""The routine model: frozen dataclasses, built and checked from a file's data by validation.py."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    EXERCISE = "exercise"
    BREATHING = "breathing"


class Pacing(str, Enum):
    """How breaths are paced: spoken words, or soft tones for people whom words keep awake."""

    WORDS = "words"
    TONES = "tones"


class Breath(str, Enum):
    """A phase of a breath, as a routine's `breathing` names it."""

    IN = "in"
    HOLD = "hold"
    OUT = "out"
    HOLD_OUT = "hold_out"


@dataclass(frozen=True)
class Phase:
    """One part of a rep or breath, spoken as its word ("lift", "breathe in") and lasting seconds."""

    word: str
    seconds: float
    breath: Breath | None = None
    """Which part of a breath; None for a rep's phase."""


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Exercise:
    """One exercise: reps at a tempo, a timed hold, a breathing pattern, or a step said once and
    followed by quiet (`pause`: for sequences such as getting out of bed); per side and in sets."""

    name: str
    setup: str = ""
    reps: int = 0
    tempo: tuple[Phase, ...] = ()
    hold: float = 0.0
    breathing: tuple[Phase, ...] = ()
    cycles: int = 0
    pause: float = 0.0
    """Seconds of quiet after a step's words, to do it in your own time."""
    countdown: int = 3
    sides: tuple[str, ...] = ()
    sets: int = 1
    rest: float = 0.0
    source: Source | None = None
    """Where this exercise's instructions come from, when it is not the routine's only source."""

    @property
    def is_breathing(self) -> bool:
        return bool(self.breathing)


@dataclass(frozen=True)
class Routine:
    name: str
    title: str
    kind: Kind
    exercises: tuple[Exercise, ...]
    description: str = ""
    sources: tuple[Source, ...] = ()
    bedtime: bool = False
    pacing: Pacing = Pacing.WORDS
    file: str = ""
