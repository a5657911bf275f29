"""Measuring recorded audio: which 10 ms frames carry sound, and where sound starts."""

from __future__ import annotations

import numpy as np

from coach.audio.clip import Clip

FRAME = 0.01
# Frame RMS (of 32767) above which a frame counts as sound; eSpeak speech is far above, the
# null sink's silence is exactly 0.
SOUND_RMS = 200


def sound_mask(clip: Clip) -> np.ndarray:
    """One bool per 10 ms frame: is there sound."""
    size = int(FRAME * clip.rate)
    frames = len(clip.samples) // size
    blocks = clip.samples[: frames * size].astype(np.float64).reshape(frames, size)
    return np.sqrt((blocks ** 2).mean(axis=1)) > SOUND_RMS


def first_sound(clip: Clip, after: float = 0.0) -> float | None:
    mask = sound_mask(clip)
    start = int(after / FRAME)
    hits = np.nonzero(mask[start:])[0]
    return (start + hits[0]) * FRAME if len(hits) else None


def expected_mask(clips: list[tuple[float, Clip]], seconds: float) -> np.ndarray:
    """The sound mask a recording should have if each clip started at its time."""
    mask = np.zeros(int(seconds / FRAME) + 1, dtype=bool)
    for start, clip in clips:
        own = sound_mask(clip)
        first = int(round(start / FRAME))
        end = min(len(mask), first + len(own))
        if end > first:
            mask[first:end] |= own[: end - first]
    return mask
