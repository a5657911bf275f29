"""Terminal adapters: the screen (cues and a status line) and the keys (a CommandSource)."""

from __future__ import annotations

import contextlib
import os
import queue
import select
import sys
import threading
import time
from typing import IO

from coach.errors import DeviceError
from coach.events import TOGGLE, Command, Toggle

KEYS: dict[str, Command | Toggle] = {
    " ": TOGGLE, "n": Command.NEXT, "b": Command.BACK, "r": Command.REPEAT,
    "q": Command.STOP, "p": Command.PAIN,
}
KEY_HELP = "keys: space pause/resume · n next · b back · r repeat · q stop · p pain"
CLOCK_NOTE = "Times are minutes:seconds since the session started, as in coach history."


class TerminalDisplay:
    """Prints each cue on its own line; on a terminal, keeps a status line redrawn below them."""

    def __init__(self, out: IO[str] | None = None):
        self.out = out or sys.stdout
        self.live = self.out.isatty()
        self._last_status = ""

    def cue(self, at: float, text: str) -> None:
        minutes, seconds = divmod(int(at), 60)
        self._clear_status()
        self.out.write(f"{minutes:02d}:{seconds:02d}  {text}\n")
        self._redraw()

    def status(self, line: str) -> None:
        if not self.live or line == self._last_status:
            return
        self._last_status = line
        self._redraw()

    def close(self) -> None:
        self._clear_status()
        self.out.flush()

    def _clear_status(self) -> None:
        if self.live:
            self.out.write("\r\x1b[K")

    def _redraw(self) -> None:
        if self.live and self._last_status:
            width = max(20, _columns() - 1)
            self.out.write("\r\x1b[K" + self._last_status[:width])
        self.out.flush()


def _columns() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 80


_EOF = object()
_NOTHING = object()
# How long a spoken rating is waited for, and how often the keyboard is checked meanwhile.
VOICE_WAIT = 60.0
POLL_SECONDS = 0.05


class Console:
    """Owns standard input: answers questions (pain ratings) and hands out key presses.

    On a terminal, keys are single presses in cbreak mode. Otherwise (a pipe, a test), a reader
    thread splits input into lines: a question takes one line, and each poll for keys takes one
    line, so scripted input is replayed in order.
    """

    def __init__(self, stream: IO[str] | None = None, out: IO[str] | None = None):
        self.stream = stream or sys.stdin
        self.out = out or sys.stdout
        self.fd = _terminal_fd(self.stream)
        self._lines: queue.SimpleQueue = queue.SimpleQueue()
        self.answered_by = "keys"
        """How the last rating was given: "keys" or "voice"."""
        if self.fd is None:
            threading.Thread(target=self._read_lines, daemon=True).start()

    def show_rating_question(self, question: str, spoken: bool) -> None:
        self.out.write(f"{question} (0-10{', say or type it' if spoken else ''}, Enter to skip): ")
        self.out.flush()

    def ask_rating(self, question: str, voice=None, shown: bool = False) -> int | None:
        """A 0-10 rating, typed or (with `voice`, a source of heard numbers) said; None when the
        user skips (Enter) or there is no input. `shown`: the question is on screen already."""
        self.answered_by = "keys"
        self.overheard: list[str] = []
        while True:
            if not shown:
                self.show_rating_question(question, voice is not None)
            shown = False
            answer = self._wait_for_answer(voice)
            if isinstance(answer, int):
                self.out.write(f"{answer} (heard)\n")
                self.answered_by = "voice"
                return answer
            if answer is None or not answer.strip():
                self.out.write("\n" if answer is None else "")
                return None
            if answer.strip().isdecimal() and 0 <= int(answer) <= 10:
                return int(answer)
            self.out.write("Please answer with a whole number from 0 to 10, or press Enter to skip.\n")
            if self.fd is None:
                return None

    def ask_choice(self, count: int, voice=None, wait: float = 20.0) -> int | None:
        """A menu choice from 1 to `count`, typed (its number, then Enter) or said (with `voice`, a
        source of heard choices); None on Enter, at the end of input, or after `wait` seconds of silence."""
        self.answered_by = "keys"
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            for heard in self._heard(voice) if voice else []:
                if heard.command is not None:
                    self.answered_by = "voice"
                    return int(heard.command)
            typed = self._typed_within(POLL_SECONDS)
            if typed is _NOTHING:
                continue
            if typed is None or not typed.strip():
                return None
            if typed.strip().isdecimal() and 1 <= int(typed) <= count:
                return int(typed)
            self.out.write(f"Type a number from 1 to {count}, or press Enter to end.\n")
        return None

    def _wait_for_answer(self, voice) -> str | int | None:
        """A typed line, a heard number, or None at the end of input (or after VOICE_WAIT with voice)."""
        if voice is None:
            return self._read_answer()
        deadline = time.monotonic() + VOICE_WAIT
        while time.monotonic() < deadline:
            heard = self._heard(voice)
            self.overheard += [h.text for h in heard if h.command is None]
            numbers = [h.command for h in heard if h.command is not None]
            if numbers:
                return numbers[0]
            typed = self._typed_within(POLL_SECONDS)
            if typed is not _NOTHING:
                return typed
        return None

    def _heard(self, voice) -> list:
        """What `voice` heard since last asked; listening lost mid-question is said once (the voice
        raises once), and the question goes on with keys."""
        try:
            return voice.poll()
        except DeviceError as error:
            self.out.write(f"[{error}]\n")
            return []

    def _typed_within(self, timeout: float):
        """A typed line, or _NOTHING if none came within `timeout` (or input has ended: voice may still answer)."""
        if self.fd is not None:
            return self._read_answer() if select.select([self.fd], [], [], timeout)[0] else _NOTHING
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            return _NOTHING
        if line is _EOF:
            self._lines.put(_EOF)
            time.sleep(timeout)
            return _NOTHING
        self.out.write(line + "\n")
        return line

    def keys(self) -> "KeySource":
        return KeySource(self)

    def _read_answer(self) -> str | None:
        if self.fd is not None:
            line = self.stream.readline()
            return line.rstrip("\n") if line else None
        line = self._lines.get()
        if line is _EOF:
            self._lines.put(_EOF)
            return None
        self.out.write(line + "\n")
        return line

    def _read_lines(self) -> None:
        try:
            for line in self.stream:
                self._lines.put(line.rstrip("\n"))
        except (OSError, ValueError):
            pass
        self._lines.put(_EOF)

    def next_line_nowait(self) -> str:
        try:
            line = self._lines.get_nowait()
        except queue.Empty:
            return ""
        if line is _EOF:
            self._lines.put(_EOF)
            return ""
        return line


class KeySource:
    """Key presses as commands: space, n, b, r, q, p."""

    source = "keys"

    def __init__(self, console: Console):
        self.console = console
        self._saved_mode = None
        if console.fd is not None:
            import termios
            import tty

            self._saved_mode = termios.tcgetattr(console.fd)
            tty.setcbreak(console.fd)

    def poll(self) -> list[Command | Toggle]:
        keys = self._read_terminal() if self.console.fd is not None else self.console.next_line_nowait()
        return [KEYS[k] for k in keys.lower() if k in KEYS]

    def forget(self) -> None:
        pass  # nothing is read between polls: a question reads its own answer

    @contextlib.contextmanager
    def typing(self):
        """The terminal as it was (echo, whole lines) while a question's answer is typed."""
        if self._saved_mode is None:
            yield
            return
        import tty

        self._restore()
        try:
            yield
        finally:
            tty.setcbreak(self.console.fd)

    def close(self) -> None:
        if self._saved_mode is not None:
            self._restore()
            self._saved_mode = None

    def _restore(self) -> None:
        import termios

        try:
            termios.tcsetattr(self.console.fd, termios.TCSADRAIN, self._saved_mode)
        except (termios.error, OSError):
            pass  # the terminal hung up (SIGHUP): there is nothing left to restore

    def _read_terminal(self) -> str:
        keys = ""
        fd = self.console.fd
        while select.select([fd], [], [], 0)[0]:
            chunk = os.read(fd, 64).decode("utf-8", "ignore")
            if not chunk:
                break
            keys += chunk
        return keys


def _terminal_fd(stream: IO[str]) -> int | None:
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    return fd if os.isatty(fd) else None
