"""Pure: routine -> the timed cues a good human coach would say, grouped for navigation.

The timeline is cut into segments (introduction, one side of one set of an exercise, a rest,
the end) for next/back, and into units (the setup, one rep, one hold, one breath) for repeat.
How long each cue takes to say comes from a `SpeechLength` function: an estimate here, the
real rendered length once speech is on. A cue never starts before the previous one has ended.

Bedtime sessions are built differently: breath cues thin out once the rhythm is set (counted,
then "In. Hold. Out.", then only "In." and "Out."), every cue carries a volume that falls over
the session, and the session ends quietly, with no closing words. With tones, breaths are
paced by soft tones (a cue's `sound`) instead of words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property
from enum import Enum
from typing import Callable, Iterable

from coach import content
from coach.content import END_TEXT, KEY_PROMPTS, SHORT_WORDS, TONE_INTRO, VOICE_PROMPTS, Prompts
from coach.errors import CoachError
from coach.routine import Breath, Exercise, Pacing, Phase, Routine

SpeechLength = Callable[[str], float]

# Silence kept after each cue so words never run together (0.25 s sounds unhurried in eSpeak).
MIN_GAP = 0.25
# Time to get into position after the setup is read out.
SETTLE_SECONDS = 3.0
# Pause after a side change or set announcement.
SWITCH_SECONDS = 1.5
# Reps from which "halfway" is said.
HALFWAY_FROM_REPS = 6
# Phases at least this long count down their last `countdown` seconds.
COUNTDOWN_MIN_PHASE = 5.0
# Breathing phases up to this long are counted aloud second by second.
COUNT_ALOUD_MAX = 10.0
# Bedtime: the voice ends the session at this share of its starting volume.
BEDTIME_FADE_TO = 0.35
# Bedtime breathing: cycles counted aloud, then cycles cued by short words, then only in and out.
BEDTIME_COUNTED_CYCLES = 2
BEDTIME_WORD_CYCLES = 3
# Sounds that are tones, not speech: the audio adapter renders these keys (see coach.audio.tones).
TONES = {Breath.IN: "tone:in", Breath.HOLD: "tone:hold", Breath.OUT: "tone:out", Breath.HOLD_OUT: "tone:hold"}
HOLDS = (Breath.HOLD, Breath.HOLD_OUT)
TONE_SECONDS = {"tone:in": 0.9, "tone:hold": 0.5, "tone:out": 1.1}


class CueKind(str, Enum):
    INTRO = "intro"
    SETUP = "setup"
    SIDE = "side"
    REP = "rep"
    PHASE = "phase"
    HOLD = "hold"
    COUNT = "count"
    RELEASE = "release"
    BREATH = "breath"
    REST = "rest"
    END = "end"


@dataclass(frozen=True)
class Cue:
    at: float
    text: str
    kind: CueKind
    exercise: str
    length: float
    unit: int
    volume: float = 1.0
    sound: str = ""
    """What to play, if not the spoken text: a tone key such as "tone:in"."""

    @property
    def played(self) -> str:
        return self.sound or self.text


@dataclass(frozen=True)
class TimelineOptions:
    bedtime: bool = False
    """Softer pacing, fading volume, a quiet end (also set by a routine's `bedtime: true`)."""
    minutes: float | None = None
    """Keep breathing for this long instead of the routine's cycles (breathing exercises only)."""
    tones: bool = False
    """Pace breaths with tones instead of words (also set by a routine's `pacing: tones`)."""
    listening: bool = False
    """Coach hears spoken commands, so its prompts name the words as well as the keys."""

    @property
    def prompts(self) -> Prompts:
        return VOICE_PROMPTS if self.listening else KEY_PROMPTS


class UnitKind(str, Enum):
    INTRODUCTION = "introduction"
    SETUP = "setup"
    REP = "rep"
    HOLD = "hold"
    OWN_TIME = "own time"
    BREATH = "breath"
    REST = "rest"
    END = "end"


@dataclass(frozen=True)
class Unit:
    """What `repeat` restarts: the setup, one rep, one hold, one breath or one rest."""

    start: float
    end: float
    segment: int
    label: str
    """As the status line shows it ("rep 3 of 8")."""
    kind: UnitKind


class SegmentKind(str, Enum):
    INTRODUCTION = "introduction"
    SETUP = "setup"
    """An exercise's first words, getting into position: `next` skips them, not the set."""
    EXERCISE = "exercise"
    REST = "rest"
    END = "end"


@dataclass(frozen=True)
class Segment:
    """What `next` and `back` move between."""

    start: float
    end: float
    exercise: str
    label: str
    kind: SegmentKind

    @property
    def is_rest(self) -> bool:
        return self.kind is SegmentKind.REST


@dataclass(frozen=True, eq=False)
class Timeline:
    routine: str
    title: str
    cues: tuple[Cue, ...]
    units: tuple[Unit, ...]
    segments: tuple[Segment, ...]
    duration: float
    prompts: Prompts = KEY_PROMPTS
    """What the pause and pain announcements tell the user to say or press."""

    @cached_property
    def unit_starts(self) -> list[float]:
        """Start of every unit, for bisecting; computed once (the runner asks every tick)."""
        return [u.start for u in self.units]

    @cached_property
    def cue_times(self) -> list[float]:
        return [c.at for c in self.cues]

    def to_json(self) -> dict:
        return {
            "routine": self.routine,
            "duration": round(self.duration, 3),
            "cues": [{"at": round(c.at, 3), "text": c.text, "kind": c.kind.value, "exercise": c.exercise}
                     for c in self.cues],
        }


def estimate_speech_seconds(text: str) -> float:
    """A stand-in for the real spoken length: eSpeak at its default rate says about 2.6 words/s."""
    if text in TONE_SECONDS:
        return TONE_SECONDS[text]
    words = len(text.split())
    return round(0.15 + 0.38 * max(words, 1), 3)


class _Builder:
    """Lays cues end to end on a running clock `t`."""

    def __init__(self, speech_length: SpeechLength):
        self.length = speech_length
        self.t = 0.0
        self.cues: list[Cue] = []
        self.units: list[Unit] = []
        self.segments: list[Segment] = []
        self._unit_start = 0.0
        self._unit = ("", UnitKind.INTRODUCTION)
        self._segment_start = 0.0

    def say(self, text: str, kind: CueKind, exercise: str, at: float | None = None, sound: str = "") -> float:
        """Add a cue at `at` (or now), never before the last one ends; return when it ends."""
        start = max(self.t if at is None else at, self._speech_end())
        length = self.length(sound or text)
        self.cues.append(Cue(round(start, 3), text, kind, exercise, length, len(self.units), sound=sound))
        self.t = max(self.t, start + length + MIN_GAP)
        return start + length

    def wait_until(self, t: float) -> None:
        self.t = max(self.t, t)

    def _speech_end(self) -> float:
        last = self.cues[-1] if self.cues else None
        return last.at + last.length + MIN_GAP if last else 0.0

    def open_unit(self, kind: UnitKind, label: str | None = None) -> None:
        self._unit_start, self._unit = self.t, (label or kind.value, kind)

    def close_unit(self) -> None:
        self.units.append(Unit(round(self._unit_start, 3), round(self.t, 3), len(self.segments), *self._unit))

    def open_segment(self) -> None:
        self._segment_start = self.t

    def close_segment(self, exercise: str, label: str, kind: SegmentKind = SegmentKind.EXERCISE) -> None:
        self.segments.append(Segment(round(self._segment_start, 3), round(self.t, 3), exercise, label, kind))


def build_timeline(routine: Routine, speech_length: SpeechLength = estimate_speech_seconds,
                   options: TimelineOptions = TimelineOptions()) -> Timeline:
    """Compile a routine into its timeline."""
    if options.tones and not any(e.is_breathing for e in routine.exercises):
        raise CoachError(f"--tones paces breaths, and {routine.name} has no breathing exercise")
    options = replace(options, bedtime=options.bedtime or routine.bedtime,
                      tones=options.tones or routine.pacing is Pacing.TONES)
    if options.minutes is not None:
        routine = _breathe_for(routine, options.minutes)
    b = _Builder(speech_length)
    _intro(b, routine, options)
    blocks = list(_blocks(routine))
    for i, (exercise, set_no, side_no) in enumerate(blocks):
        _block(b, exercise, set_no, side_no, options)
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if following and following[2] == 0 and exercise.rest > 0:
            _rest(b, exercise.rest, following)
    _end(b, quiet=options.bedtime)
    cues = _faded(b.cues, b.t) if options.bedtime else b.cues
    return Timeline(routine.name, routine.title, tuple(cues), tuple(b.units), tuple(b.segments), round(b.t, 3),
                    options.prompts)


def _breathe_for(routine: Routine, minutes: float) -> Routine:
    """Give the breathing exercises enough cycles to fill `minutes` between them."""
    breathing = [e for e in routine.exercises if e.is_breathing]
    if not breathing:
        raise CoachError(f"--minutes sets how long to breathe, and {routine.name} has no breathing exercise")
    share = minutes * 60 / len(breathing)

    def filled(exercise: Exercise) -> Exercise:
        if not exercise.is_breathing:
            return exercise
        cycle = sum(p.seconds for p in exercise.breathing)
        return replace(exercise, cycles=max(1, round(share / cycle)))

    return replace(routine, exercises=tuple(filled(e) for e in routine.exercises))


def _faded(cues: list[Cue], duration: float) -> list[Cue]:
    """Volume falls in a straight line from full at the start to BEDTIME_FADE_TO at the end."""
    drop = 1.0 - BEDTIME_FADE_TO
    return [replace(c, volume=round(1.0 - drop * min(1.0, c.at / duration), 3)) for c in cues]


def _blocks(routine: Routine) -> Iterable[tuple[Exercise, int, int]]:
    for exercise in routine.exercises:
        for set_no in range(exercise.sets):
            for side_no in range(max(1, len(exercise.sides))):
                yield exercise, set_no, side_no


def _intro(b: _Builder, routine: Routine, options: TimelineOptions) -> None:
    b.open_segment()
    b.open_unit(UnitKind.INTRODUCTION)
    b.say(content.BEGIN.format(title=routine.title), CueKind.INTRO, "")
    b.say(options.prompts.safety, CueKind.INTRO, "")
    if options.tones:
        b.say(TONE_INTRO, CueKind.INTRO, "")
    b.wait_until(b.t + 1.0)
    b.close_unit()
    b.close_segment("", "Introduction", SegmentKind.INTRODUCTION)


def _block(b: _Builder, exercise: Exercise, set_no: int, side_no: int, options: TimelineOptions) -> None:
    b.open_segment()
    b.open_unit(UnitKind.SETUP)
    _announce(b, exercise, set_no, side_no)
    b.close_unit()
    if set_no == 0 and side_no == 0 and exercise.setup and not exercise.pause:  # `next` skips the setup, not the set
        b.close_segment(exercise.name, f"{exercise.name}, getting into position", SegmentKind.SETUP)
        b.open_segment()
    if exercise.reps:
        _reps(b, exercise)
    elif exercise.hold:
        _hold(b, exercise)
    elif exercise.pause:
        _pause(b, exercise)
    else:
        _breaths(b, exercise, options)
    b.close_segment(exercise.name, _block_label(exercise, set_no, side_no))


def _block_label(exercise: Exercise, set_no: int, side_no: int) -> str:
    parts = [exercise.name]
    if exercise.sets > 1:
        parts.append(f"set {set_no + 1} of {exercise.sets}")
    if exercise.sides:
        parts.append(exercise.sides[side_no])
    return ", ".join(parts)


def _announce(b: _Builder, exercise: Exercise, set_no: int, side_no: int) -> None:
    name = exercise.name
    first = set_no == 0 and side_no == 0
    if first:
        b.say(f"{name}.", CueKind.SETUP, name)
        if exercise.setup:
            b.say(exercise.setup, CueKind.SETUP, name)
    parts = []
    if exercise.sets > 1 and side_no == 0:
        parts.append(content.SET.format(number=set_no + 1, sets=exercise.sets))
    if exercise.sides:
        side = exercise.sides[side_no]
        parts.append(f"{side[0].upper()}{side[1:]}." if first or side_no == 0 else content.CHANGE_SIDES.format(side=side))
    if parts:
        b.say(" ".join(parts), CueKind.SIDE, name)
    b.wait_until(b.t + (SETTLE_SECONDS if first else SWITCH_SECONDS))


def _reps(b: _Builder, exercise: Exercise) -> None:
    for rep in range(1, exercise.reps + 1):
        b.open_unit(UnitKind.REP, f"rep {rep} of {exercise.reps}")
        for index, phase in enumerate(exercise.tempo):
            start = b.t
            text = _rep_text(rep, exercise.reps, phase) if index == 0 else f"{phase.word}."
            b.say(text, CueKind.REP if index == 0 else CueKind.PHASE, exercise.name)
            _countdown(b, exercise, phase, start)
            b.wait_until(start + phase.seconds)
        b.close_unit()


def _rep_text(rep: int, reps: int, phase: Phase) -> str:
    word = f" {phase.word}." if phase.word else ""
    if rep == 1:
        return content.FIRST_REP.format(reps=reps) + word
    if rep == reps:
        return content.LAST_REP.format(rep=rep) + word
    if reps >= HALFWAY_FROM_REPS and rep == reps // 2 + 1:
        return content.HALFWAY.format(rep=rep) + word
    return f"{rep}.{word}"


def _countdown(b: _Builder, exercise: Exercise, phase: Phase, start: float) -> None:
    """Say the last seconds of a long phase: "3", "2", "1", each on its second."""
    if exercise.countdown == 0 or phase.seconds < COUNTDOWN_MIN_PHASE:
        return
    for n in range(min(exercise.countdown, int(phase.seconds) - 2), 0, -1):
        b.say(f"{n}.", CueKind.COUNT, exercise.name, at=start + phase.seconds - n)


def _hold(b: _Builder, exercise: Exercise) -> None:
    b.open_unit(UnitKind.HOLD)
    start = b.t
    b.say(content.HOLD_FOR.format(seconds=_seconds_text(exercise.hold)), CueKind.HOLD, exercise.name)
    _countdown(b, exercise, Phase("", exercise.hold), start)
    b.wait_until(start + exercise.hold)
    b.say(content.RELEASE, CueKind.RELEASE, exercise.name)
    b.wait_until(b.t + 1.0)
    b.close_unit()


def _pause(b: _Builder, exercise: Exercise) -> None:
    """Quiet after a step's words: the step is done in the user's own time."""
    b.open_unit(UnitKind.OWN_TIME, "your own time")
    b.wait_until(b.t + exercise.pause)
    b.close_unit()


def _breaths(b: _Builder, exercise: Exercise, options: TimelineOptions) -> None:
    for cycle in range(1, exercise.cycles + 1):
        b.open_unit(UnitKind.BREATH, f"breath {cycle} of {exercise.cycles}")
        counted = not options.bedtime or cycle <= BEDTIME_COUNTED_CYCLES
        for phase in exercise.breathing:
            start = b.t
            if options.tones:
                b.say(f"{phase.word}.", CueKind.BREATH, exercise.name, sound=TONES[phase.breath])
            elif counted:
                b.say(f"{phase.word}.", CueKind.BREATH, exercise.name)
                if phase.seconds <= COUNT_ALOUD_MAX:
                    for n in range(2, int(phase.seconds) + 1):
                        b.say(f"{n}.", CueKind.COUNT, exercise.name, at=start + n - 1)
            elif cycle <= BEDTIME_COUNTED_CYCLES + BEDTIME_WORD_CYCLES or phase.breath not in HOLDS:
                b.say(SHORT_WORDS[phase.breath], CueKind.BREATH, exercise.name)
            b.wait_until(start + phase.seconds)
        b.close_unit()


def _rest(b: _Builder, seconds: float, following: tuple[Exercise, int, int]) -> None:
    exercise, set_no, _ = following
    up_next = exercise.name if set_no == 0 else content.NEXT_SET.format(number=set_no + 1, name=exercise.name)
    b.open_segment()
    b.open_unit(UnitKind.REST)
    start = b.t
    b.say(content.REST.format(seconds=_seconds_text(seconds), up_next=up_next), CueKind.REST, "")
    b.wait_until(start + seconds)
    b.close_unit()
    b.close_segment("", f"Rest, next up: {up_next}", SegmentKind.REST)


def _end(b: _Builder, quiet: bool) -> None:
    b.open_segment()
    b.open_unit(UnitKind.END)
    if not quiet:
        b.say(END_TEXT, CueKind.END, "")
    b.wait_until(b.t + 0.5)
    b.close_unit()
    b.close_segment("", "End", SegmentKind.END)


def _seconds_text(seconds: float) -> str:
    whole = math.floor(seconds)
    if seconds == whole:
        return "1 second" if whole == 1 else f"{whole} seconds"
    return f"{seconds:g} seconds"
