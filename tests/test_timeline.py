"""The compiled timeline: what is said, when, and that nothing overlaps."""

from __future__ import annotations

import pytest

from coach.loader import load_routine
from coach.routine import Breath
from coach.timeline import MIN_GAP, CueKind, SegmentKind, TimelineOptions, UnitKind, build_timeline
from tests.conftest import builtin, builtin_timeline

BUILTINS = ["pelvic-tilt-90-90", "bird-dog", "dead-bug", "wall-angels", "breathing-4-7-8", "flare-up",
            "desk-break"]


@pytest.mark.parametrize("name", BUILTINS)
def test_no_cue_starts_before_the_previous_one_ends(name):
    cues = builtin_timeline(name).cues
    for before, after in zip(cues, cues[1:]):
        assert after.at >= before.at + before.length + MIN_GAP - 1e-6, (before, after)


@pytest.mark.parametrize("name", BUILTINS)
def test_units_and_segments_tile_the_whole_timeline(name):
    timeline = builtin_timeline(name)
    for parts in (timeline.units, timeline.segments):
        assert parts[0].start == 0
        assert all(a.end == pytest.approx(b.start) for a, b in zip(parts, parts[1:]))
        assert parts[-1].end == pytest.approx(timeline.duration)


def test_a_hold_lasts_its_seconds_from_its_start_cue(routine_file):
    routine = load_routine(routine_file("title: t\nexercises:\n  - {name: Hug, hold: 5, countdown: 3}\n"))
    cues = build_timeline(routine).cues
    hold = next(c for c in cues if c.kind is CueKind.HOLD)
    release = next(c for c in cues if c.kind is CueKind.RELEASE)
    counts = [c for c in cues if c.kind is CueKind.COUNT]
    assert hold.text == "Hold for 5 seconds."
    assert release.at == pytest.approx(hold.at + 5)
    assert [(c.text, round(c.at - hold.at, 3)) for c in counts] == [("3.", 2), ("2.", 3), ("1.", 4)]


def test_tempo_phases_keep_their_seconds_when_the_words_fit(routine_file):
    routine = load_routine(routine_file(
        "title: t\nexercises:\n  - {name: Tilt, reps: 8, tempo: {lift: 2, hold: 2, lower: 2}}\n"))
    timeline = build_timeline(routine, speech_length=lambda text: 0.6)
    reps = [c for c in timeline.cues if c.kind in (CueKind.REP, CueKind.PHASE)]
    gaps = {round(b.at - a.at, 3) for a, b in zip(reps, reps[1:])}
    assert gaps == {2.0}


def test_a_phase_stretches_when_its_words_do_not_fit(routine_file):
    routine = load_routine(routine_file("title: t\nexercises:\n  - {name: Tilt, reps: 2, tempo: {up: 1, down: 1}}\n"))
    timeline = build_timeline(routine, speech_length=lambda text: 1.5)
    reps = [c for c in timeline.cues if c.kind in (CueKind.REP, CueKind.PHASE)]
    assert all(b.at - a.at == pytest.approx(1.5 + MIN_GAP) for a, b in zip(reps, reps[1:]))


def test_reps_say_first_halfway_and_last(routine_file):
    routine = load_routine(routine_file("title: t\nexercises:\n  - {name: Tilt, reps: 8, tempo: {lift: 2, lower: 2}}\n"))
    texts = [c.text for c in build_timeline(routine).cues if c.kind is CueKind.REP]
    assert texts == ["Rep 1 of 8. Lift.", "2. Lift.", "3. Lift.", "4. Lift.", "Halfway. 5. Lift.", "6. Lift.",
                     "7. Lift.", "Last one. 8. Lift."]


def test_sides_rest_and_next_up_are_announced():
    texts = [c.text for c in builtin_timeline("bird-dog").cues]
    assert "Set 1 of 2. Right arm and left leg." in texts
    assert "Change sides: left arm and right leg." in texts
    assert "Rest for 20 seconds. Next up: set 2 of Bird dog." in texts
    assert texts[-1].startswith("That's the end of the session")


def test_breathing_counts_each_second():
    cues = builtin_timeline("breathing-4-7-8").cues
    first_in = next(i for i, c in enumerate(cues) if c.text == "Breathe in.")
    texts = [c.text for c in cues[first_in:first_in + 4]]
    assert texts == ["Breathe in.", "2.", "3.", "4."]
    assert cues[first_in + 3].at - cues[first_in].at == pytest.approx(3)


def test_json_has_the_documented_shape():
    data = builtin_timeline("pelvic-tilt-90-90").to_json()
    assert set(data) == {"routine", "duration", "cues"}
    assert data["routine"] == "pelvic-tilt-90-90"
    assert set(data["cues"][0]) == {"at", "text", "kind", "exercise"}
    assert data["duration"] >= data["cues"][-1]["at"]


def test_real_speech_lengths_replace_the_estimate():
    routine = builtin("pelvic-tilt-90-90")
    short = build_timeline(routine, speech_length=lambda text: 0.1)
    long = build_timeline(routine, speech_length=lambda text: 0.1 + len(text) / 10)
    assert [c.text for c in short.cues] == [c.text for c in long.cues]
    assert long.duration > short.duration


def test_breaths_and_parts_are_known_by_kind_not_by_their_words(routine_file):
    routine = load_routine(routine_file(
        "title: t\nexercises:\n  - {name: Breathe, cycles: 2, breathing: {in: 4, hold: 7, out: 8, hold_out: 2}}\n"))
    assert [(p.breath, p.word) for p in routine.exercises[0].breathing] == [
        (Breath.IN, "Breathe in"), (Breath.HOLD, "Hold"), (Breath.OUT, "Breathe out"), (Breath.HOLD_OUT, "Hold")]
    timeline = build_timeline(routine, options=TimelineOptions(tones=True))
    assert [c.sound for c in timeline.cues if c.kind is CueKind.BREATH][:4] == ["tone:in", "tone:hold", "tone:out", "tone:hold"]
    assert [s.kind for s in timeline.segments] == [SegmentKind.INTRODUCTION, SegmentKind.EXERCISE, SegmentKind.END]
    assert [u.kind for u in timeline.units] == [UnitKind.INTRODUCTION, UnitKind.SETUP, UnitKind.BREATH, UnitKind.BREATH,
                                                UnitKind.END]
