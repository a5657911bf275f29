"""The progress report: one PNG with pain ratings over time, sessions per week and pain events.

matplotlib draws off-screen (Agg), so a report needs no display and opens in any image viewer.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Sequence

from coach.errors import CoachError
from coach.history import SessionRecord
from coach.progress import sessions_per_week, week_start

WIDTH_INCHES, HEIGHT_INCHES, DPI = 10, 8, 100
SIZE = (WIDTH_INCHES * DPI, HEIGHT_INCHES * DPI)
"""The PNG's width and height in pixels."""


def write_report(records: Sequence[SessionRecord], path: str | Path) -> Path:
    """Draw the report for `records` (oldest first) into a PNG at `path`."""
    if not records:
        raise CoachError("no sessions yet, so there is nothing to report: start one with coach run")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    target = report_path(path, Figure().canvas.get_supported_filetypes())
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    ratings, weeks, pains = figure.subplots(3, 1, sharex=True, height_ratios=(2, 1, 1))
    _ratings(ratings, records)
    _weekly_bars(weeks, sessions_per_week(records), "Sessions per week", "tab:blue")
    pain_weeks = dict.fromkeys(sessions_per_week(records), 0)
    pain_weeks.update(Counter(week_start(r.started_at.date()) for r in records for _ in r.pain_events))
    _weekly_bars(pains, pain_weeks, "Pain events per week", "tab:red")
    first, last = records[0].started_at, records[-1].started_at
    figure.suptitle(f"coach progress, {first:%d %b %Y} to {last:%d %b %Y}")
    try:
        figure.savefig(target, dpi=DPI)
    except OSError as error:
        raise CoachError(f"cannot write the report to {target}: {error.strerror or error}") from None
    return target


def report_path(path: str | Path, formats: dict[str, str]) -> Path:
    """The file the report goes to: PNG when no extension is given; an unknown one is an error."""
    target = Path(path)
    if not target.suffix:
        return target.with_name(target.name + ".png")
    if target.suffix[1:].lower() not in formats:
        raise CoachError(f"cannot write a report as {target.suffix}: use one of "
                         f"{', '.join('.' + name for name in sorted(formats))}")
    return target


def _ratings(axes, records: Sequence[SessionRecord]) -> None:
    for attribute, label, marker in (("pain_before", "before the session", "o"),
                                     ("pain_after", "after the session", "s")):
        points = [(r.started_at, getattr(r, attribute)) for r in records if getattr(r, attribute) is not None]
        if points:
            axes.plot(*zip(*points), marker=marker, markersize=3, linewidth=1, label=label)
    axes.set_ylim(-0.5, 10.5)
    axes.set_yticks(range(0, 11, 2))
    axes.set_ylabel("Pain (0-10)")
    axes.set_title("Your pain ratings", loc="left")
    axes.grid(alpha=0.3)
    if axes.lines:
        axes.legend(loc="upper right")


def _weekly_bars(axes, counts: dict, title: str, color: str) -> None:
    axes.bar(list(counts), list(counts.values()), width=6, align="edge", color=color)
    axes.set_title(title, loc="left")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="y", alpha=0.3)
