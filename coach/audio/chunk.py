"""Audio as coach hears it: the one rate everything that listens works at, the chunk a capture
reads, and a block's level, computed here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE = 16000
"""Samples a second of all that coach listens to: the speech embedding's rate (embedding.py)."""


@dataclass(frozen=True)
class Chunk:
    """A block of 16-bit mono samples from a microphone."""

    samples: np.ndarray
    rate: int
    heard_at: float
    """Monotonic time its first sample reached the microphone (reading runs behind)."""

    width = 2
    """Bytes a sample."""
    channels = 1

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def mean_square(samples: np.ndarray) -> float:
    """The block's energy: the mean of its squared samples (0 for an empty block)."""
    return float(np.mean(samples.astype(np.float64) ** 2)) if len(samples) else 0.0


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(mean_square(samples)))


def level_dbfs(samples: np.ndarray) -> float:
    """The RMS level of 16-bit samples in dBFS (0 is full scale; silence is far below -90)."""
    return float(20 * np.log10(max(rms(samples), 1e-9) / 32767))
