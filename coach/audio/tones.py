"""Soft pacing tones for breathing: a rising glide to breathe in, a low note to hold, a falling one out.

Sine glides with slow attack and release, kept quiet and low, so they pace without startling
someone falling asleep. Keys match coach.timeline.TONES.
"""

from __future__ import annotations

import numpy as np

from coach.audio.clip import Clip
from coach.timeline import TONE_SECONDS

# (start Hz, end Hz) per tone: a gentle rise for in, one low note for hold, a gentle fall for out.
GLIDES = {"tone:in": (262.0, 349.0), "tone:hold": (220.0, 220.0), "tone:out": (349.0, 247.0),
          "tone:ready": (440.0, 523.0)}
# `coach learn`'s "speak now": short and a little higher than the breathing tones.
READY = "tone:ready"
SECONDS = TONE_SECONDS | {READY: 0.5}
# Peak level as a share of full scale: its loudness sits well under the voice (about 8 dB in RMS).
PEAK = 0.06
ATTACK_SECONDS = 0.15
RELEASE_SECONDS = 0.35


def is_tone(key: str) -> bool:
    return key in GLIDES


def render_tone(key: str, rate: int) -> Clip:
    start, end = GLIDES[key]
    n = int(SECONDS[key] * rate)
    frequency = np.linspace(start, end, n)
    phase = 2 * np.pi * np.cumsum(frequency) / rate
    envelope = np.ones(n)
    attack, release = int(ATTACK_SECONDS * rate), int(RELEASE_SECONDS * rate)
    envelope[:attack] = np.sin(np.linspace(0, np.pi / 2, attack)) ** 2
    envelope[-release:] = np.cos(np.linspace(0, np.pi / 2, release)) ** 2
    samples = PEAK * 32767 * envelope * np.sin(phase)
    return Clip(samples.astype(np.int16), rate)
