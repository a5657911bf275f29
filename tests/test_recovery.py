"""A damaged history file is moved aside, a new one started, and what can be read is saved."""

from __future__ import annotations

from datetime import datetime

from coach.events import Outcome
from coach.history import History
from coach.recovery import open_or_recover

PAGE = 4096
WHEN = datetime(2026, 12, 2, 7, 30, 5)


def _history_with_sessions(path, count: int) -> None:
    history = History(path)
    for number in range(count):
        session = history.start_session(f"routine-{number}", f"Routine number {number}", pain_before=3)
        history.record_pain(session, 12.5, "Knee rolls")
        history.finish(session, Outcome.PAIN, 60.0)
    history._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every row in the main file, as after a clean exit
    history.close()


def _damage(path, page: int) -> None:
    data = bytearray(path.read_bytes())
    data[page * PAGE + 100: page * PAGE + 3000] = b"\xa5" * 2900
    path.write_bytes(bytes(data))


def test_a_healthy_file_opens_with_no_notice(tmp_path):
    _history_with_sessions(tmp_path / "history.sqlite3", 3)
    history = open_or_recover(tmp_path / "history.sqlite3")
    assert history.notice is None and len(history.recent()) == 3


def test_a_file_that_is_not_a_database_is_moved_aside_and_a_new_one_started(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"\x00garbage" * 1000)
    history = open_or_recover(path, WHEN)
    aside = tmp_path / "history.sqlite3.broken-20261202-073005"
    assert aside.read_bytes() == b"\x00garbage" * 1000
    assert history.recent() == []
    assert history.notice == (
        f"The history file was damaged (file is not a database). It is kept as {aside}; a new one was "
        "started with the 0 sessions and 0 pain events that could be read from it.")
    history.start_session("knee-rolls", "Knee rolls")
    assert [r.routine for r in History(path).recent()] == ["knee-rolls"]


def test_the_readable_rows_of_a_damaged_file_are_saved(tmp_path):
    path = tmp_path / "history.sqlite3"
    _history_with_sessions(path, 300)
    _damage(path, 5)
    history = open_or_recover(path, WHEN)
    saved = history.all_sessions()
    assert "integrity check" in history.notice and "\n" not in history.notice
    assert 0 < len(saved) <= 300 and f"with the {len(saved)} sessions" in history.notice
    assert all(r.routine == f"routine-{r.id - 1}" and r.outcome is Outcome.PAIN for r in saved)
    assert sum(len(r.pain_events) for r in saved) > 0
    assert {p.name for p in tmp_path.iterdir() if ".broken-" in p.name} <= \
        {f"history.sqlite3.broken-20261202-073005{suffix}" for suffix in ("", "-wal", "-shm")}
    assert (tmp_path / "history.sqlite3.broken-20261202-073005").exists()


def test_a_damaged_sessions_page_loses_only_its_rows(tmp_path):
    path = tmp_path / "history.sqlite3"
    _history_with_sessions(path, 300)
    db = History(path)._db
    pages = [row[0] for row in db.execute("SELECT pageno FROM dbstat WHERE name = 'sessions' AND pagetype = 'leaf'")]
    db.close()
    _damage(path, pages[len(pages) // 2] - 1)
    saved = open_or_recover(path, WHEN).all_sessions()
    ids = [r.id for r in saved]
    assert 1 in ids and 300 in ids  # rows before and after the damaged page
    assert 200 < len(saved) < 300
