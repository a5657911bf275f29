"""The loop: reads the clock and the command sources, feeds the core, sends its events to ports."""

from __future__ import annotations

import time
from dataclasses import dataclass

from coach import content, session, turns
from coach.errors import DeviceError
from coach.events import (Announce, Began, Command, CueDue, Event, Heard, Moved, Outcome, PainRecorded, Playback,
                          RatedAfter, SessionEnded, SpeechCut, Status, StatusChanged, Toggle)
from coach.ports import Clock, CommandSource, Display, EventSink, Questions, SessionRecorder, Speaker
from coach.session import SessionState
from coach.timeline import Timeline, UnitKind

# The loop wakes at least this often (seconds of session time) to read commands and redraw.
TICK = 0.02
# How often the session's length is saved while it runs (and at every move, pause and pain).
SAVE_EVERY = 5.0
# At the end, how long to let the last words finish.
LAST_WORDS_TIMEOUT = 30.0


class SilentSpeaker:
    """The speaker for `--text`, and the fallback when sound fails: the display shows every word."""

    speaks = False

    def say(self, text: str, volume: float = 1.0) -> None:
        pass

    def cut(self) -> bool:
        return False

    def events(self) -> list:
        return []

    def wait_until_quiet(self, timeout: float) -> None:
        pass

    busy = False

    def hold(self, seconds: float) -> None:
        pass

    def release(self) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class Ports:
    clock: Clock
    speaker: Speaker
    display: Display
    recorder: SessionRecorder
    sources: list[CommandSource]
    log: EventSink
    questions: Questions | None = None
    """Who asks the pain ratings before and after; None: they are not asked."""


class Runner:
    def __init__(self, timeline: Timeline, ports: Ports):
        self.timeline = timeline
        self.ports = ports
        self._origin = 0.0
        self._saved_at = 0.0
        self.notices: list[str] = []

    def run(self) -> SessionState:
        """Ask the rating before (with questions), run the exercises, ask the rating after; on
        Ctrl-C during the exercises, save the session as interrupted and re-raise."""
        p = self.ports
        self._origin = p.clock.now()  # until the exercises begin: for what is said during the question
        state, events = session.start(self.timeline, 0.0, ask_ratings=p.questions is not None)
        if state.status is Status.RATING_BEFORE:
            state, events = session.answer(self.timeline, state, 0.0, self._ask(state, 0.0))
        self._origin = p.clock.now()  # session time is the exercises' time, as in history
        p.log.write(0.0, "session_start", routine=self.timeline.routine, monotonic=round(time.monotonic(), 4))
        try:
            self._handle(events, 0.0)
            while state.status in session.EXERCISING:
                state = self._turn(state)
            self._last_words()
            self._log_playback()
            p.log.write(self.now(), "session_end", outcome=state.outcome.value)
        except KeyboardInterrupt:
            if state.outcome is None:
                p.speaker.cut()
                p.recorder.finish(Outcome.INTERRUPTED, self.now())
                p.log.write(self.now(), "session_end", outcome=Outcome.INTERRUPTED.value)
            raise
        if state.status is Status.RATING_AFTER:
            p.display.close()  # the status line is done: the question takes its place
            now = self.now()
            state, events = session.answer(self.timeline, state, now, self._ask(state, now))
            self._handle(events, now)
        return state

    def _ask(self, state: SessionState, now: float) -> int | None:
        """The session's question, answered; what the command sources heard meanwhile answered it."""
        rating = self.ports.questions.rating(session.question(state), now, self.ports.speaker)
        for source in self.ports.sources:
            source.forget()
        return rating

    def _turn(self, state: SessionState) -> SessionState:
        now = self.now()
        for item, source in self._poll(now):
            if isinstance(item, turns.FLOOR):
                self._give_floor(item, now)
                continue
            command, heard = (item.command, _heard_fields(item)) if isinstance(item, Heard) else (item, {})
            if command is None:
                self.ports.log.write(now, "overheard", source=source, **heard)
                if item.text:
                    self.ports.display.cue(now, content.OVERHEARD.format(text=item.text))
                continue
            if isinstance(command, Toggle):
                command = Command.PAUSE if state.status is Status.RUNNING else Command.RESUME
            self.ports.log.write(now, "command", command=command.value, source=source, **heard)
            state, events = session.step(self.timeline, state, now, command)
            self._handle(events, now)
        state, events = session.step(self.timeline, state, now)
        self._handle(events, now)
        self._log_playback()
        self.ports.display.status(status_line(self.timeline, state, now))
        if now - self._saved_at >= SAVE_EVERY:
            self._save_length(now)
        if state.status in session.EXERCISING:
            self.ports.clock.sleep(self._sleep_for(state, now))
        return state

    def _last_words(self) -> None:
        """Let the last words finish, still giving the floor to a user who speaks over them."""
        deadline = time.monotonic() + LAST_WORDS_TIMEOUT  # not session time: --speed does not hurry speech
        while self.ports.speaker.busy and time.monotonic() < deadline:
            for item, _ in self._poll(self.now()):
                if isinstance(item, turns.FLOOR):
                    self._give_floor(item, self.now())
            time.sleep(TICK)

    def _give_floor(self, decision, now: float) -> None:
        """Turn-taking's decisions (turns.py) to the speaker and the log."""
        p = self.ports
        if isinstance(decision, turns.Release):
            p.speaker.release()
            p.log.write(now, "speech_released", reason="talk", ear=decision.ear.value)
            return
        p.speaker.hold(decision.seconds)
        if isinstance(decision, turns.Hold):
            p.log.write(now, "speech_held", reason=decision.reason.value, seconds=decision.seconds, ear=decision.ear.value)
        else:
            p.log.write(now, "speech_held", reason="repeat", why=decision.why.value, seconds=decision.seconds,
                        ear=decision.ear.value)

    def _poll(self, now: float) -> list[tuple[Command | Toggle | Heard | turns.Decision, str]]:
        polled = []
        for source in list(self.ports.sources):
            try:
                polled += [(item, source.source) for item in source.poll()]
            except DeviceError as error:  # the microphone went away: say so once, keys go on
                self.ports.sources.remove(source)
                self.ports.log.write(now, "listening_lost", error=str(error))
                self.ports.display.cue(now, f"[{error}]")
                self.notices.append(str(error))
                source.close()
        return polled

    def now(self) -> float:
        return self.ports.clock.now() - self._origin

    def _sleep_for(self, state: SessionState, now: float) -> float:
        if state.status is not Status.RUNNING or state.next_cue >= len(self.timeline.cues):
            return TICK
        until_cue = self.timeline.cues[state.next_cue].at - state.position_at(now)
        return max(0.0, min(TICK, until_cue))

    def _handle(self, events: list[Event], now: float) -> None:
        for event in events:
            self._handle_one(event, now)

    def _handle_one(self, event: Event, now: float) -> None:
        p = self.ports
        if isinstance(event, CueDue):
            extra = {"volume": event.cue.volume} if event.cue.volume != 1.0 else {}
            if event.cue.sound:
                extra["sound"] = event.cue.sound
            p.log.write(now, "cue_start", text=event.cue.text, at=event.cue.at, **extra)
            p.display.cue(now, event.cue.text)
            self._say(event.cue.played, now, event.cue.volume)
        elif isinstance(event, Announce):
            p.log.write(now, "announce", text=event.text)
            p.display.cue(now, event.text)
            self._say(event.text, now)
        elif isinstance(event, SpeechCut):
            if p.speaker.cut():
                p.log.write(now, "speech_stopped")
        elif isinstance(event, PainRecorded):
            p.recorder.pain(event.position, event.exercise)  # committed before any word is said
            self._save_length(now)
            p.log.write(now, "pain", at=event.position, exercise=event.exercise)
        elif isinstance(event, StatusChanged):
            if event.previous is not Status.RATING_AFTER:  # the last words and the rating after are not exercise
                self._save_length(now)
            p.log.write(now, "state", state=event.status.value)
        elif isinstance(event, Moved):
            self._save_length(now)
            p.log.write(now, "moved", position=event.position, command=event.command.value)
        elif isinstance(event, SessionEnded):
            p.recorder.finish(event.outcome, now)  # the log's session_end follows the last words
        elif isinstance(event, Began):
            p.recorder.start(self.timeline.routine, self.timeline.title, event.pain_before)
        elif isinstance(event, RatedAfter):
            p.recorder.pain_after(event.pain_after)


    def _save_length(self, now: float) -> None:
        self.ports.recorder.progress(now)
        self._saved_at = now

    def _say(self, text: str, now: float, volume: float = 1.0) -> None:
        """Speak; if the speaker fails mid-session, say so once and go on with the screen."""
        try:
            self.ports.speaker.say(text, volume)
        except DeviceError as error:
            self.ports.speaker = SilentSpeaker()
            self.ports.log.write(now, "speech_lost", error=str(error))
            self.ports.display.cue(now, f"[{error}]")
            self.notices.append(str(error))

    def _log_playback(self) -> None:
        """Turn the speaker's start/end notes into log lines on the session clock."""
        now, wall = self.now(), time.monotonic()
        for event in self.ports.speaker.events():
            t = now - max(0.0, wall - event.monotonic)
            if event.kind is Playback.START:
                self.ports.log.write(t, "speech_start", text=event.tag, latency=round(event.latency, 4))
            elif event.kind is Playback.END:
                self.ports.log.write(t, "cue_end", text=event.tag)


def _heard_fields(heard: Heard) -> dict:
    fields = {"heard": heard.text, "ear": heard.ear, "why": heard.why}
    return {name: value for name, value in fields.items() if value or name == "heard"}


def status_line(timeline: Timeline, state: SessionState, now: float) -> str:
    """One line: the session's time (as on every cue line and in history), where it is, what is
    being counted, and how far through the routine it is."""
    position = min(state.position_at(now), timeline.duration)
    segment = session.segment_at(timeline, position)
    unit = session.unit_at(timeline, position)
    detail = unit.label
    if unit.kind in (UnitKind.HOLD, UnitKind.REST):
        detail = f"{unit.label} {max(0, round(unit.end - position))} s"
    flag = {Status.PAUSED: "PAUSED", Status.PAIN: "PAUSED (pain)", Status.RATING_AFTER: "done", Status.FINISHED: "done"}.get(state.status)
    through = round(100 * position / timeline.duration) if timeline.duration else 100
    parts = [p for p in (flag, segment.label, detail, f"{through}% through") if p]
    return f"{_clock(now)}  " + " | ".join(parts)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"
