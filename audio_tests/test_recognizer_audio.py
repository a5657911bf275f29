"""The shipped command model on real synthesized speech: voices it never saw, noise, near misses.

flite's slt and awb are voices of the held-out split: neither was used to train or tune the model.
What it hears of them is what the README says: the forms of two syllables and more are heard,
one-syllable words alone ("pause", "stop") are sometimes missed, never taken for another command;
Whisper's second opinion on close calls hears most of those in a quiet room.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

from coach.audio.clip import Clip
from coach.audio.embedding import STEP, WINDOW, SpeechEmbedding
from coach.audio.recognizer import CONFIRM_FROM, THRESHOLDS, CommandRecognizer, detect_in
from coach.audio.voice import ECHO_RESIDUAL_LEVEL
from coach.events import Command

VOICES = ["slt", "awb"]
SAID = {"wait": Command.PAUSE, "okay pause": Command.PAUSE, "continue": Command.RESUME, "carry on": Command.RESUME,
        "next one": Command.NEXT, "skip": Command.NEXT, "go back": Command.BACK, "previous": Command.BACK,
        "repeat": Command.REPEAT, "say that again": Command.REPEAT, "stop now": Command.STOP,
        "end session": Command.STOP, "pain": Command.PAIN, "it hurts": Command.PAIN, "I'm in pain": Command.PAIN}
ONE_SYLLABLE = {"pause": Command.PAUSE, "next": Command.NEXT, "back": Command.BACK, "stop": Command.STOP}
NOT_COMMANDS = ["paint", "plain", "the top shelf", "pack", "step", "rest", "six", "okay",
                "Lie on your back with your knees bent and your feet flat on the floor.",
                "Roll onto your back and rest there for a moment.",
                "Take a short pause between each breath, then carry on slowly.",
                "If you feel sharp pain, stop the exercise and rest."]


def spoken(text: str, voice: str) -> np.ndarray:
    """flite speaking text at 16 kHz, with 1.5 s of silence before and 1 s after."""
    with tempfile.TemporaryDirectory() as folder:
        raw, out = Path(folder) / "raw.wav", Path(folder) / "out.wav"
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(raw)], check=True)
        subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out), "pad", "1.5", "1"], check=True)
        return Clip.read_wav(out).samples


# Share of SAID heard in 10 dB pink noise: 15 of 30 when this was written (the held-out split: 0.40).
NOISY_SHARE = 0.45


@pytest.fixture(scope="module")
def recognizer():
    return CommandRecognizer()


def with_pink_noise(samples: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(len(samples)))
    noise = np.fft.irfft(spectrum / np.sqrt(np.maximum(np.fft.rfftfreq(len(samples), 1 / 16000), 20)), len(samples))
    speech = samples[np.abs(samples) > 300].astype(np.float64)
    noise *= np.sqrt(np.mean(speech ** 2)) / np.std(noise) * 10 ** (-snr_db / 20)
    return np.clip(samples + noise, -32768, 32767).astype(np.int16)


def test_an_embedding_depends_on_its_window_alone():
    samples = spoken("say that again", "slt")
    model = SpeechEmbedding()
    whole = model.embed(samples)
    for k in (0, 7, len(whole) - 1):
        alone = model.embed(samples[k * STEP:k * STEP + WINDOW])
        assert np.allclose(alone[0], whole[k], atol=1e-5)
    assert not np.allclose(whole[0], whole[len(whole) // 2], atol=1e-2)


@pytest.mark.parametrize("voice", VOICES)
def test_each_command_is_heard_in_a_voice_it_never_saw(recognizer, voice):
    heard = {text: [h.command for h in detect_in(spoken(text, voice), recognizer)] for text in SAID}
    assert all(found in ([], [SAID[text]]) for text, found in heard.items()), heard
    assert sum(found == [] for found in heard.values()) <= 1, heard  # slt's "skip" was missed


def test_a_one_syllable_command_alone_is_heard_or_missed_never_mistaken(recognizer):
    heard = {(text, voice): [h.command for h in detect_in(spoken(text, voice), recognizer)]
             for text in ONE_SYLLABLE for voice in VOICES}
    assert all(found in ([], [ONE_SYLLABLE[text]]) for (text, _), found in heard.items()), heard
    assert sum(found != [] for found in heard.values()) >= 6, heard  # 7 of 8 when this was written


@pytest.mark.parametrize("text", ["back", "stop"])
def test_a_close_call_is_heard_when_whisper_writes_the_command(recognizer, text):
    """slt's lone "back" and "stop" are close calls for the classifier (0.28 and 0.14 against its
    bar of 0.49): Whisper's transcript makes them heard. (Her "pause", 0.19, Whisper base writes
    "Pause." less surely than MIN_LOGPROB asks.)"""
    scores = []
    recognizer.verdicts = lambda at, best: scores.append(best[recognizer.classes.index(text)])
    try:
        heard = [h.command for h in detect_in(spoken(text, "slt"), recognizer)]
    finally:
        recognizer.verdicts = None
    assert len(scores) == 1 and CONFIRM_FROM[Command(text)] <= scores[0] < THRESHOLDS[Command(text)], scores
    assert heard == [Command(text)]


def test_a_close_call_on_an_ear_that_will_not_be_believed_is_not_transcribed(recognizer):
    """In a session both ears hear each utterance and turn-taking believes one (voice.py): the
    other's close call costs no transcript, so slt's lone "back" goes unheard there."""
    recognizer.heeded = False
    try:
        assert detect_in(spoken("back", "slt"), recognizer) == []
    finally:
        recognizer.heeded = True
    assert [h.command for h in detect_in(spoken("back", "slt"), recognizer)] == [Command.BACK]


def test_most_commands_are_heard_in_pink_noise_at_10_db(recognizer):
    heard = [[h.command for h in detect_in(with_pink_noise(spoken(text, voice), 10, n), recognizer)]
             for n, text in enumerate(SAID) for voice in VOICES]
    wanted = [command for command in SAID.values() for _ in VOICES]
    assert sum(found == [want] for found, want in zip(heard, wanted)) >= NOISY_SHARE * len(heard), heard
    mistaken = [found for found, want in zip(heard, wanted) if found not in ([], [want])]
    # Pain is listened for first: awb's "okay pause" is heard as pain, and his "stop now" as next. On
    # the whole test split of bench/corpus.py this model takes 3 commands for others in 590 (10 before).
    assert len(mistaken) <= 2, mistaken


def test_near_miss_words_and_the_coachs_own_cues_are_not_commands(recognizer):
    heard = {(text, voice): [h.command.value for h in detect_in(spoken(text, voice), recognizer)]
             for text in NOT_COMMANDS for voice in VOICES}
    taken = {key: found for key, found in heard.items() if found}
    # Pain is listened for first: "paint" is heard as pain (slt's by the classifier, awb's a close
    # call Whisper base writes "Pain."); nothing else is taken, nor paint as anything else.
    assert all(text == "paint" and found == ["pain"] for (text, _), found in taken.items()), taken


def test_the_same_file_in_any_chunk_size_is_heard_the_same(recognizer):
    samples = spoken("go back", "slt")
    results = {chunk: [(h.command, h.time) for h in detect_in(samples, recognizer, chunk)] for chunk in (160, 1000, 4096)}
    assert len(set(map(tuple, results.values()))) == 1 and results[160], results


def test_silence_gives_no_command(recognizer):
    assert detect_in(Clip(np.zeros(16000 * 5, np.int16), 16000).samples, recognizer) == []


def verdicts_after(before: np.ndarray, words: np.ndarray, silence_before_speech: bool) -> list[np.ndarray]:
    """Each class's highest probability in each utterance of `before` then `words`, heard as the
    echo-cancelled ear hears while the coach talks."""
    recognizer = CommandRecognizer()
    recognizer.endpointer.min_level = ECHO_RESIDUAL_LEVEL
    recognizer.silence_before_speech = silence_before_speech
    verdicts = []
    recognizer.verdicts = lambda at, best: verdicts.append(best.copy())
    recognizer.feed(np.concatenate([before, words]))
    return verdicts


def test_the_coachs_residue_before_a_command_is_not_heard_when_the_microphone_says_so():
    words = spoken("repeat", "slt")
    coach = spoken("Keep your back level and your neck long.", "kal")[:32000].astype(np.float64)
    loudest = np.sqrt(np.mean(coach.reshape(-1, 160) ** 2, axis=1)).max()
    residue = (coach * ECHO_RESIDUAL_LEVEL / 2 / loudest).astype(np.int16)  # never loud enough to be speech
    silent = verdicts_after(np.zeros_like(residue), words, silence_before_speech=True)
    assert len(silent) == 1
    assert np.allclose(verdicts_after(residue, words, silence_before_speech=True), silent)
    assert not np.allclose(verdicts_after(residue, words, silence_before_speech=False), silent)
