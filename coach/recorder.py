"""The SessionRecorder port on the history file, for one session.

A session must go on whatever happens to the file: a data folder that is read-only or full, or a
write that fails mid-session, is said once (`tell`) and kept in `failure`, and the session runs on
screen and aloud. Later writes are still tried once the session row exists, so space freed
mid-session saves the rest; `failure` keeps the first problem, and `coach run` exits 1 for it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable, TypeVar

from coach.errors import CoachError
from coach.events import Outcome
from coach.history import History
from coach.recovery import open_or_recover

T = TypeVar("T")


class HistoryRecorder:
    def __init__(self, path: Path, tell: Callable[[str], None]):
        self.failure: str | None = None
        self._tell = tell
        self.session_id: int | None = None
        self._history: History | None = None
        try:
            self._history = open_or_recover(path)
        except CoachError as error:
            self._fail(str(error))
        if self._history and self._history.notice:
            tell(self._history.notice)

    @property
    def first_session(self) -> bool:
        """No session saved before this one (or none that can be read)."""
        return not self._write(lambda h: h.recent(1), needs_session=False)

    def start(self, routine: str, title: str, pain_before: int | None) -> None:
        self.session_id = self._write(lambda h: h.start_session(routine, title, pain_before=pain_before),
                                      needs_session=False)

    def progress(self, seconds: float) -> None:
        self._write(lambda h: h.update_length(self.session_id, seconds))

    def pain(self, at_seconds: float, exercise: str) -> None:
        self._write(lambda h: h.record_pain(self.session_id, at_seconds, exercise))

    def finish(self, outcome: Outcome, seconds: float) -> None:
        self._write(lambda h: h.finish(self.session_id, outcome, seconds))

    def pain_after(self, rating: int | None) -> None:
        self._write(lambda h: h.set_pain_after(self.session_id, rating))

    def close(self) -> None:
        if self._history:
            self._history.close()

    def _write(self, action: Callable[[History], T], needs_session: bool = True) -> T | None:
        if self._history is None or (needs_session and self.session_id is None):
            return None
        try:
            return action(self._history)
        except (sqlite3.Error, OSError) as error:
            self._fail(f"cannot write the history file {self._history.path}: {error}")
            return None

    def _fail(self, reason: str) -> None:
        if self.failure is None:
            self.failure = reason
            self._tell(f"This session cannot be saved ({reason}); it goes on.")
