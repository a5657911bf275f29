"""Thousands of mutated routines: only RoutineError escapes, and every message is located."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.errors import RoutineError
from coach.loader import load_routine
from tests.conftest import builtin_dir

SEEDS = [p.read_text(encoding="utf-8") for p in sorted(builtin_dir().glob("*.yaml"))]
YAML_BITS = [":", "- ", "{", "}", "[", "]", "\n", "  ", "'", '"', "#", "&a", "*a", "!!", "0", "-1",
             "1e9", ".nan", "null", "true", "reps", "hold", "tempo", "exercises", "\t", "\x00", "é"]


@st.composite
def mutated_routine(draw) -> bytes:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        bit = draw(st.sampled_from(YAML_BITS) | st.text(max_size=4))
        end = min(len(text), at + draw(st.integers(1, 12)))
        if action == "insert":
            text = text[:at] + bit + text[at:]
        elif action == "delete":
            text = text[:at] + text[end:]
        else:
            text = text[:at] + bit + text[end:]
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()) and draw(st.integers(0, 9)) == 0:
        data = data[: len(data) // 2] + b"\xff\xfe" + data[len(data) // 2:]
    return data


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_routine())
def test_only_routine_errors_escape_and_each_names_file_and_line(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.yaml"
        path.write_bytes(data)
        try:
            load_routine(path)
        except RoutineError as error:
            for problem in error.problems:
                assert problem.file == str(path)
                assert problem.line >= 0
                where = f"{path}:{problem.line}" if problem.line else str(path)
                where += f":{problem.column}" if problem.line and problem.column else ""
                assert str(problem).startswith(f"{where}: ")
                assert "\n" not in str(problem)
