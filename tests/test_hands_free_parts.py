"""The parts of hands-free sessions that need no audio: ratings by voice or keys, spoken numbers,
the prompts that name words only when coach listens, and the runner with voice items."""

from __future__ import annotations

import io
import json

from coach.content import KEY_PROMPTS, VOICE_PROMPTS, pain_protocol_lines
from coach.errors import DeviceError
from coach.eventlog import EventLog
from coach.events import Command, Heard, Outcome
from coach.phrases import number_in
from coach.runner import Ports, Runner
from coach.terminal import Console
from coach.timeline import TimelineOptions, build_timeline
from coach.turns import HOLD_SECONDS, LISTEN_AFTER, Ear, Hold, HoldReason, Release, WaitForRepeat, Why
from tests.conftest import builtin as builtin_routine
from tests.fakes import FakeClock, ListDisplay, MemoryRecorder, RecordingSpeaker, ScriptedCommands


class HeardNumbers:
    """A voice source that hears `numbers` on its first poll."""

    def __init__(self, *heard: Heard):
        self.heard = list(heard)

    def poll(self) -> list[Heard]:
        heard, self.heard = self.heard, []
        return heard


def test_a_spoken_number_answers_the_rating_question():
    console = Console(io.StringIO(""), io.StringIO())
    voice = HeardNumbers(Heard(None, 1.0, "um"), Heard(6, 2.0, "about a six"))
    assert console.ask_rating("How is your pain?", voice) == 6
    assert console.answered_by == "voice" and console.overheard == ["um"]


def test_a_typed_number_still_answers_when_listening():
    console = Console(io.StringIO("3\n"), io.StringIO())
    assert console.ask_rating("How is your pain?", HeardNumbers()) == 3
    assert console.answered_by == "keys"


class LostMidQuestion:
    """A voice source whose microphone is lost at its first poll: it says so once, as VoiceCommands does."""

    def __init__(self):
        self.said = False

    def poll(self) -> list[Heard]:
        if not self.said:
            self.said = True
            raise DeviceError("the microphone stopped working: gone; keys still work.")
        return []


def test_listening_lost_during_the_rating_question_is_said_and_keys_still_answer():
    out = io.StringIO()
    console = Console(io.StringIO("4\n"), out)
    assert console.ask_rating("How is your pain?", LostMidQuestion()) == 4
    assert out.getvalue().count("[the microphone stopped working: gone; keys still work.]") == 1


def test_listening_lost_during_a_menu_choice_is_said_and_keys_still_choose():
    out = io.StringIO()
    console = Console(io.StringIO("2\n"), out)
    assert console.ask_choice(3, LostMidQuestion()) == 2
    assert "[the microphone stopped working: gone; keys still work.]" in out.getvalue()


def test_numbers_in_what_people_say():
    assert [number_in(t) for t in ("zero", "about a six", "it's a ten", "two out of ten", "the", "")] == \
        [0, 6, 10, 2, None, None]


def test_prompts_name_spoken_words_only_when_listening():
    routine = builtin_routine("dead-bug")
    listening = build_timeline(routine, options=TimelineOptions(listening=True))
    keys_only = build_timeline(routine)
    assert VOICE_PROMPTS.safety in [c.text for c in listening.cues]
    assert KEY_PROMPTS.safety in [c.text for c in keys_only.cues]
    assert "say" not in " ".join([KEY_PROMPTS.safety, KEY_PROMPTS.paused, KEY_PROMPTS.pain_question]).lower()
    assert "say resume" in pain_protocol_lines(VOICE_PROMPTS)[-1].lower()


class LostMicrophone:
    source = "voice"

    def __init__(self, clock: FakeClock, heard_at: float, lost_at: float):
        self.clock, self.heard_at, self.lost_at = clock, heard_at, lost_at
        self.closed = False

    def poll(self):
        if self.clock.now() >= self.lost_at:
            raise DeviceError("the microphone stopped working: gone; keys still work.")
        if self.clock.now() >= self.heard_at:
            self.heard_at = float("inf")
            return [Heard(None, 1.0, "cough"), Heard(Command.PAUSE, 1.1, "okay pause")]
        return []

    def close(self) -> None:
        self.closed = True


def test_runner_logs_what_was_heard_obeys_commands_and_survives_a_lost_microphone(tmp_path):
    clock = FakeClock()
    speaker = RecordingSpeaker()
    microphone = LostMicrophone(clock, heard_at=20.0, lost_at=25.0)
    log_path = tmp_path / "log.jsonl"
    keys = ScriptedCommands(clock, [(30.0, Command.RESUME), (40.0, Command.STOP)], source="keys")
    ports = Ports(clock, speaker, ListDisplay(), MemoryRecorder(speaker), [microphone, keys], EventLog(log_path))
    runner = Runner(build_timeline(builtin_routine("pelvic-tilt-90-90")), ports)
    state = runner.run()
    ports.log.close()
    events = [json.loads(line) for line in log_path.read_text().splitlines()]
    kinds = [e["event"] for e in events]
    assert {"event": "overheard", "source": "voice", "heard": "cough"}.items() <= events[kinds.index("overheard")].items()
    command = events[kinds.index("command")]
    assert (command["command"], command["source"], command["heard"]) == ("pause", "voice", "okay pause")
    assert kinds.count("listening_lost") == 1 and microphone.closed and ports.sources == [keys]
    assert runner.notices == ["the microphone stopped working: gone; keys still work."]
    assert state.outcome is Outcome.STOPPED  # the keys went on working after the microphone was lost




class TurnTaking(ScriptedCommands):
    """A voice source whose script holds turn-taking decisions as well as commands."""


def test_runner_gives_the_floor_as_turn_taking_decides_and_logs_why(tmp_path):
    clock = FakeClock()
    speaker = RecordingSpeaker()
    voice = TurnTaking(clock, [(10.0, Hold(HOLD_SECONDS, HoldReason.SPEAKING, Ear.ECHO_FREE)),
                               (11.0, Release(Ear.ECHO_FREE)), (20.0, WaitForRepeat(LISTEN_AFTER, Ear.PLAIN, Why.COACH_ECHO)),
                               (30.0, Command.STOP)])
    log_path = tmp_path / "log.jsonl"
    ports = Ports(clock, speaker, ListDisplay(), MemoryRecorder(speaker), [voice], EventLog(log_path))
    Runner(build_timeline(builtin_routine("pelvic-tilt-90-90")), ports).run()
    ports.log.close()
    events = [json.loads(line) for line in log_path.read_text().splitlines()]
    floor = [{k: v for k, v in e.items() if k != "t"} for e in events if e["event"].startswith(("speech_held", "speech_rel"))]
    assert floor == [{"event": "speech_held", "reason": "speaking", "seconds": HOLD_SECONDS, "ear": "echo-free"},
                     {"event": "speech_released", "reason": "talk", "ear": "echo-free"},
                     {"event": "speech_held", "reason": "repeat", "why": "the coach's echo", "seconds": LISTEN_AFTER,
                      "ear": "plain"}]
    assert speaker.holds == [HOLD_SECONDS, None, LISTEN_AFTER]
    assert [e["event"] for e in events].count("command") == 1  # decisions are not commands


class SlowToFinish(RecordingSpeaker):
    """A speaker still saying its last words for `polls` more checks."""

    def __init__(self, polls: int):
        super().__init__()
        self.polls = polls

    @property
    def busy(self) -> bool:
        self.polls -= 1
        return self.polls > 0


class SpeaksOverTheEnd:
    """A voice source whose user starts speaking just after the poll that ended the session."""

    source = "voice"

    def __init__(self, clock: FakeClock, after: float):
        self.clock, self.after, self.polls_after = clock, after, 0

    def poll(self):
        if self.clock.now() >= self.after:
            self.polls_after += 1
            if self.polls_after == 2:
                return [Hold(HOLD_SECONDS, HoldReason.SPEAKING, Ear.ECHO_FREE)]
        return []

    def close(self) -> None:
        pass


def test_the_floor_is_still_given_while_the_last_words_are_said(tmp_path):
    clock = FakeClock()
    speaker = SlowToFinish(polls=3)
    keys = ScriptedCommands(clock, [(5.0, Command.STOP)], source="keys")
    voice = SpeaksOverTheEnd(clock, after=5.0)
    log_path = tmp_path / "log.jsonl"
    ports = Ports(clock, speaker, ListDisplay(), MemoryRecorder(speaker), [keys, voice], EventLog(log_path))
    Runner(build_timeline(builtin_routine("pelvic-tilt-90-90")), ports).run()
    ports.log.close()
    kinds = [json.loads(line)["event"] for line in log_path.read_text().splitlines()]
    assert kinds[-3:] == ["state", "speech_held", "session_end"] and speaker.holds == [HOLD_SECONDS]
