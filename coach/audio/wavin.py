"""Reads a WAV file as 16 kHz mono 16-bit samples, converting other rates, widths and channel counts.

Resampling is band-limited (a windowed-sinc low-pass around linear interpolation): plain
interpolation of 22 kHz speech folds its top octave back into the band and ruined recognition
in measurements here.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from coach.audio.clip import Clip
from coach.errors import CoachError

RATE = 16000
FILTER_TAPS = 63


class NotAudio(CoachError):
    """A file that cannot be read as audio."""


def read_audio(path: str | Path, rate: int = RATE) -> Clip:
    try:
        with wave.open(str(path), "rb") as wav:
            width, channels, source_rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise NotAudio(f"{path}: no such file") from None
    except IsADirectoryError:
        raise NotAudio(f"{path}: is a folder, not a WAV file") from None
    except (wave.Error, EOFError, OSError) as error:
        raise NotAudio(f"{path}: not a WAV file coach can read ({error})") from None
    if width not in (1, 2, 3, 4) or channels < 1 or source_rate < 4000:
        raise NotAudio(f"{path}: unsupported WAV ({8 * width}-bit, {channels} channels, {source_rate} Hz)")
    samples = _to_float(raw, width).reshape(-1, channels).mean(axis=1)
    converted = resample(samples, source_rate, rate)
    return Clip(np.clip(np.round(converted), -32768, 32767).astype(np.int16), rate)


def _to_float(raw: bytes, width: int) -> np.ndarray:
    """Samples scaled to the 16-bit range, whatever their width."""
    if width == 1:
        return (np.frombuffer(raw, np.uint8).astype(np.float64) - 128) * 256
    if width == 3:
        bytes_ = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        value = bytes_[:, 0] | (bytes_[:, 1] << 8) | (bytes_[:, 2] << 16)
        return np.where(value >= 1 << 23, value - (1 << 24), value).astype(np.float64) / 256
    kind = {2: "<i2", 4: "<i4"}[width]
    return np.frombuffer(raw, kind).astype(np.float64) / (1 if width == 2 else 65536)


def resample(samples: np.ndarray, source: int, target: int) -> np.ndarray:
    if source == target or len(samples) == 0:
        return samples
    cutoff = 0.45 * min(source, target)
    if target < source:
        samples = _low_pass(samples, cutoff / source)
    positions = np.arange(int(len(samples) * target / source)) * source / target
    out = np.interp(positions, np.arange(len(samples)), samples)
    return out if target < source else _low_pass(out, cutoff / target)


def _low_pass(samples: np.ndarray, cutoff: float) -> np.ndarray:
    """Windowed-sinc FIR; `cutoff` as a fraction of the sample rate."""
    n = np.arange(FILTER_TAPS) - (FILTER_TAPS - 1) / 2
    taps = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(FILTER_TAPS)
    return np.convolve(samples, taps / taps.sum(), mode="same")
