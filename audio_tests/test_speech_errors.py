"""What a user sees when speech cannot work: one line, history kept, --text still there."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
import pytest

from audio_tests.conftest import coach_env
from audio_tests.pulse import PulseServer
from coach.audio.cache import SpeechCache
from coach.audio.clip import Clip
from coach.audio.speech import VoiceSpeaker
from coach.audio.tts import EspeakTts, VoiceSettings, is_complete

SHORT = "title: Short\nexercises:\n  - {name: Tilt, reps: 6, tempo: {lift: 2, lower: 2}}\n"


def coach(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coach", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def history(env: dict) -> list[dict]:
    return json.loads(coach(env, "history", "--json").stdout)


def test_no_sound_server_is_one_line_and_text_mode_still_works(pulse, tmp_path, speech_cache):
    env = {**coach_env(pulse, tmp_path, speech_cache), "PULSE_SERVER": f"unix:{tmp_path}/no-such-socket"}
    done = coach(env, "run", "pelvic-tilt-90-90", "--no-listen", "--no-rating")
    assert done.returncode == 1
    assert done.stderr.strip().startswith("Error: no audio output: PulseAudio is not running")
    assert done.stderr.strip().endswith("use --text to follow the session on screen.")
    assert len(done.stderr.strip().splitlines()) == 1
    assert coach(env, "run", "pelvic-tilt-90-90", "--text", "--no-rating", "--speed", "500").returncode == 0


def test_sound_server_dying_mid_session_keeps_the_session_going_on_screen(tmp_path, speech_cache):
    server = PulseServer()
    try:
        routine = tmp_path / "short.yaml"
        routine.write_text(SHORT)
        env = coach_env(server, tmp_path, speech_cache)
        process = subprocess.Popen([sys.executable, "-m", "coach", "run", str(routine), "--no-listen",
                                    "--no-rating", "--log", str(tmp_path / "log.jsonl")], env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        time.sleep(8)
    finally:
        server.stop()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "going on with text on screen" in err and "Traceback" not in err
    events = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert any(e["event"] == "speech_lost" for e in events)
    assert events[-1] == {"t": events[-1]["t"], "event": "session_end", "outcome": "completed"}
    assert history(env)[0]["outcome"] == "completed"


def test_an_unknown_voice_is_named_in_one_line(pulse, tmp_path, speech_cache):
    done = coach(coach_env(pulse, tmp_path, speech_cache), "run", "bird-dog", "--voice", "klingon",
                 "--no-listen", "--no-rating")
    assert done.returncode == 1
    assert done.stderr.strip() == 'Error: no eSpeak NG voice "klingon"; see `coach voices`'


def test_voices_lists_installed_english_voices(pulse, tmp_path, speech_cache):
    done = coach(coach_env(pulse, tmp_path, speech_cache), "voices")
    assert done.returncode == 0
    assert any(line.split()[0] == "gmw/en-us" for line in done.stdout.splitlines())


def test_config_file_sets_rate_and_a_bad_one_is_one_line(pulse, tmp_path, speech_cache):
    env = coach_env(pulse, tmp_path, speech_cache)
    config = tmp_path / "config" / "coach" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[speech]\nrate = 1000\n")
    done = coach(env, "run", "bird-dog", "--no-listen", "--no-rating")
    assert done.returncode == 1 and f"{config}: speech.rate: must be a whole number from 80 to 300, got 1000" in done.stderr


def test_cold_cache_renders_every_cue_and_a_warm_one_renders_none(tmp_path):
    tts = EspeakTts(VoiceSettings())
    texts = ["Rep 1 of 8. Lift.", "Hold.", "3.", "Rest for 20 seconds. Next up: Dead bug."]
    cold = VoiceSpeaker(tts, SpeechCache(tmp_path, tts.voice_id, 160, tts.engine_version))
    assert cold.prepare(texts) == 4
    warm = VoiceSpeaker(tts, SpeechCache(tmp_path, tts.voice_id, 160, tts.engine_version))
    assert warm.prepare(texts) == 0
    assert all(warm.length(t) == cold.length(t) for t in texts)
    other_rate = VoiceSpeaker(tts, SpeechCache(tmp_path, tts.voice_id, 140, tts.engine_version))
    assert other_rate.prepare(texts) == 4


def test_rendered_speech_is_complete_and_a_truncated_rendering_is_caught():
    tts = EspeakTts(VoiceSettings())
    text = "Kneel on all fours, hands under your shoulders and knees under your hips."
    raw = tts._render_once(text)
    assert is_complete(raw, text, 160)
    cut_mid_word = Clip(raw.samples[: len(raw.samples) // 2], raw.rate)
    assert not is_complete(cut_mid_word, text, 160)
    assert not is_complete(Clip(np.zeros(22050, np.int16), raw.rate), text, 160)
    clip = tts.render(text)
    assert 2.5 < clip.seconds < 8


def _damaged(data: bytes, how: str) -> bytes:
    if how == "truncated":
        return data[: len(data) // 2]
    if how == "noise":
        rng = np.random.default_rng(4)
        return data[:44] + rng.integers(-20000, 20000, (len(data) - 44) // 2, dtype=np.int16).tobytes()
    if how == "header":
        return b"\x00" * 44 + data[44:]
    return b""


@pytest.mark.parametrize("how", ["truncated", "noise", "header", "empty"])
def test_a_damaged_cached_clip_is_rendered_again_not_played(tmp_path, how):
    tts = EspeakTts(VoiceSettings())
    text = "Breathe in slowly through your nose."
    first = VoiceSpeaker(tts, SpeechCache(tmp_path, tts.voice_id, 160, tts.engine_version))
    assert first.prepare([text]) == 1
    stored = first.cache.path(text)
    stored.write_bytes(_damaged(stored.read_bytes(), how))
    again = VoiceSpeaker(tts, SpeechCache(tmp_path, tts.voice_id, 160, tts.engine_version))
    assert again.prepare([text]) == 1
    assert abs(again.length(text) - first.length(text)) < 0.05  # eSpeak's renderings differ by a few samples
    assert again.cache.get(text) is not None  # the file is whole again
