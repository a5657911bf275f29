"""Every session and pain event as CSV rows, for spreadsheets and other tools."""

from __future__ import annotations

import csv
from typing import IO, Iterable

from coach.history import SessionRecord

COLUMNS = ("record", "session_id", "routine", "title", "started_at", "seconds", "outcome",
           "pain_before", "pain_after", "pain_at_seconds", "exercise")


def write_csv(records: Iterable[SessionRecord], out: IO[str]) -> int:
    """One "session" row per session, followed by one "pain_event" row per pain event; return rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = 0
    for r in records:
        base = [r.id, r.routine, r.title, r.started_at.isoformat(timespec="seconds")]
        writer.writerow(["session", *base, round(r.seconds, 1), r.outcome.value,
                         _blank(r.pain_before), _blank(r.pain_after), "", ""])
        rows += 1
        for pain in r.pain_events:
            writer.writerow(["pain_event", *base, "", "", "", "", round(pain.at_seconds, 1), pain.exercise])
            rows += 1
    return rows


def _blank(value: int | None) -> str | int:
    return "" if value is None else value
