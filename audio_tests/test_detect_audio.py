"""`coach detect` on real synthesized speech: commands heard in other voices, honest times, bad files.

The voices here are flite's slt and awb, recorded speakers of the held-out split: the command
model was neither trained nor tuned on them. The figures across many more voices and noise are
printed by bench/recognizer.py.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from coach.audio.clip import Clip
from coach.audio.recognizer import CommandRecognizer, detect_in
from coach.audio.wavin import read_audio

VOICES = ["slt", "awb"]
SAID = {"wait": "pause", "resume": "resume", "next one": "next", "go back": "back", "repeat": "repeat",
        "end session": "stop", "pain": "pain", "okay pause": "pause", "stop now": "stop", "I'm in pain": "pain",
        "it hurts": "pain", "say that again": "repeat", "please stop": "stop"}


# Of the 26 files, how many may go unheard: 1 when this was written (awb's "wait"); none may be
# heard as another command.
MISSED = 3


def flite(text: str, voice: str, path, rate: int = 16000, channels: int = 1) -> str:
    """Speak text into a WAV at `rate` and `channels`, with a second of silence either side."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(raw)], check=True)
    subprocess.run(["sox", str(raw), "-r", str(rate), "-c", str(channels), "-b", "16", str(path),
                    "pad", "1", "1"], check=True)
    return str(path)


def detect(*files: str) -> tuple[list[dict], subprocess.CompletedProcess]:
    done = subprocess.run([sys.executable, "-m", "coach", "detect", "--json", *files], capture_output=True,
                          text=True, timeout=300)
    return [json.loads(line) for line in done.stdout.splitlines()], done


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spoken")
    files = {}
    for voice in VOICES:
        for text, expected in SAID.items():
            files[flite(text, voice, folder / f"{voice}-{text.replace(' ', '_')}.wav")] = (voice, text, expected)
    return files


def test_each_command_and_phrase_is_heard_in_two_other_voices(spoken):
    heard, done = detect(*spoken)
    assert done.returncode == 0, done.stderr
    by_file = {}
    for line in heard:
        by_file.setdefault(line["file"], []).append(line["command"])
    missed = [(v, t) for f, (v, t, want) in spoken.items() if f not in by_file]
    mistaken = [(v, t, by_file[f]) for f, (v, t, want) in spoken.items() if f in by_file and by_file[f] != [want]]
    assert mistaken == [] and len(missed) <= MISSED, (missed, mistaken)


def test_a_detection_time_is_honest_cut_there_and_the_same_is_heard(spoken, tmp_path):
    recognizer = CommandRecognizer()
    for file in list(spoken)[:10]:
        samples = read_audio(file).samples
        heard = detect_in(samples, recognizer)
        for first in heard[:1]:
            cut = samples[: int(round(first.time * 16000))]
            again = detect_in(cut, recognizer)
            assert again and (again[0].command, again[0].time) == (first.command, first.time)
        if heard:
            before = detect_in(samples[: int(round(heard[0].time * 16000)) - 160], recognizer)
            assert before == [] or before[0].time < heard[0].time


def test_detection_comes_soon_after_the_command_ends(spoken):
    recognizer = CommandRecognizer()
    for file, (_, text, _) in spoken.items():
        clip = read_audio(file)
        loud = np.flatnonzero(np.abs(clip.samples) > 300)
        end_of_speech = loud[-1] / 16000
        heard = detect_in(clip.samples, recognizer)
        # The decision waits decision_seconds after the words; a step (80 ms) more at most.
        assert not heard or 0 < heard[0].time - end_of_speech <= recognizer.decision_seconds + 0.1, (text, heard, end_of_speech)


def test_other_rates_and_stereo_are_converted(tmp_path):
    files = [flite("stop now", "slt", tmp_path / "stereo44.wav", rate=44100, channels=2),
             flite("go back", "awb", tmp_path / "mono22.wav", rate=22050)]
    heard, done = detect(*files)
    assert [(h["file"], h["command"]) for h in heard] == [(files[0], "stop"), (files[1], "back")]


def test_a_file_that_is_not_audio_is_one_line_and_the_others_still_run(tmp_path):
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio")
    good = flite("go back", "awb", tmp_path / "good.wav")
    heard, done = detect(str(bad), good, str(tmp_path / "missing.wav"))
    assert done.returncode == 1
    assert [h["command"] for h in heard] == ["back"]
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 2 and all(e.startswith("Error: ") for e in errors)
    assert "Traceback" not in done.stderr


def test_silence_and_steady_noise_are_never_a_command(tmp_path):
    rng = np.random.default_rng(5)
    noise = rng.normal(0, 1500, 16000 * 20).astype(np.int16)
    Clip(noise, 16000).write_wav(tmp_path / "noise.wav")
    Clip(np.zeros(16000 * 5, np.int16), 16000).write_wav(tmp_path / "silence.wav")
    heard, done = detect(str(tmp_path / "noise.wav"), str(tmp_path / "silence.wav"))
    assert done.returncode == 0 and heard == []


def test_listen_hears_a_command_spoken_into_the_microphone(pulse, tmp_path):
    from audio_tests.conftest import coach_env

    said = flite("stop now", "slt", tmp_path / "stop.wav")
    listener = subprocess.Popen([sys.executable, "-m", "coach", "listen", "--seconds", "6"],
                                env=coach_env(pulse, tmp_path, tmp_path / "cache"), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)  # the models load, then the microphone opens
    subprocess.run(["paplay", "--device=micsink", said], env=pulse.env, check=True, timeout=20)
    out, err = listener.communicate(timeout=30)
    assert listener.returncode == 0, err
    heard = [line for line in out.splitlines() if line[:2].isdigit()]
    assert len(heard) == 1 and heard[0].split()[1] == "stop", out


def test_listen_without_a_sound_server_is_one_line(tmp_path):
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path}/none", "PULSE_RUNTIME_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "coach", "listen", "--seconds", "1"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: no microphone") and len(done.stderr.strip().splitlines()) == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _screen(text: str) -> list[str]:
    """What a terminal shows for `text`: \\r returns to the line's start, ESC[K erases to its end."""
    lines, line, column = [], "", 0
    for part in re.split(r"(\r|\x1b\[K|\n)", text):
        if part == "\r":
            column = 0
        elif part == "\x1b[K":
            line = line[:column]
        elif part == "\n":
            lines.append(line)
            line, column = "", 0
        else:
            line = line[:column] + part + line[column + len(part):]
            column += len(part)
    return lines + [line]


def test_listen_on_a_terminal_leaves_nothing_of_the_meter_on_a_command_line(pulse, tmp_path):
    from coach.app import listen_to_microphone

    said = flite("stop now", "slt", tmp_path / "stop.wav")
    out = _Terminal()
    speaking = threading.Timer(2.5, subprocess.run, (["paplay", "--device=micsink", said],),
                               {"env": pulse.env, "timeout": 20})
    speaking.start()
    assert listen_to_microphone(tmp_path / "data", None, 6, False, out) == 1
    speaking.join()
    [line] = [line for line in _screen(out.getvalue()) if "heard" in line]
    assert line.endswith('(heard "stop now")') or line.endswith('(heard "stop")'), line


def test_an_unknown_microphone_is_named_with_the_inputs_there_are(pulse, tmp_path):
    from audio_tests.conftest import coach_env

    done = subprocess.run([sys.executable, "-m", "coach", "listen", "--microphone", "nosuchsource", "--seconds", "1"],
                          env=coach_env(pulse, tmp_path, tmp_path / "cache"), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith('Error: no sound input named "nosuchsource"; the inputs are: mic, ')
    assert "(`pactl list short sources`)" in done.stderr and done.stderr.count("\n") == 1
