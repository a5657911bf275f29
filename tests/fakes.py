"""Hand-written fakes that record what happened. Only the clock is faked for control."""

from __future__ import annotations

from coach.events import Command, Outcome


class FakeClock:
    """Time moves only when the runner sleeps."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 0.001)


class RecordingSpeaker:
    speaks = False  # nothing is heard: it cannot be talked over

    def __init__(self) -> None:
        self.said: list[str] = []
        self.volumes: list[float] = []
        self.cuts = 0
        self.holds: list[float | None] = []
        """Seconds of each hold, None for a release."""

    def say(self, text: str, volume: float = 1.0) -> None:
        self.said.append(text)
        self.volumes.append(volume)

    def cut(self) -> bool:
        self.cuts += 1
        return True

    def events(self) -> list:
        return []

    def wait_until_quiet(self, timeout: float) -> None:
        pass

    busy = False

    def hold(self, seconds: float) -> None:
        self.holds.append(seconds)

    def release(self) -> None:
        self.holds.append(None)

    def close(self) -> None:
        pass


class ScriptedCommands:
    """Gives each scripted command once the clock has reached its time."""

    def __init__(self, clock: FakeClock, script: list[tuple[float, Command]], source: str = "voice"):
        self.clock = clock
        self.script = sorted(script, key=lambda item: item[0])
        self.source = source
        self.forgotten = 0

    def poll(self) -> list[Command]:
        due = [c for t, c in self.script if t <= self.clock.now()]
        self.script = [(t, c) for t, c in self.script if t > self.clock.now()]
        return due

    def forget(self) -> None:
        self.forgotten += 1

    def close(self) -> None:
        pass


class ScriptedAnswers:
    """The Questions port: each rating question answered with the next of `answers`, taking
    `seconds` of the clock (a person thinking)."""

    def __init__(self, clock: FakeClock, answers: list[int | None], seconds: float = 4.0):
        self.clock, self.answers, self.seconds = clock, list(answers), seconds
        self.asked: list[tuple[str, float]] = []

    def rating(self, question: str, t: float, speaker) -> int | None:
        self.asked.append((question, t))
        self.clock.sleep(self.seconds)
        return self.answers.pop(0)


class ListDisplay:
    def __init__(self) -> None:
        self.cues: list[tuple[float, str]] = []
        self.lines: list[str] = []

    def cue(self, at: float, text: str) -> None:
        self.cues.append((at, text))

    def status(self, line: str) -> None:
        self.lines.append(line)

    def close(self) -> None:
        pass


class MemoryRecorder:
    def __init__(self, speaker: RecordingSpeaker | None = None) -> None:
        self.speaker = speaker
        self.pains: list[tuple[float, str, int]] = []
        self.outcome: Outcome | None = None
        self.seconds = 0.0
        self.started: tuple[str, str, int | None] | None = None
        self.pain_after_rating: int | None = None

    def start(self, routine: str, title: str, pain_before: int | None) -> None:
        self.started = (routine, title, pain_before)

    def progress(self, seconds: float) -> None:
        self.seconds = seconds

    def pain(self, at_seconds: float, exercise: str) -> None:
        words_before = len(self.speaker.said) if self.speaker else 0
        self.pains.append((at_seconds, exercise, words_before))

    def finish(self, outcome: Outcome, seconds: float) -> None:
        self.outcome, self.seconds = outcome, seconds

    def pain_after(self, rating: int | None) -> None:
        self.pain_after_rating = rating
