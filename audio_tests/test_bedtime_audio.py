"""Bedtime at a real PulseAudio sink: the voice gets quieter over the session; tones are soft and low."""

from __future__ import annotations

import numpy as np
import pytest

from audio_tests.conftest import coach_env
from audio_tests.sound import FRAME, sound_mask
from audio_tests.test_speech_out import read_log, run_coach
from coach.audio.clip import Clip

ROUTINE = """\
title: Bedtime check
exercises:
  - name: Slow breaths
    breathing: {in: 2, hold: 1, out: 3}
    cycles: 7
"""
TONES = ROUTINE.replace("title: Bedtime check", "title: Tone check\npacing: tones").replace("cycles: 7", "cycles: 2")


def bursts(clip: Clip) -> list[tuple[float, float]]:
    """(start, end) in seconds of each stretch of sound, gaps under 0.15 s bridged."""
    mask = sound_mask(clip)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    runs = [[a * FRAME, b * FRAME] for a, b in zip(edges[::2], edges[1::2])]
    merged: list[list[float]] = []
    for run in runs:
        if merged and run[0] - merged[-1][1] < 0.15:
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    return [(a, b) for a, b in merged]


def level_db(clip: Clip, start: float, end: float) -> float:
    part = clip.samples[int(start * clip.rate): int(end * clip.rate)].astype(np.float64)
    return 20 * np.log10(np.sqrt((part ** 2).mean()) / 32767)


def heard_cues(pulse, folder, cache, routine_text: str, *args: str):
    """Play a routine out loud; return the recording and, per cue, (log entry, burst heard for it)."""
    routine = folder / "routine.yaml"
    routine.write_text(routine_text)
    log = folder / "events.jsonl"
    recording = pulse.record(folder / "sink.wav")
    done = run_coach(coach_env(pulse, folder, cache), "run", str(routine), "--no-listen", "--log", str(log), *args)
    recorded = Clip.read_wav(recording.stop())
    assert done.returncode == 0, done.stderr
    starts = [e for e in read_log(log) if e["event"] == "speech_start"]
    cues = [e for e in read_log(log) if e["event"] == "cue_start"]
    heard = bursts(recorded)
    offset = heard[0][0] - starts[0]["t"]
    matched = []
    for cue, start in zip(cues, starts):
        near = [b for b in heard if abs(b[0] - (start["t"] + offset)) < 0.15]
        assert near, f'"{cue["text"]}" was not heard near {start["t"] + offset:.2f} s'
        matched.append((cue, near[0]))
    return recorded, matched


def test_bedtime_voice_falls_in_level_over_the_session(pulse, tmp_path, speech_cache):
    recorded, matched = heard_cues(pulse, tmp_path, speech_cache, ROUTINE, "--bedtime")
    ins = [(cue, burst) for cue, burst in matched if cue["text"] == "In."]
    assert len(ins) >= 4, "the sparse bedtime cues were not spoken"
    (first, first_burst), (last, last_burst) = ins[0], ins[-1]
    measured = level_db(recorded, *last_burst) - level_db(recorded, *first_burst)
    expected = 20 * np.log10(last["volume"] / first["volume"])
    assert expected < -3
    assert measured == pytest.approx(expected, abs=1.5)
    levels = [level_db(recorded, *burst) for _, burst in matched]
    third = len(levels) // 3
    assert np.mean(levels[-third:]) < np.mean(levels[:third]) - 3
    assert matched[-1][0]["text"] != "That's the end of the session. Take a moment before you get up."


def test_tones_are_quiet_and_low(pulse, tmp_path, speech_cache):
    recorded, matched = heard_cues(pulse, tmp_path, speech_cache, TONES, "--no-rating")
    tones = [(cue, burst) for cue, burst in matched if cue.get("sound", "").startswith("tone:")]
    words = [(cue, burst) for cue, burst in matched if "sound" not in cue]
    assert [c["sound"] for c, _ in tones] == ["tone:in", "tone:hold", "tone:out"] * 2
    for _, (start, end) in tones:
        part = recorded.samples[int(start * recorded.rate): int(end * recorded.rate)].astype(np.float64)
        spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part))))
        peak = np.fft.rfftfreq(len(part), 1 / recorded.rate)[spectrum.argmax()]
        assert 200 <= peak <= 360, f"tone peaked at {peak:.0f} Hz"
    voice = max(level_db(recorded, *burst) for _, burst in words)
    assert max(level_db(recorded, *burst) for _, burst in tones) < voice - 6
