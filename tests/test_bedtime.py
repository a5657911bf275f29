"""Bedtime and tone pacing in the timeline, the routine option, and the runner passing volumes on."""

from __future__ import annotations

import pytest

from coach.errors import CoachError, RoutineError
from coach.eventlog import EventLog
from coach.loader import load_routine
from coach.routine import Pacing
from coach.runner import Ports, Runner
from coach.content import END_TEXT, TONE_INTRO
from coach.timeline import (BEDTIME_FADE_TO, CueKind, TimelineOptions,
                            build_timeline)
from tests.conftest import builtin
from tests.fakes import FakeClock, ListDisplay, MemoryRecorder, RecordingSpeaker

BEDTIME = TimelineOptions(bedtime=True)


def breath_cues(timeline):
    return [c for c in timeline.cues if c.kind in (CueKind.BREATH, CueKind.COUNT)]


def test_bedtime_volume_falls_steadily_to_the_fade_level():
    timeline = build_timeline(builtin("breathing-4-7-8"), options=BEDTIME)
    volumes = [c.volume for c in timeline.cues]
    assert volumes[0] == 1.0
    assert all(b < a for a, b in zip(volumes, volumes[1:]))
    last = timeline.cues[-1]
    assert last.volume == pytest.approx(1 - (1 - BEDTIME_FADE_TO) * last.at / timeline.duration, abs=0.001)


def test_ordinary_sessions_keep_full_volume():
    assert {c.volume for c in build_timeline(builtin("breathing-4-7-8")).cues} == {1.0}


def test_bedtime_cues_thin_out_once_the_rhythm_is_set():
    timeline = build_timeline(builtin("breathing-4-7-8"), options=TimelineOptions(bedtime=True, minutes=3))
    per_breath = {}
    for cue in breath_cues(timeline):
        per_breath.setdefault(timeline.units[cue.unit].label, []).append(cue.text)
    texts = list(per_breath.values())
    assert texts[0][:2] == ["Breathe in.", "2."]            # counted while the rhythm is learned
    assert texts[3] == ["In.", "Hold.", "Out."]             # then short words
    assert texts[-1] == ["In.", "Out."]                     # then only in and out
    assert len(texts[-1]) < len(texts[3]) < len(texts[0])


def test_bedtime_ends_quietly_without_closing_words():
    timeline = build_timeline(builtin("breathing-4-7-8"), options=BEDTIME)
    assert END_TEXT not in [c.text for c in timeline.cues]
    assert timeline.segments[-1].label == "End"


def test_a_routine_can_ask_for_bedtime_itself(routine_file):
    path = routine_file("title: Sleepy\nbedtime: true\nexercises:\n  - name: Breaths\n"
                        "    breathing: {in: 4, out: 6}\n    cycles: 3\n")
    volumes = [c.volume for c in build_timeline(load_routine(path)).cues]
    assert volumes[-1] < volumes[0]


def test_minutes_fill_the_time_with_whole_breaths():
    timeline = build_timeline(builtin("breathing-4-7-8"), options=TimelineOptions(minutes=5))
    breaths = [u for u in timeline.units if u.label.startswith("breath ")]
    assert sum(u.end - u.start for u in breaths) == pytest.approx(5 * 60, abs=19 / 2)  # nearest whole breath


def test_minutes_on_a_routine_without_breathing_is_a_clear_error():
    with pytest.raises(CoachError, match="no breathing exercise"):
        build_timeline(builtin("bird-dog"), options=TimelineOptions(minutes=5))


def test_tones_replace_breath_words_and_are_explained_first():
    timeline = build_timeline(builtin("breathing-4-7-8"), options=TimelineOptions(tones=True))
    breaths = breath_cues(timeline)
    assert [c.sound for c in breaths[:3]] == ["tone:in", "tone:hold", "tone:out"]
    assert all(c.kind is CueKind.BREATH for c in breaths)  # no counting over tones
    assert TONE_INTRO in [c.text for c in timeline.cues if c.at < breaths[0].at]


def test_pacing_tones_in_yaml(routine_file):
    path = routine_file("title: Tones\npacing: tones\nexercises:\n  - name: B\n    breathing: {in: 4, out: 4}\n")
    assert load_routine(path).pacing is Pacing.TONES


def test_pacing_needs_a_breathing_exercise_and_a_known_value(routine_file):
    path = routine_file("title: T\npacing: beeps\nexercises:\n  - {name: Hug, hold: 5}\n")
    with pytest.raises(RoutineError) as error:
        load_routine(path)
    assert f"{path}:2: pacing: must be \"words\" or \"tones\", got \"beeps\"" in str(error.value)
    path = routine_file("title: T\npacing: tones\nexercises:\n  - {name: Hug, hold: 5}\n")
    with pytest.raises(RoutineError, match="needs a breathing exercise"):
        load_routine(path)


def test_the_runner_plays_each_cue_at_its_volume_and_tone():
    timeline = build_timeline(builtin("breathing-4-7-8"), options=TimelineOptions(bedtime=True, tones=True))
    clock, speaker = FakeClock(), RecordingSpeaker()
    ports = Ports(clock, speaker, ListDisplay(), MemoryRecorder(speaker), [], EventLog(None))
    Runner(timeline, ports).run()
    assert speaker.said == [c.played for c in timeline.cues]
    assert speaker.volumes == [c.volume for c in timeline.cues]
