"""The errors coach raises on purpose. Only cli.py turns them into exit codes."""

from __future__ import annotations

from dataclasses import dataclass


def one_line(error: BaseException, named: bool = False) -> str:
    """An error's message on one line (after its type's name if `named`); its type's name if it has none."""
    message = " ".join(str(error).split())
    if not message:
        return type(error).__name__
    return f"{type(error).__name__}: {message}" if named else message


class CoachError(Exception):
    """A problem the user can fix; its message is shown as `Error: ...`."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a routine file, located by file, line and field path."""

    file: str
    line: int
    """0 when the problem is the file itself (missing, a directory)."""
    field: str
    message: str
    column: int = 0

    def __str__(self) -> str:
        where = self.file if not self.line else f"{self.file}:{self.line}"
        where += f":{self.column}" if self.line and self.column else ""
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class RoutineError(CoachError):
    """A routine file that cannot be used; carries every problem found in one pass."""

    def __init__(self, problems: list[Problem]):
        if not problems:
            raise ValueError("RoutineError needs at least one problem")
        self.problems = sorted(problems, key=lambda p: p.line)  # in the order the file reads
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownRoutine(CoachError):
    """A routine name that is neither built in, nor in the user folder, nor a file."""


class DeviceError(CoachError):
    """An audio device or engine is missing or failed."""
