"""History in a real SQLite file: written at start, updated as it goes, never lost."""

from __future__ import annotations

import pytest

from coach.errors import CoachError
from coach.events import Outcome
from coach.history import BrokenHistory, History


def test_a_started_session_reads_back_as_interrupted_until_it_finishes(tmp_path):
    path = tmp_path / "h.sqlite3"
    history = History(path)
    session = history.start_session("bird-dog", "Bird dog", pain_before=4)
    history.update_length(session, 42.0)
    history.close()  # as if the process died here
    record = History(path).recent()[0]
    assert (record.routine, record.outcome, record.seconds, record.pain_before) == \
        ("bird-dog", Outcome.INTERRUPTED, 42.0, 4)


def test_pain_events_and_ratings_are_kept(tmp_path):
    history = History(tmp_path / "h.sqlite3")
    session = history.start_session("dead-bug", "Dead bug")
    history.record_pain(session, 31.5, "Dead bug, heel taps")
    history.finish(session, Outcome.PAIN, 40.0)
    history.set_pain_after(session, 6)
    record = History(tmp_path / "h.sqlite3").recent()[0]
    assert record.outcome is Outcome.PAIN and record.pain_after == 6 and record.pain_before is None
    assert [(p.at_seconds, p.exercise) for p in record.pain_events] == [(31.5, "Dead bug, heel taps")]
    assert record.to_json()["pain_events"] == [{"at": 31.5, "exercise": "Dead bug, heel taps"}]


def test_recent_lists_newest_first(tmp_path):
    history = History(tmp_path / "h.sqlite3")
    ids = [history.start_session(name, name) for name in ("a", "b", "c")]
    assert [r.id for r in history.recent(2)] == ids[::-1][:2]


def test_the_file_is_in_wal_mode_so_readers_do_not_block_a_session(tmp_path):
    path = tmp_path / "h.sqlite3"
    writer = History(path)
    assert writer._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    writer._db.execute("BEGIN IMMEDIATE")  # a session in the middle of a write
    writer._db.execute("UPDATE sessions SET seconds = 1")
    assert History(path).recent() == []  # `coach history` meanwhile reads, and does not wait
    writer._db.execute("COMMIT")


def test_two_sessions_at_once_are_both_saved(tmp_path):
    path = tmp_path / "h.sqlite3"
    first, second = History(path), History(path)
    a = first.start_session("a", "A")
    b = second.start_session("b", "B")
    first.finish(a, Outcome.COMPLETED, 60.0)
    second.finish(b, Outcome.STOPPED, 30.0)
    assert {(r.routine, r.outcome) for r in History(path).recent()} == \
        {("a", Outcome.COMPLETED), ("b", Outcome.STOPPED)}


def test_a_file_that_is_not_a_database_is_broken_not_unreadable(tmp_path):
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not sqlite" * 300)
    with pytest.raises(BrokenHistory, match="file is not a database"):
        History(path)


def test_a_folder_that_cannot_hold_the_file_is_a_one_line_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(CoachError, match="cannot open the history file") as error:
        History(tmp_path / "file" / "h.sqlite3")
    assert not isinstance(error.value, BrokenHistory) and "\n" not in str(error.value)
