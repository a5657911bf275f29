"""Builds a Routine from plain data, with every problem found in one pass.

Plain data comes from loader.py together with the line of every field, so each problem names
file, line and field path. Ranges are generous for users, but refuse values that cannot be meant
(a 0-second hold, 500 reps) and say the allowed range.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from coach.errors import Problem, RoutineError
from coach.content import BREATH_WORDS
from coach.routine import Breath, Exercise, Kind, Pacing, Phase, Routine, Source

# Allowed ranges: (low, high). Chosen so a typo ("300" reps) is caught, not to prescribe dosage.
REPS = (1, 50)
SETS = (1, 10)
CYCLES = (1, 100)
COUNTDOWN = (0, 10)
PHASE_SECONDS = (0.5, 30)
HOLD_SECONDS = (1, 300)
PAUSE_SECONDS = (1, 120)
REST_SECONDS = (0, 300)
BREATH_IN_OUT_SECONDS = (1, 20)
BREATH_HOLD_SECONDS = (0, 20)
MAX_EXERCISES = 50
MAX_TEXT = 600

ROUTINE_KEYS = ("name", "title", "kind", "description", "sources", "bedtime", "pacing", "rest", "exercises")
EXERCISE_KEYS = ("name", "setup", "reps", "tempo", "hold", "breathing", "cycles", "pause", "countdown",
                 "sides", "sets", "rest", "source")
SOURCE_KEYS = ("title", "url")
BREATHING_KEYS = tuple(breath.value for breath in Breath)
DEFAULT_TEMPO = (Phase("", 3.0),)
DEFAULT_SIDES = ("left side", "right side")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def field_path(path: tuple) -> str:
    """('exercises', 1, 'reps') -> 'exercises[1].reps'"""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Checker:
    """Collects problems while reading values, so one pass reports them all."""

    def __init__(self, file: str, marks: dict[tuple, int]):
        self.file = file
        self.marks = marks
        self.problems: list[Problem] = []

    def line(self, path: tuple) -> int:
        while path and path not in self.marks:
            path = path[:-1]
        return self.marks.get(path, 1)

    def fail(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.file, self.line(path), field_path(path), message))

    def mapping(self, value: Any, path: tuple, allowed: tuple[str, ...], what: str) -> dict:
        if not isinstance(value, dict):
            self.fail(path, f"must be a mapping of {what}, got {_shown(value)}")
            return {}
        for key in value:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                suggestion = f'; did you mean "{hint[0]}"?' if hint else f"; allowed: {', '.join(allowed)}"
                self.fail(path + (key,), f"unknown key{suggestion}")
        return value

    def text(self, value: Any, path: tuple, required: bool = False, default: str = "") -> str:
        if value is None:
            if required:
                self.fail(path, "is required")
            return default
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"must be text, got {_shown(value)}")
            return default
        cleaned = " ".join(value.split())
        if len(cleaned) > MAX_TEXT:
            self.fail(path, f"must be at most {MAX_TEXT} characters, got {len(cleaned)}")
        return cleaned

    def number(self, value: Any, path: tuple, bounds: tuple[float, float], whole: bool,
               unit: str = "", default: float = 0) -> float:
        low, high = bounds
        kind = "a whole number" if whole else "a number of " + (unit or "seconds")
        unit_text = f" {unit}" if unit and whole else ""
        wanted = f"must be {kind} from {_num(low)} to {_num(high)}{unit_text}"
        if value is None:
            return default
        ok_type = isinstance(value, int) if whole else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type:
            self.fail(path, f"{wanted}, got {_shown(value)}")
            return default
        if not (low <= value <= high):  # NaN fails this too
            self.fail(path, f"{wanted}, got {_shown(value)}")
            return default
        return value

    def flag(self, value: Any, path: tuple) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, got {_shown(value)}")
            return False
        return value


def build_routine(data: Any, marks: dict[tuple, int], file: str, default_name: str = "routine") -> Routine:
    """Validate plain data into a Routine, or raise RoutineError listing every problem."""
    check = _Checker(file, marks)
    top = check.mapping(data, (), ROUTINE_KEYS, "routine fields (title, exercises, ...)")
    name = _routine_name(check, top.get("name"), default_name)
    title = check.text(top.get("title"), ("title",), required=bool(top))
    rest = check.number(top.get("rest"), ("rest",), REST_SECONDS, whole=False, default=10)
    exercises = _exercises(check, top.get("exercises"), rest) if top else ()
    routine = Routine(
        name=name,
        title=title,
        kind=_kind(check, top.get("kind"), exercises),
        exercises=exercises,
        description=check.text(top.get("description"), ("description",)),
        sources=_sources(check, top.get("sources")),
        bedtime=check.flag(top.get("bedtime"), ("bedtime",)),
        pacing=_pacing(check, top.get("pacing"), exercises),
        file=file,
    )
    if check.problems:
        raise RoutineError(check.problems)
    return routine


def _routine_name(check: _Checker, value: Any, default: str) -> str:
    if value is None:
        slug = re.sub(r"[^a-z0-9-]+", "-", default.lower()).strip("-")
        return slug or "routine"
    if not isinstance(value, str) or not NAME_PATTERN.match(value):
        check.fail(("name",), f"must be lowercase letters, digits and dashes, got {_shown(value)}")
        return default
    return value


def _kind(check: _Checker, value: Any, exercises: tuple[Exercise, ...]) -> Kind:
    if value is None:
        all_breathing = exercises and all(e.is_breathing for e in exercises)
        return Kind.BREATHING if all_breathing else Kind.EXERCISE
    try:
        return Kind(value)
    except ValueError:
        check.fail(("kind",), f'must be "exercise" or "breathing", got {_shown(value)}')
        return Kind.EXERCISE


def _pacing(check: _Checker, value: Any, exercises: tuple[Exercise, ...]) -> Pacing:
    if value is None:
        return Pacing.WORDS
    try:
        pacing = Pacing(value)
    except ValueError:
        check.fail(("pacing",), f'must be "words" or "tones", got {_shown(value)}')
        return Pacing.WORDS
    if pacing is Pacing.TONES and not any(e.is_breathing for e in exercises):
        check.fail(("pacing",), "tones pace breaths: the routine needs a breathing exercise")
    return pacing


def _sources(check: _Checker, value: Any) -> tuple[Source, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        check.fail(("sources",), f"must be a list of sources with title and url, got {_shown(value)}")
        return ()
    found = (_source(check, item, ("sources", i)) for i, item in enumerate(value))
    return tuple(source for source in found if source)


def _source(check: _Checker, value: Any, path: tuple) -> Source | None:
    if value is None:
        return None
    entry = check.mapping(value, path, SOURCE_KEYS, "title and url")
    if not entry:
        return None
    title = check.text(entry.get("title"), path + ("title",), required=True)
    url = check.text(entry.get("url"), path + ("url",), required=True)
    if url and not url.startswith(("https://", "http://")):
        check.fail(path + ("url",), f"must start with https:// or http://, got {_shown(url)}")
    return Source(title, url)


def _exercises(check: _Checker, value: Any, rest: float) -> tuple[Exercise, ...]:
    path = ("exercises",)
    if value is None:
        check.fail(path, "is required: a list of at least one exercise")
        return ()
    if not isinstance(value, list) or not value:
        check.fail(path, f"must be a list of at least one exercise, got {_shown(value)}")
        return ()
    if len(value) > MAX_EXERCISES:
        check.fail(path, f"must have at most {MAX_EXERCISES} exercises, got {len(value)}")
        return ()
    built = (_exercise(check, item, path + (i,), rest) for i, item in enumerate(value))
    return tuple(e for e in built if e is not None)


def _exercise(check: _Checker, value: Any, path: tuple, rest: float) -> Exercise | None:
    fields = check.mapping(value, path, EXERCISE_KEYS, "exercise fields (name, reps, hold, ...)")
    if not fields:
        return None
    modes = [k for k in ("reps", "hold", "breathing", "pause") if fields.get(k) is not None]
    if len(modes) != 1:
        found = " and ".join(modes) if modes else "none"
        check.fail(path, f"needs exactly one of reps, hold, breathing or pause, got {found}")
    if "pause" in modes and not fields.get("setup"):
        check.fail(path + ("setup",), "is required with pause: it is what the step says")
    if fields.get("tempo") is not None and "reps" not in modes:
        check.fail(path + ("tempo",), "goes with reps")
    if fields.get("cycles") is not None and "breathing" not in modes:
        check.fail(path + ("cycles",), "goes with breathing")
    breathing = _breathing(check, fields.get("breathing"), path + ("breathing",))
    return Exercise(
        name=check.text(fields.get("name"), path + ("name",), required=True, default="exercise"),
        setup=check.text(fields.get("setup"), path + ("setup",)),
        reps=int(check.number(fields.get("reps"), path + ("reps",), REPS, whole=True)),
        tempo=_tempo(check, fields.get("tempo"), path + ("tempo",)),
        hold=float(check.number(fields.get("hold"), path + ("hold",), HOLD_SECONDS, whole=False)),
        breathing=breathing,
        cycles=int(check.number(fields.get("cycles"), path + ("cycles",), CYCLES, whole=True,
                                default=4 if breathing else 0)),
        pause=float(check.number(fields.get("pause"), path + ("pause",), PAUSE_SECONDS, whole=False)),
        countdown=int(check.number(fields.get("countdown"), path + ("countdown",), COUNTDOWN,
                                   whole=True, unit="seconds", default=3)),
        sides=_sides(check, fields.get("sides"), path + ("sides",)),
        sets=int(check.number(fields.get("sets"), path + ("sets",), SETS, whole=True, default=1)),
        rest=float(check.number(fields.get("rest"), path + ("rest",), REST_SECONDS, whole=False,
                                default=rest)),
        source=_source(check, fields.get("source"), path + ("source",)),
    )


def _tempo(check: _Checker, value: Any, path: tuple) -> tuple[Phase, ...]:
    if value is None:
        return DEFAULT_TEMPO
    if not isinstance(value, dict) or not value or len(value) > 5:
        check.fail(path, "must map 1 to 5 phase words to seconds, such as {lift: 2, lower: 2}, "
                         f"got {_shown(value)}")
        return DEFAULT_TEMPO
    result = []
    for word, seconds in value.items():
        if not isinstance(word, str) or not word.strip() or len(word) > 40:
            check.fail(path, f"phase names must be short words, got {_shown(word)}")
            continue
        seconds = check.number(seconds, path + (word,), PHASE_SECONDS, whole=False, default=2)
        result.append(Phase(" ".join(word.split()).capitalize(), float(seconds)))
    return tuple(result) or DEFAULT_TEMPO


def _breathing(check: _Checker, value: Any, path: tuple) -> tuple[Phase, ...]:
    if value is None:
        return ()
    counts = check.mapping(value, path, BREATHING_KEYS, "counts: in, hold, out, hold_out")
    if not counts:
        return ()
    phases = []
    for key in BREATHING_KEYS:
        needed = key in ("in", "out")
        if needed and counts.get(key) is None:
            check.fail(path + (key,), "is required")
        bounds = BREATH_IN_OUT_SECONDS if needed else BREATH_HOLD_SECONDS
        seconds = check.number(counts.get(key), path + (key,), bounds, whole=False)
        if seconds:
            phases.append(Phase(BREATH_WORDS[Breath(key)], float(seconds), Breath(key)))
    return tuple(phases)


def _sides(check: _Checker, value: Any, path: tuple) -> tuple[str, ...]:
    if value is None or value is False:
        return ()
    if value is True:
        return DEFAULT_SIDES
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(" ".join(v.split()) for v in value)
    check.fail(path, f"must be true, or a list of two side names such as [left leg, right leg], got {_shown(value)}")
    return ()


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f'"{short}"'
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _num(value) if value == value and abs(value) < 1e15 else str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
