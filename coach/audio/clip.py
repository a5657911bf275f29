"""Audio that carries its own format: 16-bit mono samples at a stated rate."""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Samples quieter than this (of 32767) count as silence when trimming and checking speech.
SILENCE_LEVEL = 300


@dataclass(frozen=True)
class Clip:
    samples: np.ndarray  # int16, mono
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    @classmethod
    def read_wav(cls, path: str | Path) -> "Clip":
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise ValueError(f"{path}: expected 16-bit audio, got {8 * wav.getsampwidth()}-bit")
            frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
            channels, rate = wav.getnchannels(), wav.getframerate()
            if len(frames) != wav.getnframes() * channels:
                raise ValueError(f"{path}: truncated: {len(frames) // channels} of {wav.getnframes()} frames")
        if channels > 1:
            frames = frames.reshape(-1, channels).mean(axis=1).astype(np.int16)
        return cls(frames.astype(np.int16), rate)

    def write_wav(self, path: str | Path) -> None:
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self.rate)
            wav.writeframes(self.samples.astype("<i2").tobytes())

    def voiced_span(self) -> tuple[int, int]:
        """(first, last + 1) sample above the silence level; (0, 0) for silence."""
        loud = np.nonzero(np.abs(self.samples.astype(np.int32)) > SILENCE_LEVEL)[0]
        return (int(loud[0]), int(loud[-1]) + 1) if len(loud) else (0, 0)

    def trimmed(self, keep_seconds: float = 0.03) -> "Clip":
        """Cut leading and trailing silence, keeping a short margin so words end softly."""
        first, last = self.voiced_span()
        margin = int(keep_seconds * self.rate)
        return Clip(self.samples[max(0, first - margin): min(len(self.samples), last + margin)], self.rate)

    def padded(self, seconds: float) -> "Clip":
        """The clip followed by `seconds` of silence."""
        return Clip(np.concatenate([self.samples, np.zeros(int(seconds * self.rate), np.int16)]), self.rate)
