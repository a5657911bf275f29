"""Spoken cues on a real PulseAudio sink: every cue heard, on time, whole, never overlapping."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
import pytest

from audio_tests.conftest import coach_env
from audio_tests.sound import FRAME, expected_mask, first_sound, sound_mask
from coach.audio.clip import Clip
from coach.audio.tts import EspeakTts, VoiceSettings

ROUTINE = """\
title: Audio check
rest: 2
exercises:
  - name: Tilt
    reps: 3
    tempo: {lift: 2, lower: 2}
  - name: Hug
    hold: 6
    countdown: 3
    sides: true
"""


def run_coach(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coach", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def read_log(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def played_session(pulse, tmp_path_factory, speech_cache):
    """Run a short routine out loud once; the tests below examine the recording and the log."""
    folder = tmp_path_factory.mktemp("session")
    routine = folder / "audio-check.yaml"
    routine.write_text(ROUTINE)
    log = folder / "events.jsonl"
    recording = pulse.record(folder / "sink.wav")
    done = run_coach(coach_env(pulse, folder, speech_cache), "run", str(routine), "--no-listen", "--no-rating", "--log", str(log))
    recording.stop()
    assert done.returncode == 0, done.stderr
    events = read_log(log)
    tts = EspeakTts(VoiceSettings())
    cues = [(e["t"], e["text"]) for e in events if e["event"] == "cue_start"]
    clips = {text: tts.render(text) for _, text in cues}
    return Clip.read_wav(recording.path), events, cues, clips


def aligned(played_session):
    """Where each clip should start in the recording, taking the first cue as time zero."""
    recorded, _, cues, clips = played_session
    first = first_sound(recorded)
    assert first is not None, "nothing was heard at the speaker"
    t0, first_text = cues[0]
    base = first - first_sound(clips[first_text])
    return recorded, [(base + t - t0, clips[text], text) for t, text in cues]


def test_every_cue_is_heard_in_order_at_its_time(played_session):
    recorded, placed = aligned(played_session)
    for at, clip, text in placed:
        due = at + first_sound(clip)
        heard = first_sound(recorded, after=due - 0.06)
        assert heard is not None and abs(heard - due) <= 0.05, f'"{text}" began at {heard}, expected {due:.2f}'


def test_no_cue_is_cut_short_and_none_overlap(played_session):
    recorded, placed = aligned(played_session)
    mask = sound_mask(recorded)
    wanted = expected_mask([(at, clip) for at, clip, _ in placed], len(mask) * FRAME)
    for at, clip, text in placed:
        start = int(round(at / FRAME))
        own = sound_mask(clip)
        got = mask[start: start + len(own)]
        assert (got[own[: len(got)]]).mean() >= 0.9, f'"{text}" was cut short'
    silent_expected = ~wanted[: len(mask)]
    assert mask[: len(wanted)][silent_expected[: len(mask)]].mean() <= 0.05, "speech where silence was due"


def test_log_has_cue_ends_in_order_and_a_session_end(played_session):
    _, events, cues, _ = played_session
    starts = [e for e in events if e["event"] == "cue_start"]
    ends = [e for e in events if e["event"] == "cue_end"]
    assert [e["text"] for e in ends] == [e["text"] for e in starts]
    for start, end, following in zip(starts, ends, starts[1:]):
        assert end["t"] <= following["t"] + 0.02, f'{start["text"]} still playing when {following["text"]} began'
    assert events[-1]["event"] == "session_end" and events[-1]["outcome"] == "completed"
    assert not any(e["event"] == "speech_stopped" for e in events)


def test_cut_mid_cue_leaves_silence_at_the_sink(pulse, tmp_path):
    from coach.audio.playback import Player

    clip = EspeakTts(VoiceSettings()).render(
        "Kneel on all fours, hands under your shoulders and knees under your hips, and keep your back level.")
    player = Player(clip.rate)
    player.wait_until_flowing()
    recording = pulse.record(tmp_path / "cut.wav")
    player.play(clip, "long")
    time.sleep(0.8)
    assert player.cut()
    time.sleep(1.0)
    player.close()
    recorded = Clip.read_wav(recording.stop())
    mask = sound_mask(recorded)
    sounding = np.nonzero(mask)[0] * FRAME
    assert len(sounding) and clip.seconds > 3
    heard_for = sounding[-1] - sounding[0]
    assert 0.6 <= heard_for <= 0.95, f"sound lasted {heard_for:.2f} s after a cut at 0.8 s"


def test_stop_key_mid_cue_cuts_speech_and_ends_the_session(pulse, tmp_path, speech_cache):
    log = tmp_path / "events.jsonl"
    env = coach_env(pulse, tmp_path, speech_cache)
    process = subprocess.Popen([sys.executable, "-m", "coach", "run", "bird-dog", "--no-listen", "--no-rating",
                                "--log", str(log)], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (log.exists() and "cue_start" in log.read_text()):
        time.sleep(0.05)
    time.sleep(1.0)  # in the middle of the first cue
    process.communicate("q\n", timeout=30)
    events = read_log(log)
    kinds = [e["event"] for e in events]
    assert ("command", "stop", "keys") in [(e["event"], e.get("command"), e.get("source")) for e in events]
    assert "speech_stopped" in kinds and events[-1]["outcome"] == "stopped"
