"""Session history in SQLite: a row is written when a session starts and updated as it goes.

A session starts as "interrupted" and only a clean end changes that, so a crash, a lost device
or Ctrl-C can never lose a session. Every write commits at once. The file is in WAL mode with a
busy timeout, so `coach history` or a second session can read and write while a session runs.
A file that SQLite cannot read, or that fails its integrity check, raises BrokenHistory
(coach/recovery.py moves it aside and saves what it can).
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from coach.errors import CoachError
from coach.events import Outcome

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    routine TEXT NOT NULL,
    title TEXT NOT NULL,
    started_at TEXT NOT NULL,
    seconds REAL NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    pain_before INTEGER,
    pain_after INTEGER
);
CREATE TABLE IF NOT EXISTS pain_events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    at_seconds REAL NOT NULL,
    exercise TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
"""


# How long a write waits for another coach process holding the file (a second session, a report).
BUSY_SECONDS = 10.0
SESSION_COLUMNS = ("id", "routine", "title", "started_at", "seconds", "outcome", "pain_before", "pain_after")
PAIN_COLUMNS = ("id", "session_id", "at_seconds", "exercise", "recorded_at")
# SQLite's own words for a file that is damaged, not merely unreachable.
BROKEN_ERRORS = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}

SELECT_SESSIONS = "SELECT id, routine, title, started_at, seconds, outcome, pain_before, pain_after FROM sessions"


@dataclass(frozen=True)
class PainEvent:
    at_seconds: float
    exercise: str


@dataclass(frozen=True)
class SessionRecord:
    id: int
    routine: str
    title: str
    started_at: datetime
    seconds: float
    outcome: Outcome
    pain_before: int | None
    pain_after: int | None
    pain_events: tuple[PainEvent, ...] = field(default=())

    def to_json(self) -> dict:
        return {
            "id": self.id, "routine": self.routine, "title": self.title,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "seconds": round(self.seconds, 1), "outcome": self.outcome.value,
            "pain_before": self.pain_before, "pain_after": self.pain_after,
            "pain_events": [{"at": round(p.at_seconds, 1), "exercise": p.exercise} for p in self.pain_events],
        }


class BrokenHistory(CoachError):
    """The history file is damaged: SQLite cannot read it, or its integrity check fails."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"the history file {path} is damaged: {reason}")
        self.path = path
        self.reason = reason


class History:
    """The history file. Open with a path; ":memory:" works for tests that want no file."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.notice: str | None = None
        """Set by coach/recovery.py when this file replaced a damaged one: what happened, in a line."""
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_SECONDS)
        except (sqlite3.Error, OSError) as error:
            raise CoachError(f"cannot open the history file {self.path}: {self._why(error)}") from None
        try:
            self._check()
            self._set_up()
        except sqlite3.Error as error:
            self._db.close()
            if getattr(error, "sqlite_errorname", "") in BROKEN_ERRORS:
                raise BrokenHistory(self.path, str(error)) from None
            raise CoachError(f"cannot open the history file {self.path}: {self._why(error)}") from None

    def _set_up(self) -> None:
        """WAL mode and the tables. Two sessions starting on a new file at once can each find the
        other's lock where SQLite does not wait (a read turning into a write): try again."""
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.executescript(SCHEMA)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _why(self, error: sqlite3.Error | OSError) -> str:
        """SQLite says "unable to open database file" for a read-only folder: ask the folder why."""
        folder = Path(self.path).parent
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as refused:
            return f"{folder}: {_reason(refused)}"
        return _reason(error)

    def _check(self) -> None:
        problems = [row[0] for row in self._db.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            self._db.close()
            lines = [line for line in "\n".join(problems).splitlines() if not line.startswith("***")]
            raise BrokenHistory(self.path, f"integrity check: {lines[0] if lines else 'failed'}")

    def close(self) -> None:
        self._db.close()

    def insert_rows(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Put rows saved from a damaged file back, ids and all (coach/recovery.py)."""
        marks = ", ".join("?" * len(columns))
        self._transaction([(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)])

    def _transaction(self, statements: list[tuple[str, list[tuple]]]) -> None:
        """All the statements or none; a failure is a one-line error naming the file."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for statement, rows in statements:
                self._db.executemany(statement, rows)
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise CoachError(f"cannot write the history file {self.path}: {error}") from None

    def start_session(self, routine: str, title: str, pain_before: int | None = None,
                      started_at: datetime | None = None) -> int:
        started = (started_at or datetime.now(timezone.utc)).astimezone()
        cursor = self._db.execute(
            "INSERT INTO sessions (routine, title, started_at, outcome, pain_before) VALUES (?, ?, ?, ?, ?)",
            (routine, title, started.isoformat(), Outcome.INTERRUPTED.value, pain_before))
        return int(cursor.lastrowid)

    def update_length(self, session_id: int, seconds: float) -> None:
        self._db.execute("UPDATE sessions SET seconds = ? WHERE id = ?", (seconds, session_id))

    def record_pain(self, session_id: int, at_seconds: float, exercise: str) -> None:
        self._db.execute(
            "INSERT INTO pain_events (session_id, at_seconds, exercise, recorded_at) VALUES (?, ?, ?, ?)",
            (session_id, at_seconds, exercise, datetime.now(timezone.utc).isoformat()))

    def finish(self, session_id: int, outcome: Outcome, seconds: float) -> None:
        self._db.execute("UPDATE sessions SET outcome = ?, seconds = ? WHERE id = ?",
                         (outcome.value, seconds, session_id))

    def set_pain_after(self, session_id: int, rating: int | None) -> None:
        self._db.execute("UPDATE sessions SET pain_after = ? WHERE id = ?", (rating, session_id))

    def session(self, session_id: int) -> SessionRecord | None:
        found = self._records(f"{SELECT_SESSIONS} WHERE id = ?", (session_id,))
        return found[0] if found else None

    def delete(self, session_id: int) -> None:
        """Remove a session and its pain events, both or neither."""
        self._transaction([("DELETE FROM pain_events WHERE session_id = ?", [(session_id,)]),
                           ("DELETE FROM sessions WHERE id = ?", [(session_id,)])])

    def recent(self, limit: int = 20) -> list[SessionRecord]:
        """The latest sessions, newest first."""
        return self._records(f"{SELECT_SESSIONS} ORDER BY started_at DESC, id DESC LIMIT ?", (limit,))

    def all_sessions(self) -> list[SessionRecord]:
        """Every session, oldest first."""
        return self._records(f"{SELECT_SESSIONS} ORDER BY started_at, id", ())

    def _records(self, query: str, parameters: tuple) -> list[SessionRecord]:
        rows = self._db.execute(query, parameters).fetchall()
        pains: dict[int, list[PainEvent]] = {}
        for session_id, at, exercise in self._db.execute(
                f"SELECT p.session_id, p.at_seconds, p.exercise FROM pain_events p JOIN ({query}) s "
                "ON s.id = p.session_id ORDER BY p.at_seconds, p.id", parameters):
            pains.setdefault(session_id, []).append(PainEvent(at, exercise))
        return [SessionRecord(row[0], row[1], row[2], datetime.fromisoformat(row[3]), row[4], Outcome(row[5]),
                              row[6], row[7], tuple(pains.get(row[0], ()))) for row in rows]


def _reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)
