"""The session core: every (status, command) pair, and whole sessions replayed in milliseconds."""

from __future__ import annotations

import itertools

import pytest

from coach import session
from coach.content import KEY_PROMPTS, RATING_AFTER, RATING_BEFORE, pain_protocol_lines
from coach.events import (Announce, Began, Command, CueDue, Moved, Outcome, PainRecorded, RatedAfter, SessionEnded,
                          SpeechCut, Status, StatusChanged)
from coach.session import TRANSITIONS, SessionState
from tests.conftest import builtin_timeline

TIMELINE = builtin_timeline("bird-dog")


def state_in(status: Status, position: float = 40.0) -> SessionState:
    """A session at `position` in the given status (reached through real commands and answers)."""
    if status is Status.RATING_BEFORE:
        return session.start(TIMELINE, 0.0, ask_ratings=True)[0]
    if status is Status.RATING_AFTER:
        state, _ = session.answer(TIMELINE, state_in(Status.RATING_BEFORE), 0.0, 5)
        return session.step(TIMELINE, state, position, Command.STOP)[0]
    state, _ = session.start(TIMELINE, 0.0)
    state, _ = session.step(TIMELINE, state, position)
    command = {Status.PAUSED: Command.PAUSE, Status.PAIN: Command.PAIN, Status.FINISHED: Command.STOP}.get(status)
    if command:
        state, _ = session.step(TIMELINE, state, position, command)
    assert state.status is status
    return state


def cue_texts(events) -> list[str]:
    return [e.cue.text for e in events if isinstance(e, CueDue)]


def test_the_table_defines_every_status_and_command():
    assert set(TRANSITIONS) == set(itertools.product(Status, Command))


@pytest.mark.parametrize("status, command", list(itertools.product(Status, Command)))
def test_every_pair_has_its_defined_effect(status, command):
    state = state_in(status)
    unit = session.unit_at(TIMELINE, state.position)
    after, events = session.step(TIMELINE, state, 40.0, command)
    expected_status = {
        Command.PAUSE: {Status.RUNNING: Status.PAUSED},
        Command.RESUME: {Status.PAUSED: Status.RUNNING, Status.PAIN: Status.RUNNING},
        Command.NEXT: {Status.PAUSED: Status.RUNNING},
        Command.BACK: {Status.PAUSED: Status.RUNNING},
        Command.REPEAT: {Status.PAUSED: Status.RUNNING},
        Command.STOP: {s: Status.FINISHED for s in session.EXERCISING},
        Command.PAIN: {s: Status.PAIN for s in session.EXERCISING},
    }[command].get(status, status)
    assert after.status is expected_status
    if status not in session.EXERCISING:  # finished, or asking: the answer is the only input
        assert events == [] and after == state
    elif command is Command.PAIN:
        assert isinstance(events[0], SpeechCut) and isinstance(events[1], PainRecorded)
        assert [e.text for e in events if isinstance(e, Announce)] == pain_protocol_lines()
    elif command is Command.STOP:
        assert after.outcome is (Outcome.PAIN if status is Status.PAIN else Outcome.STOPPED)
        assert events[-1] == SessionEnded(after.outcome)
    elif command is Command.REPEAT and status is Status.PAIN:
        assert [e.text for e in events if isinstance(e, Announce)] == pain_protocol_lines()[1:]
    elif command in (Command.REPEAT, Command.RESUME) and status is not Status.RUNNING or \
            command is Command.REPEAT:
        assert after.position == unit.start
        assert any(isinstance(e, Moved) for e in events)
    elif command is Command.PAUSE and status is Status.RUNNING:
        assert events[0] == SpeechCut() and events[-1] == Announce(KEY_PROMPTS.paused)
    elif command in (Command.NEXT, Command.BACK) and status is not Status.PAIN:
        assert isinstance(events[0], SpeechCut) and any(isinstance(e, Moved) for e in events)
    else:
        assert events == [] and after == state


def test_a_session_left_alone_says_every_cue_once_and_completes():
    state, events = session.start(TIMELINE, 0.0)
    said = cue_texts(events)
    now = 0.0
    while state.status is not Status.FINISHED:
        now += 0.05
        state, events = session.step(TIMELINE, state, now)
        said += cue_texts(events)
    assert said == [c.text for c in TIMELINE.cues]
    assert state.outcome is Outcome.COMPLETED
    assert now == pytest.approx(TIMELINE.duration, abs=0.06)


def test_cues_are_emitted_when_due_not_before():
    state, events = session.start(TIMELINE, 0.0)
    second = TIMELINE.cues[1]
    state, events = session.step(TIMELINE, state, second.at - 0.01)
    assert second.text not in cue_texts(events)
    state, events = session.step(TIMELINE, state, second.at)
    assert cue_texts(events) == [second.text]


def test_pause_holds_the_position_and_resume_restarts_the_rep():
    state, _ = session.start(TIMELINE, 0.0)
    state, _ = session.step(TIMELINE, state, 40.0, Command.PAUSE)
    state, events = session.step(TIMELINE, state, 100.0)
    assert events == [] and state.position == pytest.approx(40.0)
    unit = session.unit_at(TIMELINE, 40.0)
    state, events = session.step(TIMELINE, state, 100.0, Command.RESUME)
    assert state.position == unit.start
    first_cue = next(c for c in TIMELINE.cues if c.at >= unit.start)
    assert cue_texts(events) == [first_cue.text]


def test_repeat_says_the_current_reps_cue_again():
    state, events = session.start(TIMELINE, 0.0)
    unit = next(u for u in TIMELINE.units if u.label == "rep 2 of 5")
    state, _ = session.step(TIMELINE, state, unit.start + 1.0)
    state, events = session.step(TIMELINE, state, unit.start + 1.0, Command.REPEAT)
    assert cue_texts(events) == ["2. Reach."]


def test_next_skips_to_the_other_side_and_back_returns():
    state, _ = session.start(TIMELINE, 0.0)
    first_side = TIMELINE.segments[2]  # after the introduction and getting into position
    assert first_side.label.endswith("right arm and left leg")
    state, _ = session.step(TIMELINE, state, first_side.start + 5)
    state, events = session.step(TIMELINE, state, first_side.start + 5, Command.NEXT)
    assert cue_texts(events) == ["Change sides: left arm and right leg."]
    state, events = session.step(TIMELINE, state, first_side.start + 6, Command.BACK)
    assert state.position == first_side.start


def test_next_skips_rests_and_next_at_the_last_exercise_goes_to_the_end():
    state, _ = session.start(TIMELINE, 0.0)
    rest = next(s for s in TIMELINE.segments if s.is_rest)
    state, _ = session.step(TIMELINE, state, rest.start + 1)
    state, _ = session.step(TIMELINE, state, rest.start + 1, Command.NEXT)
    assert not session.segment_at(TIMELINE, state.position).is_rest
    for _ in range(10):
        state, events = session.step(TIMELINE, state, rest.start + 2, Command.NEXT)
    assert session.segment_at(TIMELINE, state.position).label == "End"


def test_back_in_a_rest_goes_to_the_exercise_just_done():
    state, _ = session.start(TIMELINE, 0.0)
    rest_index = next(i for i, s in enumerate(TIMELINE.segments) if s.is_rest)
    state, _ = session.step(TIMELINE, state, TIMELINE.segments[rest_index].start + 2)
    state, _ = session.step(TIMELINE, state, TIMELINE.segments[rest_index].start + 2, Command.BACK)
    assert state.position == TIMELINE.segments[rest_index - 1].start


def test_pain_then_resume_continues_and_the_session_can_still_complete():
    state, _ = session.start(TIMELINE, 0.0)
    state, events = session.step(TIMELINE, state, 50.0, Command.PAIN)
    pain = next(e for e in events if isinstance(e, PainRecorded))
    assert pain.exercise == "Bird dog" and pain.position == pytest.approx(50.0)
    state, _ = session.step(TIMELINE, state, 500.0)
    assert state.status is Status.PAIN
    state, _ = session.step(TIMELINE, state, 500.0, Command.RESUME)
    state, _ = session.step(TIMELINE, state, 500.0 + TIMELINE.duration)
    assert state.outcome is Outcome.COMPLETED and state.pain_events == 1


def test_next_during_a_setup_starts_the_first_set_and_back_hears_the_setup_again():
    timeline = builtin_timeline("pelvic-tilt-90-90")
    setup = next(c for c in timeline.cues if c.text.startswith("Lie on your back"))
    first_rep = next(c for c in timeline.cues if c.text.startswith("Rep 1 of"))
    state, _ = session.start(timeline, 0.0)
    state, _ = session.step(timeline, state, setup.at + 1)
    state, events = session.step(timeline, state, setup.at + 1, Command.NEXT)
    assert session.segment_at(timeline, state.position).label == "90-90 pelvic tilt, set 1 of 2"
    assert state.position == first_rep.at and cue_texts(events) == ["Rep 1 of 5. Tilt."]
    state, events = session.step(timeline, state, setup.at + 2, Command.BACK)
    assert session.segment_at(timeline, state.position).label == "90-90 pelvic tilt, getting into position"


def test_with_ratings_the_exercises_begin_once_the_rating_before_is_answered():
    state, events = session.start(TIMELINE, 0.0, ask_ratings=True)
    assert (state.status, events, session.question(state)) == (Status.RATING_BEFORE, [], RATING_BEFORE)
    assert session.step(TIMELINE, state, 30.0) == (state, [])  # time asking is not exercise time
    state, events = session.answer(TIMELINE, state, 30.0, 6)
    assert events[0] == Began(6) and StatusChanged(Status.RUNNING, Status.RATING_BEFORE) in events
    assert cue_texts(events) == [TIMELINE.cues[0].text] and state.position_at(31.0) == 1.0
    assert session.question(state) is None


def test_with_ratings_the_rating_after_is_asked_once_the_outcome_is_known():
    state, _ = session.answer(TIMELINE, session.start(TIMELINE, 0.0, ask_ratings=True)[0], 0.0, None)
    state, events = session.step(TIMELINE, state, TIMELINE.duration + 1)
    assert state.status is Status.RATING_AFTER and state.outcome is Outcome.COMPLETED
    assert events[-1] == SessionEnded(Outcome.COMPLETED) and session.question(state) == RATING_AFTER
    state, events = session.answer(TIMELINE, state, TIMELINE.duration + 9, 3)
    assert state.status is Status.FINISHED and state.outcome is Outcome.COMPLETED
    assert events == [StatusChanged(Status.FINISHED, Status.RATING_AFTER), RatedAfter(3)]


def test_without_ratings_the_session_begins_at_once_and_ends_finished():
    state, events = session.start(TIMELINE, 0.0)
    assert events[0] == Began(None) and state.status is Status.RUNNING
    state, _ = session.step(TIMELINE, state, 5.0, Command.STOP)
    assert state.status is Status.FINISHED


@pytest.mark.parametrize("status", list(session.EXERCISING) + [Status.FINISHED])
def test_an_answer_when_nothing_was_asked_is_a_bug(status):
    with pytest.raises(session.IllegalTransition):
        session.answer(TIMELINE, state_in(status), 40.0, 4)
