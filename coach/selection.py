"""Choosing what to run: one exercise of a routine, the last routine, and the menu's order."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import replace
from typing import Sequence

from coach.errors import CoachError
from coach.history import SessionRecord
from coach.routine import Routine


def only_exercise(routine: Routine, name: str) -> Routine:
    """The routine with only the exercises called `name` (case and spacing aside; all its sides and sets)."""
    wanted = _plain(name)
    chosen = tuple(e for e in routine.exercises if _plain(e.name) == wanted)
    if not chosen:
        names = list(dict.fromkeys(e.name for e in routine.exercises))
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
        hint = f'did you mean "{close[0]}"?' if close else f"its exercises: {', '.join(names)}"
        raise CoachError(f'{routine.name} has no exercise "{name}"; {hint}')
    return replace(routine, title=f"{routine.title}: {chosen[0].name}", exercises=chosen)


def _plain(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").split())


def last_routine(records: Sequence[SessionRecord]) -> str:
    """The routine of the newest session (records newest first)."""
    if not records:
        raise CoachError("no sessions yet, so there is no last routine: choose one from coach list")
    return records[0].routine


def by_use(names: Sequence[str], records: Sequence[SessionRecord]) -> list[str]:
    """`names`, the ones this user ran most first (then the most recent first among equals), the rest in order."""
    used = Counter(r.routine for r in records)
    latest = {r.routine: r.started_at for r in reversed(records)}
    ran = sorted((n for n in names if used[n]), key=lambda n: (-used[n], -latest[n].timestamp()))
    return ran + [n for n in names if not used[n]]
