"""`coach learn` on real synthesized speech: a voice the shipped model hears poorly (flite's slt,
a voice of the held-out split) is heard better after three takes of each command; bad takes are
refused; nothing but numbers is kept unless asked; --forget removes it all; the whole spoken
dialogue runs through a virtual microphone."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from audio_tests.conftest import coach_env
from coach.audio.clip import Clip
from coach.events import Command

VOICE = "slt"
TAKE_SPEEDS = (0.9, 1.0, 1.15)
# Other utterances of the same voice, never learned from: slower and faster, alone and after "okay".
TRY_SPEEDS = (0.8, 1.3)
TALK = ("Today I went for a short walk and then made some tea. My back felt a little better "
        "after lunch, and I rested on the sofa for a while.")


def flite(text: str, path: Path, stretch: float = 1.0, pad: float = 0.5) -> Path:
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["flite", "-voice", VOICE, "--setf", f"duration_stretch={stretch}", "-t", text, "-o", str(raw)],
                   check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(path), "pad", str(pad), str(pad)],
                   check=True)
    raw.unlink()
    return path


def quiet(path: Path, seconds: float = 5.0) -> Path:
    noise = np.random.default_rng(1).normal(0, 20, int(16000 * seconds))
    Clip(noise.astype(np.int16), 16000).write_wav(path)
    return path


@pytest.fixture(scope="module")
def takes(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("takes")
    for command in Command:
        for n, stretch in enumerate(TAKE_SPEEDS, 1):
            flite(command.value, folder / f"{command.value}-{n}.wav", stretch)
    flite(TALK, folder / "other-1.wav", pad=0.3)
    quiet(folder / "other-2.wav")
    return folder


@pytest.fixture(scope="module")
def other_utterances(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("tries")
    said = {}
    for command in Command:
        for stretch in TRY_SPEEDS:
            for text in (command.value, f"okay {command.value}"):
                path = flite(text, folder / f"{text.replace(' ', '_')}-{stretch}.wav", stretch, pad=1.0)
                said[str(path)] = command.value
    return said


def coach(*args: str, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coach", "--data-dir", str(data), *args], capture_output=True,
                          text=True, timeout=600)


def heard_right(said: dict[str, str], data: Path, *options: str) -> int:
    done = coach("detect", "--json", *options, *said, data=data)
    found = [json.loads(line) for line in done.stdout.splitlines()]
    return sum(1 for f in found if said[f["file"]] == f["command"])


def test_learning_a_poorly_heard_voice_raises_its_recall(takes, other_utterances, tmp_path):
    data = tmp_path / "data"
    done = coach("learn", "--from", str(takes), data=data)
    assert done.returncode == 0, done.stderr
    assert "Saved in" in done.stdout
    before = heard_right(other_utterances, data, "--no-personal")
    after = heard_right(other_utterances, data)
    # When this was written: 22 of the 28 before, 28 after; with Whisper's second opinion on the
    # classifier's close calls, 25 before (slt's lone words are its close calls).
    assert before <= len(other_utterances) - 3, before
    assert after >= len(other_utterances) - 1 and after > before, (before, after)


def test_nothing_is_heard_in_ordinary_talk_that_the_shipped_model_did_not_hear(takes, tmp_path):
    data = tmp_path / "data"
    coach("learn", "--from", str(takes), data=data)
    talk = flite("I put the kettle on and sat by the window while the rain came down on the garden.",
                 tmp_path / "talk.wav", pad=1.0)
    assert coach("detect", "--json", str(talk), data=data).stdout == \
        coach("detect", "--json", "--no-personal", str(talk), data=data).stdout


def test_takes_with_no_speech_or_clipped_are_refused(takes, tmp_path):
    folder = tmp_path / "takes"
    folder.mkdir()
    for path in takes.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    quiet(folder / "pause-1.wav", 2.0)
    loud = Clip.read_wav(takes / "stop-1.wav").samples.astype(np.int32) * 40
    Clip(np.clip(loud, -32768, 32767).astype(np.int16), 16000).write_wav(folder / "stop-2.wav")
    done = coach("learn", "--from", str(folder), data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert "pause-1.wav: not used, no speech heard" in done.stdout
    assert "stop-2.wav: not used, clipped" in done.stdout
    assert "pause   2 takes" in done.stdout and "stop    2 takes" in done.stdout


def test_no_audio_is_kept_unless_asked_and_forget_removes_everything(takes, tmp_path):
    data = tmp_path / "data"
    coach("learn", "--from", str(takes), data=data)
    assert not list(data.rglob("*.wav")) and list(data.rglob("*"))
    status = coach("learn", "--status", data=data).stdout
    assert "from 21 takes" in status and "no audio kept" in status
    coach("learn", "--from", str(takes), "--keep-audio", data=data)
    assert len(list(data.rglob("*.wav"))) == 23
    assert "audio kept" in coach("learn", "--status", data=data).stdout
    done = coach("learn", "--forget", data=data)
    assert done.returncode == 0 and "removed" in done.stdout
    assert not (data / "voice").exists()
    assert "No voice learned" in coach("learn", "--status", data=data).stdout


def test_bad_folders_get_one_line_and_a_non_zero_exit(takes, tmp_path):
    named = tmp_path / "named"
    named.mkdir()
    (named / "jump-1.wav").write_bytes((takes / "pause-1.wav").read_bytes())
    no_talk = tmp_path / "no-talk"
    no_talk.mkdir()
    (no_talk / "pause-1.wav").write_bytes((takes / "pause-1.wav").read_bytes())
    not_audio = tmp_path / "not-audio"
    not_audio.mkdir()
    (not_audio / "pause-1.wav").write_text("not a recording")
    for folder, message in [(named, "'jump' is not a command"), (no_talk, "no other-<n>.wav"),
                            (not_audio, "pause-1.wav"), (tmp_path / "empty", "has no takes")]:
        folder.mkdir(exist_ok=True)
        done = coach("learn", "--from", str(folder), data=tmp_path / "data")
        assert done.returncode == 1, (folder, done.stdout, done.stderr)
        assert message in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "data" / "voice").exists()


def test_coach_learn_through_the_virtual_microphone(pulse, takes, speech_cache, tmp_path):
    """The spoken dialogue end to end: a scripted user answers each prompt after the tone."""
    env = coach_env(pulse, tmp_path, speech_cache)
    process = subprocess.Popen([sys.executable, "-m", "coach", "learn", "--takes", "2"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    asked, lines = None, []

    def play(path: Path) -> None:
        subprocess.run(["paplay", "--device=micsink", str(path)], env=pulse.env, check=True, timeout=60)

    talk = flite(TALK + " " + TALK, tmp_path / "long-talk.wav", pad=0.3)
    answers = {f"{command.value}": takes / f"{command.value}-2.wav" for command in Command}
    for line in process.stdout:
        lines.append(line.rstrip())
        if line.startswith(("Say ", "Once more: ")):
            asked = line.split()[-1].rstrip(".")
        elif line.startswith("Now, after the tone, talk"):
            asked = "talk"
        elif line.startswith("Thank you. Now, after the tone, stay quiet"):
            asked = "quiet"
        elif line.startswith("Done. Now, after the tone, say any command"):
            asked = "pause"
        elif line.strip() == "listening" and asked not in (None, "quiet"):
            threading.Thread(target=play, args=(talk if asked == "talk" else answers[asked],)).start()
    assert process.wait(timeout=300) == 0, process.stderr.read()
    output = "\n".join(lines)
    assert "Saved in" in output and "Heard: pause" in output, output
    assert (tmp_path / "data" / "voice" / "voice.npz").exists()
    assert "Said to test it: pause" in coach("learn", "--status", data=tmp_path / "data").stdout
