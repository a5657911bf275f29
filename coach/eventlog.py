"""`coach run --log FILE`: the session's events as JSON lines, one object per event.

Every object has `t` (seconds since the session started, monotonic clock) and `event`; the
README lists the events and their fields. The file is flushed after every line so a crash
keeps what happened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from coach.errors import CoachError


class EventLog:
    def __init__(self, path: str | Path | None):
        self._file: IO[str] | None = None
        if path is not None:
            try:
                self._file = open(path, "w", encoding="utf-8")
            except OSError as error:
                raise CoachError(f"cannot write the log file {path}: {error.strerror}") from None

    def write(self, t: float, event: str, **fields: object) -> None:
        if self._file is None:
            return
        self._file.write(json.dumps({"t": round(t, 4), "event": event, **fields}) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
