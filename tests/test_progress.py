from datetime import datetime, timedelta, timezone

from coach.events import Outcome
from coach.history import SessionRecord
from coach.progress import pain_trend, sessions_per_week, sessions_this_week, sparkline, week_line


def record(day: datetime, before: int | None = None) -> SessionRecord:
    return SessionRecord(1, "bird-dog", "Bird dog", day, 300.0, Outcome.COMPLETED, before, None)


WEDNESDAY = datetime(2026, 11, 25, 20, 0, tzinfo=timezone.utc)


def test_sparkline_maps_zero_to_ten_onto_the_lowest_and_highest_bars():
    assert sparkline([0, 5, 10, None]) == "▁▅█ "


def test_trend_reads_oldest_to_newest_with_first_and_last_ratings():
    records = [record(WEDNESDAY, 7), record(WEDNESDAY, None), record(WEDNESDAY, 4)]
    assert pain_trend(records) == "Pain before sessions, oldest to newest: ▆▄ (7 -> 4)"


def test_no_trend_from_a_single_rating():
    assert pain_trend([record(WEDNESDAY, 7)]) is None


def test_week_counts_from_monday_and_ignores_last_week():
    days = [WEDNESDAY - timedelta(days=d) for d in (0, 1, 2, 3)]  # Wed, Tue, Mon, last Sunday
    assert sessions_this_week([record(d) for d in days], WEDNESDAY) == 3
    assert week_line([record(d) for d in days], WEDNESDAY) == \
        "Sessions this week (since Monday; completed, or a minute or more): 3."


def test_a_session_stopped_in_its_first_minute_is_not_counted():
    short = SessionRecord(2, "bird-dog", "Bird dog", WEDNESDAY, 59.0, Outcome.STOPPED, None, None)
    brief_but_done = SessionRecord(3, "breathing-4-7-8", "4-7-8", WEDNESDAY, 30.0, Outcome.COMPLETED, None, None)
    long_enough = SessionRecord(4, "bird-dog", "Bird dog", WEDNESDAY, 61.0, Outcome.INTERRUPTED, None, None)
    assert sessions_this_week([short, brief_but_done, long_enough], WEDNESDAY) == 2


def test_weeks_without_sessions_are_counted_as_zero():
    counts = sessions_per_week([record(WEDNESDAY - timedelta(days=21)), record(WEDNESDAY)])
    assert list(counts.values()) == [1, 0, 0, 1]
    assert all(monday.weekday() == 0 for monday in counts)
