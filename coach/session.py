"""The session state machine: (state, now, command) -> (state, events). Pure: no I/O, no clock.

Rule: every (status, command) pair is in TRANSITIONS, as a handler or as IGNORE; a pair that is
missing is a bug and raises. Time moves only through `now`, given by the caller in seconds since
the session started. While running, the timeline position is `position + (now - since)`.

Meanings:
- pause: fall silent, hold the position; resume restarts the current rep, hold or breath.
- next / back: go to the start of the next / previous exercise or side (rests are skipped).
- repeat: restart the current rep, hold or breath and say its cue again; after pain, repeat
  says the warning signs again.
- stop: end the session. pain: fall silent, record, say the warning signs, wait paused.
- After pain, only resume (or stop, pain, repeat) acts: exercise starts again only when asked
  for in so many words, never on a next or back, which a misheard "stop now" can be.

The pain ratings are phases of the session: with `ask_ratings`, it starts in RATING_BEFORE and
the exercises begin only once `answer` gives the rating (or None, skipped); when they are over it
goes to RATING_AFTER (the outcome already recorded) and finishes once that rating is answered.
While a question is asked, commands have no effect: the answer is the only input.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Callable

from coach import content
from coach.events import (Announce, Began, Command, CueDue, Event, Moved, Outcome, PainRecorded, RatedAfter,
                          SessionEnded, SpeechCut, Status, StatusChanged)
from coach.timeline import Segment, SegmentKind, Timeline, Unit


class IllegalTransition(Exception):
    """A (status, command) pair that the table does not define: a bug in the table."""


@dataclass(frozen=True)
class SessionState:
    status: Status
    position: float
    since: float
    next_cue: int
    outcome: Outcome | None = None
    pain_events: int = 0
    ask_after: bool = False
    """Whether the rating after the exercises is asked before the session finishes."""

    def position_at(self, now: float) -> float:
        if self.status is Status.RUNNING:
            return self.position + max(0.0, now - self.since)
        return self.position


Result = tuple[SessionState, list[Event]]
Handler = Callable[[Timeline, SessionState, float, Command], Result]


QUESTIONS = {Status.RATING_BEFORE: content.RATING_BEFORE, Status.RATING_AFTER: content.RATING_AFTER}
EXERCISING = (Status.RUNNING, Status.PAUSED, Status.PAIN)


def start(timeline: Timeline, now: float = 0.0, ask_ratings: bool = False) -> Result:
    """A new session: asking the rating before it, or running from the first cue."""
    if ask_ratings:
        return SessionState(Status.RATING_BEFORE, 0.0, now, 0, ask_after=True), []
    state, due = advance(timeline, SessionState(Status.RUNNING, 0.0, now, 0), now)
    return state, [Began(None), *due]


def question(state: SessionState) -> str | None:
    """What the session asks now, if it is asking."""
    return QUESTIONS.get(state.status)


def answer(timeline: Timeline, state: SessionState, now: float, rating: int | None) -> Result:
    """The rating asked for (None: skipped): the exercises begin, or the session finishes."""
    if state.status is Status.RATING_BEFORE:
        state, changed = _set_status(replace(state, since=now), Status.RUNNING)
        state, due = advance(timeline, state, now)
        return state, [Began(rating), *changed, *due]
    if state.status is Status.RATING_AFTER:
        state, changed = _set_status(state, Status.FINISHED)
        return state, [*changed, RatedAfter(rating)]
    raise IllegalTransition(f"an answer in {state.status.value}")


def step(timeline: Timeline, state: SessionState, now: float, command: Command | None = None) -> Result:
    """Advance the clock to `now`, then apply `command` if one was given."""
    state, events = advance(timeline, state, now)
    if command is None:
        return state, events
    try:
        handler = TRANSITIONS[(state.status, command)]
    except KeyError:
        raise IllegalTransition(f"{command.value} in {state.status.value}") from None
    if handler is IGNORE:
        return state, events
    state, more = handler(timeline, state, now, command)
    return state, events + more


def advance(timeline: Timeline, state: SessionState, now: float) -> Result:
    """Emit every cue that has come due; finish when the timeline is done."""
    if state.status is not Status.RUNNING:
        return state, []
    position = state.position_at(now)
    cues = timeline.cues
    end = state.next_cue
    while end < len(cues) and cues[end].at <= position:
        end += 1
    events: list[Event] = [CueDue(c) for c in cues[state.next_cue:end]]
    state = replace(state, position=position, since=now, next_cue=end)
    if position >= timeline.duration:
        state, more = _finish(state, Outcome.COMPLETED)
        events += more
    return state, events


def current_unit(timeline: Timeline, position: float) -> int:
    return max(0, bisect.bisect_right(timeline.unit_starts, position) - 1)


def current_segment(timeline: Timeline, position: float) -> int:
    return timeline.units[current_unit(timeline, position)].segment


# --- handlers -----------------------------------------------------------------------------

def IGNORE(timeline: Timeline, state: SessionState, now: float, command: Command) -> Result:  # noqa: N802
    return state, []


def _pause(timeline: Timeline, state: SessionState, now: float, command: Command) -> Result:
    state, events = _set_status(state, Status.PAUSED)
    return state, [SpeechCut(), *events, Announce(timeline.prompts.paused)]


def _resume(timeline: Timeline, state: SessionState, now: float, command: Command) -> Result:
    unit = timeline.units[current_unit(timeline, state.position)]
    return _jump(timeline, state, now, unit.start, command)


def _repeat(timeline: Timeline, state: SessionState, now: float, command: Command) -> Result:
    return _resume(timeline, state, now, command)


def _next(timeline: Timeline, state: SessionState, now: float, command: Command) -> Result:
    segment = current_segment(timeline, state.position)
    later = [s for s in timeline.segments[segment + 1:] if not s.is_rest]
    target = later[0].start if later else timeline.segments[-1].start
    return _jump(timeline, state, now, target, command)


def _back(timeline: Timeline, state: SessionState, now: float, command: Command) -> Result:
    segment = current_segment(timeline, state.position)
    earlier = [s for s in timeline.segments[:segment] if s.kind not in (SegmentKind.REST, SegmentKind.END)]
    target = earlier[-1].start if earlier else timeline.segments[segment].start
    return _jump(timeline, state, now, target, command)


def _stop(timeline: Timeline, state: SessionState, now: float, command: Command) -> Result:
    outcome = Outcome.PAIN if state.status is Status.PAIN else Outcome.STOPPED
    state, events = _finish(state, outcome)
    return state, [SpeechCut(), Announce(content.STOPPED), *events]


def _pain(timeline: Timeline, state: SessionState, now: float, command: Command) -> Result:
    exercise = timeline.segments[current_segment(timeline, state.position)].exercise
    state = replace(state, pain_events=state.pain_events + 1)
    state, changed = _set_status(state, Status.PAIN)
    warnings = [Announce(line) for line in content.pain_protocol_lines(timeline.prompts)]
    return state, [SpeechCut(), PainRecorded(round(state.position, 3), exercise), *changed, *warnings]


def _say_warnings_again(timeline: Timeline, state: SessionState, now: float, command: Command) -> Result:
    return state, [SpeechCut(), *[Announce(line) for line in content.pain_protocol_lines(timeline.prompts)[1:]]]


def _jump(timeline: Timeline, state: SessionState, now: float, target: float, command: Command) -> Result:
    first_cue = bisect.bisect_left(timeline.cue_times, target)
    moved = replace(state, position=target, since=now, next_cue=first_cue)
    moved, changed = _set_status(moved, Status.RUNNING)
    moved, due = advance(timeline, moved, now)
    return moved, [SpeechCut(), *changed, Moved(target, command), *due]


def _set_status(state: SessionState, status: Status) -> tuple[SessionState, list[Event]]:
    if state.status is status:
        return state, []
    return replace(state, status=status), [StatusChanged(status, state.status)]


def _finish(state: SessionState, outcome: Outcome) -> Result:
    state, events = _set_status(state, Status.RATING_AFTER if state.ask_after else Status.FINISHED)
    return replace(state, outcome=outcome), [*events, SessionEnded(outcome)]


R, P, H, F = Status.RUNNING, Status.PAUSED, Status.PAIN, Status.FINISHED
C = Command
ASKING = {(asking, command): IGNORE for asking in QUESTIONS for command in Command}
TRANSITIONS: dict[tuple[Status, Command], Handler] = {
    **ASKING,
    (R, C.PAUSE): _pause,  (R, C.RESUME): IGNORE,  (R, C.NEXT): _next,  (R, C.BACK): _back,
    (R, C.REPEAT): _repeat, (R, C.STOP): _stop,    (R, C.PAIN): _pain,
    (P, C.PAUSE): IGNORE,  (P, C.RESUME): _resume, (P, C.NEXT): _next,  (P, C.BACK): _back,
    (P, C.REPEAT): _repeat, (P, C.STOP): _stop,    (P, C.PAIN): _pain,
    (H, C.PAUSE): IGNORE,  (H, C.RESUME): _resume, (H, C.NEXT): IGNORE, (H, C.BACK): IGNORE,
    (H, C.REPEAT): _say_warnings_again, (H, C.STOP): _stop, (H, C.PAIN): _pain,
    (F, C.PAUSE): IGNORE,  (F, C.RESUME): IGNORE,  (F, C.NEXT): IGNORE, (F, C.BACK): IGNORE,
    (F, C.REPEAT): IGNORE, (F, C.STOP): IGNORE,    (F, C.PAIN): IGNORE,
}
del R, P, H, F, C, ASKING


def unit_at(timeline: Timeline, position: float) -> Unit:
    return timeline.units[current_unit(timeline, position)]


def segment_at(timeline: Timeline, position: float) -> Segment:
    return timeline.segments[current_segment(timeline, position)]
