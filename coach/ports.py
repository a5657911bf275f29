"""The ports the runner talks to. Adapters implement them; tests use hand-written fakes."""

from __future__ import annotations

from typing import Protocol

from coach.events import Command, Heard, Outcome, PlaybackEvent, Toggle
from coach.turns import Hold, Release, WaitForRepeat


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic clock."""

    def sleep(self, seconds: float) -> None: ...


class Speaker(Protocol):
    speaks: bool
    """Whether anything is heard: False for the silent speaker of --text (and after sound failed),
    which then cannot be talked over, and with which a question is only shown."""

    def say(self, text: str, volume: float = 1.0) -> None:
        """Queue text (or a tone key) to be played after what is queued, at `volume`; return at once."""

    def cut(self) -> bool:
        """Fall silent at once and forget what is queued; True if anything was cut."""

    def events(self) -> list[PlaybackEvent]:
        """What was started, ended and cut since the last call."""

    def wait_until_quiet(self, timeout: float) -> None:
        """Block until everything queued has been said (or the timeout passes)."""

    @property
    def busy(self) -> bool:
        """Whether anything queued is still to be said (held speech too)."""

    def hold(self, seconds: float) -> None:
        """Fall silent while the user speaks, keeping the place; for at most `seconds`."""

    def release(self) -> None:
        """Go on from where hold() stopped."""

    def close(self) -> None: ...


class CommandSource(Protocol):
    source: str

    def poll(self) -> list[Command | Toggle | Heard | Hold | Release | WaitForRepeat]:
        """Commands since the last poll, oldest first, and a voice's turn-taking decisions for the
        speaker (turns.py); never blocks. Raises DeviceError once if the
        source is lost (the runner then drops it and goes on with the others)."""

    def forget(self) -> None:
        """Drop what was heard and not yet polled: said while a question was asked, it answered
        the question (keys are not read meanwhile: the question reads them)."""

    def close(self) -> None: ...


class Questions(Protocol):
    def rating(self, question: str, t: float, speaker: Speaker) -> int | None:
        """Ask `question` (aloud with `speaker`, and on screen), and wait for a 0-10 answer, said
        or typed; None when it is skipped. `t`: the session time, for the log."""


class EchoCanceller(Protocol):
    sink: str
    """Where the coach plays, so that the canceller hears it as the reference."""
    source: str
    """The microphone with the coach's voice removed."""

    def close(self) -> None: ...


class Microphones(Protocol):
    """Opens what listens: the hands-free session asks, the composition root (app.py) builds."""

    device: str | None
    """The microphone asked for; None for the default."""
    personal: bool
    """Whether commands are heard with a voice learned by `coach learn`."""

    def is_available(self) -> bool:
        """Whether there is a microphone at all (not only the speaker's monitor)."""

    def echo_canceller(self) -> EchoCanceller | None:
        """Load the sound server's echo canceller; None where there is none."""

    def commands(self, coach: Speaker | None, echo_free_source: str | None) -> CommandSource:
        """Listen for commands, polite to `coach` (None: nothing to be polite to); raises DeviceError."""

    def numbers(self, vocabulary) -> CommandSource:
        """Listen for a spoken number or menu choice; raises DeviceError."""

    def close(self) -> None: ...


class Display(Protocol):
    def cue(self, at: float, text: str) -> None:
        """Show something the coach says."""

    def status(self, line: str) -> None:
        """Replace the one-line status (exercise, countdown, progress)."""

    def close(self) -> None: ...


class EventSink(Protocol):
    def write(self, t: float, event: str, **fields: object) -> None:
        """Record `event` at session time `t` (seconds), with its fields (README: the event log)."""

    def close(self) -> None: ...


class SessionRecorder(Protocol):
    def start(self, routine: str, title: str, pain_before: int | None) -> None: ...

    def progress(self, seconds: float) -> None: ...

    def pain(self, at_seconds: float, exercise: str) -> None: ...

    def finish(self, outcome: Outcome, seconds: float) -> None: ...

    def pain_after(self, rating: int | None) -> None: ...
