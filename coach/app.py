"""The composition root: builds the adapters for a session and wires them to the runner."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from coach.clock import MonotonicClock
from coach.eventlog import EventLog
from coach.events import Outcome
from coach.history import History
from coach.routine import Routine
from coach.runner import Ports, Runner
from coach.terminal import KEY_HELP, Console, SilentSpeaker, TerminalDisplay
from coach.timeline import build_timeline

DATA_DIR_ENV = "COACH_DATA_DIR"
HISTORY_FILE = "history.sqlite3"


def data_dir(option: str | None) -> Path:
    """--data-dir, else $COACH_DATA_DIR, else the platform's user data folder."""
    if option:
        return Path(option)
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV])
    from platformdirs import user_data_dir

    return Path(user_data_dir("coach"))


def open_history(folder: Path) -> History:
    return History(folder / HISTORY_FILE)


class HistoryRecorder:
    """The SessionRecorder port on the history file, for one session."""

    def __init__(self, history: History, session_id: int):
        self.history = history
        self.session_id = session_id

    def progress(self, seconds: float) -> None:
        self.history.update_length(self.session_id, seconds)

    def pain(self, at_seconds: float, exercise: str) -> None:
        self.history.record_pain(self.session_id, at_seconds, exercise)

    def finish(self, outcome: Outcome, seconds: float) -> None:
        self.history.finish(self.session_id, outcome, seconds)


@dataclass(frozen=True)
class RunOptions:
    data_dir: Path
    ask_ratings: bool = True
    log_path: str | None = None
    speed: float = 1.0


def run_session(routine: Routine, options: RunOptions, console: Console) -> Outcome:
    """Run one session in the terminal, recorded in history from its first second."""
    history = open_history(options.data_dir)
    log = EventLog(options.log_path)
    try:
        before = console.ask_rating("How is your pain right now?") if options.ask_ratings else None
        session_id = history.start_session(routine.name, routine.title, pain_before=before)
        display = TerminalDisplay(console.out)
        console.out.write(f"{routine.title}. {KEY_HELP}\n")
        keys = console.keys()
        ports = Ports(MonotonicClock(options.speed), SilentSpeaker(), display,
                      HistoryRecorder(history, session_id), [keys], log)
        try:
            state = Runner(build_timeline(routine), ports).run()
        finally:
            keys.close()
            display.close()
        if options.ask_ratings:
            history.set_pain_after(session_id, console.ask_rating("And how is your pain now?"))
        return state.outcome or Outcome.STOPPED
    finally:
        log.close()
        history.close()
