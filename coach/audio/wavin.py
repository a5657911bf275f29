"""Reads an audio file as 16 kHz mono 16-bit samples, whatever its format, width, rate or channels.

soundfile (libsndfile) reads WAV of every width and sample format (8/16/24/32-bit, float), FLAC
and OGG; soxr resamples band-limited, so 22 kHz speech does not fold its top octave into the band
(plain interpolation did, and ruined recognition in measurements here).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coach.audio.chunk import RATE
from coach.audio.clip import Clip
from coach.errors import CoachError

MIN_SOURCE_RATE = 4000


class NotAudio(CoachError):
    """A file that cannot be read as audio."""


def read_audio(path: str | Path, rate: int = RATE) -> Clip:
    import soundfile

    if Path(path).is_dir():
        raise NotAudio(f"{path}: is a folder, not an audio file")
    if not Path(path).exists():
        raise NotAudio(f"{path}: no such file")
    try:
        samples, source_rate = soundfile.read(str(path), dtype="float64", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, OSError, ValueError, EOFError) as error:
        raise NotAudio(f"{path}: not an audio file coach can read ({_first_line(error)})") from None
    if source_rate < MIN_SOURCE_RATE:
        raise NotAudio(f"{path}: unsupported sample rate {source_rate} Hz")
    mono = samples.mean(axis=1)
    converted = resample(mono, source_rate, rate)
    return Clip(np.clip(np.round(converted * 32768), -32768, 32767).astype(np.int16), rate)


def resample(samples: np.ndarray, source: int, target: int) -> np.ndarray:
    import soxr

    if source == target or len(samples) == 0:
        return samples
    return soxr.resample(samples, source, target, quality="HQ")


def _first_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
