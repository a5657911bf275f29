"""The core (routine model, timeline, session and turn-taking state machines and what they speak in) is pure: it
imports no adapter and nothing that does I/O, directly or through another coach module."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "coach"
CORE = {"coach.routine", "coach.validation", "coach.timeline", "coach.session", "coach.events", "coach.content",
        "coach.phrases", "coach.errors", "coach.ports", "coach.turns"}
# What the core may import from the standard library: nothing that reads, writes, waits or talks.
PURE_STDLIB = {"__future__", "bisect", "dataclasses", "difflib", "enum", "functools", "math", "re", "typing",
               "collections", "itertools"}


def imports_of(module: str) -> set[str]:
    """The modules `module` imports, at any depth of its code (top-level names for the stdlib)."""
    tree = ast.parse((PACKAGE / f"{module.removeprefix('coach.').replace('.', '/')}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module)
            if node.module == "coach":
                found |= {f"coach.{alias.name}" for alias in node.names}
    return {name if name.startswith("coach.") else name.split(".")[0] for name in found if name != "coach"}


def reachable(start: str) -> dict[str, str]:
    """Every module reachable from `start` through coach's own imports, with who imported it."""
    seen, todo = {start: ""}, [start]
    while todo:
        module = todo.pop()
        for name in imports_of(module):
            if name not in seen:
                seen[name] = module
                if name.startswith("coach."):
                    todo.append(name)
    return seen


@pytest.mark.parametrize("module", sorted(CORE))
def test_the_core_imports_only_the_core_and_pure_standard_modules(module):
    impure = {name: by for name, by in reachable(module).items()
              if name != module and name not in CORE and name not in PURE_STDLIB}
    assert not impure, f"{module} reaches {impure} (module: imported by)"


def test_the_walk_sees_an_adapter_and_io():
    """The check itself: an adapter's imports are found, through coach modules too."""
    reached = reachable("coach.runner")
    assert {"coach.session", "coach.turns", "time"} <= set(reached)
    assert {"coach.eventlog", "coach.audio.voice"} <= set(reachable("coach.app"))


ADAPTERS = ("coach.audio", "coach.eventlog", "coach.history", "coach.terminal", "coach.recorder")
NOT_AN_ADAPTER = {"coach.audio.chunk"}  # the audio format and level: numbers only


@pytest.mark.parametrize("module", ["coach.runner", "coach.hands_free", "coach.listening"])
def test_the_loops_are_given_their_adapters_by_the_composition_root(module):
    built = {name: by for name, by in reachable(module).items()
             if name.startswith(ADAPTERS) and name not in NOT_AN_ADAPTER}
    assert not built, f"{module} reaches {built} (module: imported by); app.py builds adapters"
