"""Choosing what to run: the menu by keys, --last, one exercise, list filters, sources, suggest_next."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner

from coach.cli import main
from coach.events import Outcome
from coach.history import SessionRecord
from coach.selection import by_use

FAST = ["--text", "--no-rating", "--speed", "500"]


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def routines_run() -> list[str]:
    return [r["routine"] for r in json.loads(invoke("history", "--json").output)]


def menu_rows(output: str) -> list[str]:
    return [m[1] for m in re.finditer(r"^  \d  .* \(([a-z0-9-]+)\)$", output, re.MULTILINE)]


def test_run_with_no_routine_shows_a_menu_and_a_typed_number_runs_that_routine():
    result = invoke("run", *FAST, input="2\n")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Which routine would you like? Type its number and press Enter.\n")
    rows = menu_rows(result.output)
    assert len(rows) == 6
    assert routines_run() == [rows[1]]


def test_the_menu_puts_this_users_most_used_routines_first():
    for name in ("knee-hugs", "knee-hugs", "wall-angels"):
        invoke("run", name, *FAST)
    rows = menu_rows(invoke("run", *FAST, input="\n").output)
    assert rows[:2] == ["knee-hugs", "wall-angels"]


def test_no_choice_ends_quietly():
    result = invoke("run", *FAST, input="\n")
    assert result.exit_code == 0 and result.output.strip().endswith("No routine chosen. Start one any time with coach run.")
    silent = invoke("run", "--text", "--no-rating", "--speed", "100")  # no input at all: 20 s / 100
    assert silent.exit_code == 0 and "No routine chosen." in silent.output
    assert routines_run() == []


def test_a_number_off_the_menu_is_asked_again():
    result = invoke("run", *FAST, input="9\n1\n")
    assert "Type a number from 1 to 6, or press Enter to end." in result.output
    assert len(routines_run()) == 1


def test_by_use_orders_by_count_then_by_most_recent():
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)

    def session(name, days_ago):
        return SessionRecord(1, name, name, now - timedelta(days=days_ago), 60.0, Outcome.COMPLETED, None, None)

    newest_first = [session("b", 1), session("c", 2), session("c", 3), session("b", 4), session("a", 5)]
    assert by_use(["a", "b", "c", "d"], newest_first) == ["b", "c", "a", "d"]


def test_last_runs_the_routine_of_the_last_session():
    invoke("run", "knee-hugs", *FAST)
    result = invoke("run", "--last", *FAST)
    assert result.exit_code == 0 and "Let's begin: Knee hugs." in result.output
    assert routines_run() == ["knee-hugs", "knee-hugs"]


def test_last_with_no_history_is_one_line():
    result = invoke("run", "--last", *FAST)
    assert result.exit_code == 1
    assert result.output == "Error: no sessions yet, so there is no last routine: choose one from coach list\n"


def test_one_exercise_of_a_routine_runs_alone():
    result = invoke("run", "nhs-lower-back", "--exercise", "knee rolls", *FAST)
    assert result.exit_code == 0, result.output
    assert "Knee rolls." in result.output and "Back extensions" not in result.output
    wrong = invoke("run", "nhs-lower-back", "--exercise", "knee roll", *FAST)
    assert wrong.exit_code == 1 and wrong.output == \
        'Error: nhs-lower-back has no exercise "knee roll"; did you mean "Knee rolls"?\n'


def test_list_filters_by_kind_and_length():
    breathing = invoke("list", "--kind", "breathing").output.splitlines()
    assert breathing and all(" breathing " in row for row in breathing)
    short = invoke("list", "--max-minutes", "3").output.splitlines()
    assert short and all(float(row.split(" min")[0].split()[-1]) <= 3 for row in short)
    assert "nhs-lower-back" in invoke("list").output and "nhs-lower-back" not in "\n".join(short)


def test_show_prints_the_source_of_each_exercise():
    output = invoke("show", "nhs-lower-back").output
    sources = output.split("Sources:\n")[1].splitlines()
    assert sources[0] == ("  Bottom to heels stretch: NHS, Lower back pain exercises, "
                          "https://www.nhs.uk/live-well/exercise/lower-back-pain-exercises/")
    assert len(sources) == 5
    assert "  All exercises: NHS, Exercises for lower back pain, " in invoke("show", "bird-dog").output


def test_another_routine_is_offered_only_when_asked_for_in_config():
    assert "you could run" not in invoke("run", "knee-hugs", *FAST).output
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "coach" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("suggest_next = true\n")
    offered = invoke("run", "knee-hugs", *FAST).output.splitlines()[-1]
    assert offered.startswith("If you would like another, you could run: coach run ") and "knee-hugs" not in offered
    after_pain = invoke("run", "dead-bug", "--text", "--no-rating", "--speed", "100", input="\n" * 20 + "p\nq\n")
    assert "you could run" not in after_pain.output
    config.write_text("suggest_next = 1\n")
    bad = invoke("run", "knee-hugs", *FAST)
    assert bad.exit_code == 1 and bad.output == f"Error: {config}: suggest_next: must be true or false, got 1\n"


def test_a_pause_step_needs_words(routine_file):
    path = routine_file("title: x\nexercises:\n  - {name: Sit up, pause: 5}\n")
    result = invoke("validate", str(path))
    assert result.exit_code == 1 and f"{path}:3: exercises[0].setup: is required with pause" in result.output
