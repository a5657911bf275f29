"""The keys on a real pseudo-terminal: single presses while the session runs, an ordinary typed
line (echoed, editable) while a question is answered."""

from __future__ import annotations

import os
import pty
import termios

from coach.events import Command
from coach.terminal import Console


def _mode(fd: int) -> tuple[bool, bool]:
    flags = termios.tcgetattr(fd)[3]
    return bool(flags & termios.ECHO), bool(flags & termios.ICANON)


def test_a_question_gets_the_terminals_own_line_mode_and_the_keys_come_back():
    main, follower = pty.openpty()
    with os.fdopen(follower, "r", closefd=True) as stream:
        console = Console(stream, open(os.devnull, "w"))
        typed = _mode(follower)
        keys = console.keys()
        assert _mode(follower) == (False, False)  # single presses, not echoed
        with keys.typing():
            assert _mode(follower) == typed
            os.write(main, b"7\n")
            assert console.ask_rating("How is your pain?", shown=True) == 7
        assert _mode(follower) == (False, False)
        os.write(main, b"q")
        assert keys.poll() == [Command.STOP]
        keys.close()
        assert _mode(follower) == typed
    os.close(main)
