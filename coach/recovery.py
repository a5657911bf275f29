"""A damaged history file must not lock anyone out of their exercises.

The damaged file is moved aside (`history.sqlite3.broken-YYYYMMDD-HHMMSS`, with its -wal and -shm
files), a new one is started, and every row that can still be read is copied into it: a scan
forwards stops at the first unreadable page, so a scan backwards from the end saves what lies
after it. The new file's `notice` says, in one line, what happened and how much was saved.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from coach.errors import CoachError
from coach.events import Outcome
from coach.history import PAIN_COLUMNS, SESSION_COLUMNS, BrokenHistory, History

COMPANIONS = ("-wal", "-shm")


def open_or_recover(path: Path, now: datetime | None = None) -> History:
    """The history at `path`; if it is damaged, a new one holding what could be saved of it."""
    try:
        return History(path)
    except BrokenHistory as broken:
        try:
            aside = move_aside(path, now or datetime.now())
            history = History(path)
            sessions, pains = _copy_readable(aside, history)
        except (OSError, sqlite3.Error) as error:
            raise CoachError(f"{broken}, and it could not be replaced: {error}") from None
        history.notice = (f"The history file was damaged ({broken.reason}). It is kept as {aside}; "
                          f"a new one was started with the {sessions} sessions and {pains} pain events "
                          "that could be read from it.")
        return history


def move_aside(path: Path, now: datetime) -> Path:
    aside = path.with_name(f"{path.name}.broken-{now:%Y%m%d-%H%M%S}")
    path.replace(aside)
    for suffix in COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.replace(aside.with_name(aside.name + suffix))
    return aside


def _copy_readable(damaged: Path, into: History) -> tuple[int, int]:
    try:
        db = sqlite3.connect(f"{damaged.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return 0, 0
    try:
        sessions = [row for row in readable_rows(db, "sessions", SESSION_COLUMNS) if _valid_session(row)]
        kept = {row[0] for row in sessions}
        pains = [row for row in readable_rows(db, "pain_events", PAIN_COLUMNS) if _valid_pain(row, kept)]
    finally:
        db.close()
    into.insert_rows("sessions", SESSION_COLUMNS, sessions)
    into.insert_rows("pain_events", PAIN_COLUMNS, pains)
    return len(sessions), len(pains)


def readable_rows(db: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> list[tuple]:
    """Every row of `table` that can be read, in id order: forwards to the damage, then backwards to it."""
    forwards = _scan(db, f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
    backwards = _scan(db, f"SELECT {', '.join(columns)} FROM {table} ORDER BY id DESC")
    rows = {row[0]: row for row in forwards + backwards}
    return [rows[key] for key in sorted(rows)]


def _scan(db: sqlite3.Connection, query: str) -> list[tuple]:
    rows: list[tuple] = []
    try:
        for row in db.execute(query):
            rows.append(row)
    except sqlite3.DatabaseError:
        pass  # the damage: what was read before it is kept
    return rows


def _valid_session(row: tuple) -> bool:
    """A row the history can show: damage can leave NULLs or garbage in a row that still reads."""
    id_, routine, title, started_at, seconds, outcome = row[:6]
    try:
        datetime.fromisoformat(started_at)
        Outcome(outcome)
    except (TypeError, ValueError):
        return False
    return isinstance(id_, int) and isinstance(routine, str) and isinstance(title, str) and \
        isinstance(seconds, (int, float))


def _valid_pain(row: tuple, sessions: set[int]) -> bool:
    id_, session_id, at_seconds, exercise, recorded_at = row
    return isinstance(id_, int) and session_id in sessions and isinstance(at_seconds, (int, float)) and \
        isinstance(exercise, str) and isinstance(recorded_at, str)
