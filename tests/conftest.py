from __future__ import annotations

from pathlib import Path

import pytest

from coach.catalog import builtin_dir
from coach.loader import load_routine
from coach.routine import Routine
from coach.timeline import Timeline, build_timeline


@pytest.fixture
def routine_file(tmp_path: Path):
    """Write YAML text to a routine file and return its path."""

    def write(text: str, name: str = "mine.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def builtin(name: str) -> Routine:
    return load_routine(builtin_dir() / f"{name}.yaml")


def builtin_timeline(name: str) -> Timeline:
    return build_timeline(builtin(name))


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Keep every test away from the real user's history and routines."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
