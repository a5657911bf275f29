"""The small frozen values the session core accepts and emits."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from coach.timeline import Cue


class Command(str, Enum):
    PAUSE = "pause"
    RESUME = "resume"
    NEXT = "next"
    BACK = "back"
    REPEAT = "repeat"
    STOP = "stop"
    PAIN = "pain"


class Toggle:
    """The space key: pause when running, resume otherwise."""


TOGGLE = Toggle()


class Status(str, Enum):
    RATING_BEFORE = "rating_before"
    """Asking for the 0-10 pain rating before the first exercise."""
    RUNNING = "running"
    PAUSED = "paused"
    PAIN = "pain"
    RATING_AFTER = "rating_after"
    """The exercises are over (the outcome is known); asking for the rating after them."""
    FINISHED = "finished"


class Outcome(str, Enum):
    COMPLETED = "completed"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"
    PAIN = "pain"


@dataclass(frozen=True)
class Heard:
    """Something heard by voice."""

    command: Command | int | None
    """A command, a 0-10 rating when listening for one, or None: speech that meant neither."""
    time: float
    """Seconds of audio consumed when the command was heard."""
    text: str
    """What the recognizer heard, for logs and `coach listen`."""
    ear: str = ""
    """Which microphone signal heard it ("plain" or "echo-free"), for logs."""
    why: str = ""
    """For speech that was not obeyed: why (turns.Why), for logs."""


class Playback(str, Enum):
    START = "start"
    END = "end"
    CUT = "cut"


@dataclass(frozen=True)
class PlaybackEvent:
    """What the speaker did with a text (or tone key), and when (monotonic seconds)."""

    kind: Playback
    tag: str
    monotonic: float
    latency: float = 0.0
    """For START: seconds until the first block is heard, as the sound server reports it."""


@dataclass(frozen=True)
class CueDue:
    """Say this timeline cue now."""

    cue: Cue


@dataclass(frozen=True)
class Announce:
    """Say this text now; it is not on the timeline (pause notice, warning signs)."""

    text: str


@dataclass(frozen=True)
class SpeechCut:
    """Fall silent at once."""


@dataclass(frozen=True)
class StatusChanged:
    status: Status
    previous: Status


@dataclass(frozen=True)
class Moved:
    """The position jumped (next, back, repeat, resume) to `position` in the timeline."""

    position: float
    command: Command


@dataclass(frozen=True)
class PainRecorded:
    """Commit to history before anything else is said."""

    position: float
    exercise: str


@dataclass(frozen=True)
class SessionEnded:
    """The exercises are over: commit the outcome (a rating after them may still be asked)."""

    outcome: Outcome


@dataclass(frozen=True)
class Began:
    """The first exercise begins: the session's row in history starts, with the rating before it."""

    pain_before: int | None


@dataclass(frozen=True)
class RatedAfter:
    """The rating after the exercises was given (None: skipped)."""

    pain_after: int | None


Event = CueDue | Announce | SpeechCut | StatusChanged | Moved | PainRecorded | SessionEnded | Began | RatedAfter
