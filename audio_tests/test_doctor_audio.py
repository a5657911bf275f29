"""`coach doctor` on this machine's test sound server: all green, and each failure with its fix."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import wave

import numpy as np

from audio_tests.conftest import coach_env
from coach.audio import whisper_model

CHECKS = ["eSpeak NG", "sound server", "speaker", "microphone", "echo canceller", "recognizer", "history",
          "folders"]


def doctor(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coach", "doctor", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def _findings(out: str) -> dict[str, str]:
    """check name -> its status mark, in order."""
    return {match[2]: match[1] for match in re.finditer(r"^(ok|warn|FAIL) +([^:]+): ", out, re.MULTILINE)}


def _noise_file(path) -> str:
    samples = (np.random.default_rng(2).normal(0, 3000, 16000 * 15)).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(samples.tobytes())
    return str(path)


def test_doctor_is_all_green_where_a_hands_free_session_can_run(pulse, tmp_path, speech_cache):
    env = coach_env(pulse, tmp_path, speech_cache)
    talking = subprocess.Popen(["paplay", "--device=micsink", _noise_file(tmp_path / "room.wav")], env=pulse.env)
    try:
        done = doctor(env)
    finally:
        talking.kill()
    assert done.returncode == 0, done.stdout + done.stderr
    findings = _findings(done.stdout)
    assert list(findings) == CHECKS and set(findings.values()) == {"ok"}, done.stdout
    assert done.stdout.strip().endswith("Ready for a hands-free session.")
    assert "module-echo-cancel" not in pulse.pactl("list", "short", "modules")


def test_doctor_joins_whisper_weights_damaged_in_the_cache_again(pulse, tmp_path):
    cache = tmp_path / "cache"
    weights = whisper_model.model_folder(cache / "coach") / "model.bin"
    with weights.open("r+b") as stored:
        stored.seek(1 << 20)
        stored.write(bytes(64))
    done = doctor(coach_env(pulse, tmp_path, cache))
    assert "ok    recognizer: the command classifier and Whisper load and hear nothing in silence; Whisper's cached " \
           "weights were damaged and were joined again" in done.stdout, done.stdout
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == whisper_model.MODEL_SHA256


def test_a_silent_microphone_is_a_warning_with_its_fix(pulse, tmp_path, speech_cache):
    done = doctor(coach_env(pulse, tmp_path, speech_cache))
    assert done.returncode == 0
    assert _findings(done.stdout)["microphone"] == "warn"
    assert "fix: unmute it: pactl set-source-mute @DEFAULT_SOURCE@ 0" in done.stdout


def test_no_sound_server_fails_with_the_fix_and_exit_1(tmp_path):
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path}/none", "PULSE_RUNTIME_PATH": str(tmp_path),
           "COACH_DATA_DIR": str(tmp_path / "data")}
    done = doctor(env)
    assert done.returncode == 1
    findings = _findings(done.stdout)
    assert findings["sound server"] == findings["speaker"] == findings["microphone"] == "FAIL"
    assert findings["eSpeak NG"] == findings["history"] == "ok"
    assert "fix: start it: pulseaudio --start" in done.stdout
    assert done.stdout.strip().endswith("A hands-free session cannot run yet: see the fixes above.")


def test_an_unusable_history_folder_and_a_bad_config_each_fail_with_their_fix(pulse, tmp_path, speech_cache):
    env = coach_env(pulse, tmp_path, speech_cache)
    (tmp_path / "a-file").write_text("x")
    config = tmp_path / "config" / "coach" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[speech]\nvolume = 7\n")
    done = doctor(env, "--data-dir", str(tmp_path / "a-file" / "data"))
    assert done.returncode == 1
    findings = _findings(done.stdout)
    assert findings["history"] == findings["folders"] == "FAIL"
    assert f"fix: make {tmp_path / 'a-file' / 'data'} writable, or use --data-dir" in done.stdout
    assert f"{config}: speech.volume: must be from 0.0 to 1.0, got 7" in done.stdout
    assert f"fix: fix or remove {config}" in done.stdout
