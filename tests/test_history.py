"""History in a real SQLite file: written at start, updated as it goes, never lost."""

from __future__ import annotations

from coach.events import Outcome
from coach.history import History


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
