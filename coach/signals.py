"""SIGTERM (`kill`) and SIGHUP (the terminal closed) end coach the way Ctrl-C does.

They raise Ended, a KeyboardInterrupt, where the program is, so the same path runs: the session
is saved as interrupted with its length, the echo canceller is unloaded, the terminal restored.
The exit code is the shell's for the signal: 143 for SIGTERM, 129 for SIGHUP (130 for Ctrl-C).
"""

from __future__ import annotations

import contextlib
import signal
from typing import Iterator

ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Ended(KeyboardInterrupt):
    def __init__(self, signal_number: int):
        super().__init__(signal.Signals(signal_number).name)
        self.exit_code = 128 + signal_number


def exit_code(interrupt: KeyboardInterrupt) -> int:
    return getattr(interrupt, "exit_code", 128 + signal.SIGINT)


@contextlib.contextmanager
def ending_signals_interrupt() -> Iterator[None]:
    def end(signal_number, _frame):
        raise Ended(signal_number)

    # A signal ignored on purpose (`nohup coach run ...` ignores SIGHUP) stays ignored.
    previous = {number: signal.signal(number, end) for number in ENDING_SIGNALS
                if signal.getsignal(number) is not signal.SIG_IGN}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
