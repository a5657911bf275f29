"""A made-up year of sessions in a real history file, for tests, the report bench and the README picture."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from coach.events import Outcome
from coach.history import History

ROUTINES = [("pelvic-tilt-90-90", "90-90 pelvic tilt"), ("bird-dog", "Bird dog"), ("dead-bug", "Dead bug"),
            ("breathing-4-7-8", "4-7-8 breathing")]


def fill_year(history: History, days: int = 365, seed: int = 7,
              start: datetime = datetime(2025, 11, 3, 8, 0, tzinfo=timezone.utc)) -> int:
    """About five sessions a week for `days`, pain easing from about 7 to 3; return how many were written."""
    rng = random.Random(seed)
    written = 0
    for day in range(days):
        if rng.random() > 0.7:
            continue
        level = 7 - 4 * day / days + rng.gauss(0, 1)
        before = min(10, max(0, round(level)))
        routine, title = rng.choice(ROUTINES)
        when = start + timedelta(days=day, hours=rng.choice([0, 4, 11, 14]))
        session = history.start_session(routine, title, pain_before=before, started_at=when)
        if rng.random() < 0.05:
            history.record_pain(session, rng.uniform(30, 300), "Bird dog")
            history.finish(session, Outcome.PAIN, rng.uniform(60, 300))
        else:
            history.finish(session, Outcome.COMPLETED, rng.uniform(300, 700))
        history.set_pain_after(session, max(0, before - rng.choice([0, 1, 1, 2])))
        written += 1
    return written
