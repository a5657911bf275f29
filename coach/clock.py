"""The real clock, optionally sped up for demos and end-to-end CLI tests."""

from __future__ import annotations

import time


class MonotonicClock:
    """time.monotonic, scaled by `speed` (1.0 is real time)."""

    def __init__(self, speed: float = 1.0):
        self.speed = speed
        self._origin = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self._origin) * self.speed

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.speed)
