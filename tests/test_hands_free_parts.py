"""The parts of hands-free sessions that need no audio: ratings by voice or keys, spoken numbers,
the prompts that name words only when coach listens, and the runner with voice items."""

from __future__ import annotations

import io
import json

from coach.audio.sphinx import language_model
from coach.audio.voice import own_echo, words_in_common
from coach.content import KEY_PROMPTS, VOICE_PROMPTS, pain_protocol_lines
from coach.errors import DeviceError
from coach.eventlog import EventLog
from coach.events import Command, Heard, Outcome
from coach.phrases import COMMANDS, NUMBERS, number_in
from coach.runner import Ports, Runner
from coach.terminal import Console
from coach.timeline import TimelineOptions, build_timeline
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


def test_numbers_in_what_people_say():
    assert [number_in(t) for t in ("zero", "about a six", "it's a ten", "two out of ten", "the", "")] == \
        [0, 6, 10, 2, None, None]


def test_number_model_leaves_out_words_that_sound_like_numbers():
    words = {line.split("\t")[1] for line in language_model(NUMBERS).splitlines() if "\t" in line}
    assert {"two", "four", "eight", "one"} <= words
    assert not {"to", "too", "for", "won", "ate"} & words


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


def db(decibels: float) -> float:
    return 10 ** (decibels / 10)


def test_the_canceller_leftovers_are_told_from_the_user_speaking_over_the_coach():
    # Figures as measured in bench/handsfree.py: seconds the sound went on after the endpointer
    # started, energy on the echo-free ear, and on the plain microphone over the same span.
    assert own_echo(0.04, db(55.7), db(69.4))  # a blip of the coach heard as "stop"
    assert own_echo(0.04, db(74.0), db(74.0))  # as loud, but it ended with the coach
    assert own_echo(0.40, db(60.0), db(74.0))  # long, but mostly removed: the coach
    assert not own_echo(0.35, db(74.0), db(74.5))  # the user's "back", said over the coach
    assert not own_echo(0.38, db(73.2), db(73.4))


def test_a_command_word_the_coach_has_just_said_is_known_as_its_own():
    line = "Move gently. If something hurts, say pain, or press p, at any time."
    assert words_in_common("pain", line, COMMANDS.words)
    assert words_in_common("okay stop", "Stopping here. Well done.", COMMANDS.words)
    assert not words_in_common("repeat", line, COMMANDS.words)
    assert not words_in_common("say that again", "Say your rating.", COMMANDS.words)  # carrier words only
