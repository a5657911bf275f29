"""Pure summaries of history for people following their own recovery: trends, weeks, plain counts.

Nothing here judges or urges: it states what happened (sessions this week, pain before and
after), never a target to beat.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Iterable, Sequence

from coach.events import Outcome
from coach.history import SessionRecord

BARS = "▁▂▃▄▅▆▇█"
PAIN_MAX = 10


def sparkline(ratings: Iterable[int | None]) -> str:
    """0-10 ratings as bars, lowest to highest; a missing rating is a space."""
    return "".join(" " if r is None else BARS[round(r / PAIN_MAX * (len(BARS) - 1))] for r in ratings)


def pain_trend(records: Sequence[SessionRecord]) -> str | None:
    """'Pain before sessions, oldest to newest: ▆▅▅▃ (7 -> 4)', or None with fewer than two ratings."""
    rated = [r.pain_before for r in records if r.pain_before is not None]
    if len(rated) < 2:
        return None
    return f"Pain before sessions, oldest to newest: {sparkline(rated)} ({rated[0]} -> {rated[-1]})"


def week_start(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


# A session stopped in its first minute (a false start, a wrong routine) is not one you did.
COUNTED_SECONDS = 60.0


def counts(record: SessionRecord) -> bool:
    return record.outcome is Outcome.COMPLETED or record.seconds >= COUNTED_SECONDS


def sessions_this_week(records: Iterable[SessionRecord], now: datetime) -> int:
    monday = week_start(now.date())
    return sum(1 for r in records
               if counts(r) and monday <= r.started_at.astimezone(now.tzinfo).date() <= now.date())


def week_line(records: Sequence[SessionRecord], now: datetime) -> str:
    count = sessions_this_week(records, now)
    return f"Sessions this week (since Monday; completed, or a minute or more): {count}."


def sessions_per_week(records: Iterable[SessionRecord]) -> dict[date, int]:
    """Monday -> number of sessions that week, for every week from the first session to the last."""
    days = [r.started_at.date() for r in records]
    if not days:
        return {}
    counts = {}
    week = week_start(min(days))
    while week <= week_start(max(days)):
        counts[week] = 0
        week += timedelta(days=7)
    for day in days:
        counts[week_start(day)] += 1
    return counts
