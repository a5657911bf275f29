"""Where routines come from: the built-in folder, the user folder, or a path."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from coach.errors import RoutineError, UnknownRoutine
from coach.loader import load_routine
from coach.routine import Routine

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "routines"


def user_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("coach")) / "routines"


@dataclass(frozen=True)
class Entry:
    name: str
    path: Path
    builtin: bool
    replaces_builtin: bool = False
    """A user routine with a built-in's name: it is the one `coach run NAME` runs."""


def builtin_dir() -> Path:
    packaged = Path(__file__).resolve().parent / "routines"
    return packaged if packaged.is_dir() else BUILTIN_DIR


def entries(user_folder: Path | None = None) -> list[Entry]:
    """Every routine by name, sorted; a user routine replaces the built-in of the same name."""
    found = {p.stem: Entry(p.stem, p, True) for p in sorted(builtin_dir().glob("*.yaml"))}
    folder = user_folder if user_folder is not None else user_dir()
    if folder.is_dir():
        for p in sorted(folder.glob("*.y*ml")):
            found[p.stem] = Entry(p.stem, p, False, replaces_builtin=found.get(p.stem, Entry("", p, False)).builtin)
    return [found[name] for name in sorted(found)]


def resolve(name_or_path: str, user_folder: Path | None = None) -> Routine:
    """A routine by name (user routines win over built-ins of the same name) or by file path."""
    by_name = {e.name: e for e in entries(user_folder)}
    if name_or_path in by_name:
        entry = by_name[name_or_path]
        return load_routine(entry.path, shown_as=str(entry.path))
    if _looks_like_path(name_or_path):
        return load_routine(name_or_path)
    hint = difflib.get_close_matches(name_or_path, list(by_name), n=1, cutoff=0.5)
    suggestion = f'; did you mean "{hint[0]}"?' if hint else "; see `coach list`"
    raise UnknownRoutine(f'no routine named "{name_or_path}"{suggestion}')


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith((".yaml", ".yml")) or Path(text).exists()


def load_all(user_folder: Path | None = None) -> list[tuple[Entry, Routine | RoutineError]]:
    """Every routine, or the error that keeps it from loading (so `list` can show both)."""
    result: list[tuple[Entry, Routine | RoutineError]] = []
    for entry in entries(user_folder):
        try:
            result.append((entry, load_routine(entry.path, shown_as=str(entry.path))))
        except RoutineError as error:
            result.append((entry, error))
    return result
