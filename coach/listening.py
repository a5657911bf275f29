"""`coach listen`: the live microphone through the recognizer, with a level meter and each command heard.

The recognizer and the capture are given (app.py builds them)."""

from __future__ import annotations

import time
from typing import IO

import numpy as np

from coach.audio.chunk import level_dbfs

METER_WIDTH = 30
# dBFS shown at the ends of the meter.
METER_FLOOR_DB = -70.0
# Back to the line's start and erase it, so a shorter line leaves nothing of the meter behind.
CLEAR_LINE = "\r\x1b[K"


def meter(samples: np.ndarray) -> str:
    """A bar for the block's level in dBFS, from -70 (empty) to 0 (full)."""
    db = level_dbfs(samples)
    filled = int(round(METER_WIDTH * min(1.0, max(0.0, (db - METER_FLOOR_DB) / -METER_FLOOR_DB))))
    return f"[{'#' * filled}{' ' * (METER_WIDTH - filled)}] {max(db, METER_FLOOR_DB):5.0f} dBFS"


def listen(out: IO[str], recognizer, capture, seconds: float | None = None, personal: bool = False) -> int:
    """Print commands as they are heard in `capture` (16 kHz blocks) until Ctrl-C (or `seconds`);
    return how many were heard. `personal`: the recognizer hears your learned voice too."""
    interactive = out.isatty()
    started, count = time.monotonic(), 0
    out.write("Listening for: pause, resume, next, back, repeat, stop, pain"
              f"{' (with your learned voice)' if personal else ''}. Ctrl-C to finish.\n")
    try:
        while seconds is None or time.monotonic() - started < seconds:
            block = capture.read().samples
            for heard in recognizer.feed(block):
                count += 1
                stamp = time.strftime("%H:%M:%S")
                line = f"{stamp}  {heard.command.value:<7} (heard \"{heard.text}\")"
                out.write(f"{CLEAR_LINE}{line}\n" if interactive else line + "\n")
            if interactive:
                out.write(CLEAR_LINE + meter(block))
            out.flush()
    except KeyboardInterrupt:
        pass
    finally:
        if interactive:
            out.write("\n")
    return count
