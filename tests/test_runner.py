"""The runner with a fake clock: whole sessions, commands at set times, pain recorded first."""

from __future__ import annotations

import json

import pytest

from coach.content import PAIN_HEARD, RATING_AFTER, RATING_BEFORE
from coach.eventlog import EventLog
from coach.events import Command, Heard, Outcome, Status
from coach.runner import Ports, Runner, status_line
from coach.session import start, step
from tests.conftest import builtin_timeline
from tests.fakes import FakeClock, ListDisplay, MemoryRecorder, RecordingSpeaker, ScriptedAnswers, ScriptedCommands


def run(name: str, script: list[tuple[float, Command]], log_path=None):
    clock = FakeClock()
    speaker = RecordingSpeaker()
    recorder = MemoryRecorder(speaker)
    display = ListDisplay()
    ports = Ports(clock, speaker, display, recorder, [ScriptedCommands(clock, script)], EventLog(log_path))
    state = Runner(builtin_timeline(name), ports).run()
    ports.log.close()
    return state, speaker, recorder, display, clock


def test_a_whole_session_is_spoken_in_order_on_time():
    timeline = builtin_timeline("pelvic-tilt-90-90")
    state, speaker, recorder, display, clock = run("pelvic-tilt-90-90", [])
    assert speaker.said == [c.text for c in timeline.cues]
    assert recorder.outcome is Outcome.COMPLETED
    late = [t - c.at for (t, _), c in zip(display.cues, timeline.cues)]
    assert max(late) < 0.03 and min(late) >= 0


def test_pain_is_recorded_before_any_warning_is_said(tmp_path):
    state, speaker, recorder, *_ = run("dead-bug", [(30.0, Command.PAIN), (60.0, Command.STOP)])
    (at, exercise, words_before) = recorder.pains[0]
    assert exercise == "Dead bug, heel taps" and at == pytest.approx(30.0, abs=0.03)
    assert speaker.said[words_before] == PAIN_HEARD
    assert recorder.outcome is Outcome.PAIN


def test_the_log_has_one_json_object_per_event(tmp_path):
    log = tmp_path / "events.jsonl"
    run("breathing-4-7-8", [(20.0, Command.PAUSE), (25.0, Command.RESUME), (30.0, Command.STOP)], log)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    kinds = [e["event"] for e in events]
    assert {"cue_start", "command", "state", "speech_stopped", "session_end"} <= set(kinds)
    assert all(isinstance(e["t"], float | int) for e in events)
    commands = [(e["command"], e["source"]) for e in events if e["event"] == "command"]
    assert commands == [("pause", "voice"), ("resume", "voice"), ("stop", "voice")]
    assert events[-1] == {"t": pytest.approx(30.0, abs=0.03), "event": "session_end", "outcome": "stopped"}


def test_ctrl_c_saves_the_session_as_interrupted():
    class CtrlC(ScriptedCommands):
        def poll(self):
            if self.clock.now() > 12:
                raise KeyboardInterrupt
            return []

    clock = FakeClock()
    recorder = MemoryRecorder()
    speaker = RecordingSpeaker()
    ports = Ports(clock, speaker, ListDisplay(), recorder, [CtrlC(clock, [])], EventLog(None))
    with pytest.raises(KeyboardInterrupt):
        Runner(builtin_timeline("bird-dog"), ports).run()
    assert recorder.outcome is Outcome.INTERRUPTED and recorder.seconds == pytest.approx(12, abs=0.1)
    assert speaker.cuts >= 1


def test_status_line_shows_exercise_rep_and_progress():
    timeline = builtin_timeline("bird-dog")
    unit = next(u for u in timeline.units if u.label == "rep 3 of 5")
    state, _ = start(timeline, 0.0)
    line = status_line(timeline, state, unit.start + 0.5)
    assert "Bird dog, set 1 of 2, right arm and left leg" in line and "rep 3 of 5" in line
    assert line.startswith(f"00:{int(unit.start + 0.5):02d}  ")  # the session's time, as on cue lines
    assert line.endswith(f"| {round(100 * (unit.start + 0.5) / timeline.duration)}% through")


def test_the_status_line_keeps_the_session_clock_while_paused():
    timeline = builtin_timeline("bird-dog")
    state, _ = start(timeline, 0.0)
    state, _ = step(timeline, state, 30.0, Command.PAUSE)
    line = status_line(timeline, state, 95.0)
    assert line.startswith("01:35  PAUSED | ") and line.endswith(f"| {round(3000 / timeline.duration)}% through")


def test_a_command_word_heard_but_not_taken_is_shown_and_not_obeyed():
    overheard = Heard(None, 0.0, "back", "echo-free")
    noise = Heard(None, 0.0, "", "plain")
    state, speaker, recorder, display, clock = run("bird-dog", [(20.0, overheard), (21.0, noise),
                                                                (30.0, Command.STOP)])
    shown = [text for _, text in display.cues if text.startswith("(heard")]
    assert shown == ['(heard "back", not sure it was you: say it again)']
    assert recorder.outcome is Outcome.STOPPED


class LastWords(RecordingSpeaker):
    """A speaker whose last words take three seconds of the session's clock."""

    def __init__(self, clock: FakeClock):
        super().__init__()
        self.clock, self.words_left = clock, 3

    @property
    def busy(self) -> bool:
        if self.words_left:
            self.words_left -= 1
            self.clock.sleep(1.0)
        return bool(self.words_left)


def rated_run(script, answers, source=None):
    clock = FakeClock()
    speaker, recorder = LastWords(clock), MemoryRecorder()
    questions = ScriptedAnswers(clock, answers)
    source = source or ScriptedCommands(clock, script)
    ports = Ports(clock, speaker, ListDisplay(), recorder, [source], EventLog(None), questions)
    state = Runner(builtin_timeline("bird-dog"), ports).run()
    return state, recorder, questions, source


def test_the_ratings_are_asked_before_and_after_the_exercises_and_recorded():
    state, recorder, questions, source = rated_run([(20.0, Command.STOP)], [6, 2])
    assert [q for q, _ in questions.asked] == [RATING_BEFORE, RATING_AFTER]
    assert recorder.started == ("bird-dog", builtin_timeline("bird-dog").title, 6)
    assert recorder.pain_after_rating == 2 and state.status is Status.FINISHED
    # Session time is the exercises' time: the 4 s spent answering the first question, the last
    # words (3 s) and the second question are not in the length saved.
    assert recorder.outcome is Outcome.STOPPED and recorder.seconds == pytest.approx(16.0, abs=0.05)
    assert questions.asked[1][1] == pytest.approx(19.0, abs=0.05)
    assert source.forgotten == 2  # what was heard during each question is not a command


def test_a_skipped_rating_is_recorded_as_none():
    _, recorder, _, _ = rated_run([(10.0, Command.STOP)], [None, None])
    assert recorder.started[2] is None and recorder.pain_after_rating is None


def test_ctrl_c_at_the_rating_after_keeps_the_outcome():
    class CtrlCAtTheEnd(ScriptedAnswers):
        def rating(self, question, t, speaker):
            if question == RATING_AFTER:
                raise KeyboardInterrupt
            return super().rating(question, t, speaker)

    clock = FakeClock()
    recorder = MemoryRecorder()
    ports = Ports(clock, RecordingSpeaker(), ListDisplay(), recorder, [ScriptedCommands(clock, [(8.0, Command.STOP)])],
                  EventLog(None), CtrlCAtTheEnd(clock, [5]))
    with pytest.raises(KeyboardInterrupt):
        Runner(builtin_timeline("bird-dog"), ports).run()
    assert recorder.outcome is Outcome.STOPPED and recorder.started[2] == 5


def test_ctrl_c_at_the_rating_before_records_nothing():
    class CtrlC(ScriptedAnswers):
        def rating(self, question, t, speaker):
            raise KeyboardInterrupt

    clock = FakeClock()
    recorder = MemoryRecorder()
    ports = Ports(clock, RecordingSpeaker(), ListDisplay(), recorder, [], EventLog(None), CtrlC(clock, []))
    with pytest.raises(KeyboardInterrupt):
        Runner(builtin_timeline("bird-dog"), ports).run()
    assert recorder.started is None and recorder.outcome is None
