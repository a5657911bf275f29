"""Routine files: good ones load, every bad one gets a located one-line message."""

from __future__ import annotations

import pytest

from coach.errors import RoutineError
from coach.loader import load_routine

GOOD = """\
title: My routine
exercises:
  - name: Bridge
    setup: Lie on your back.
    reps: 8
    tempo: {lift: 2, hold: 2, lower: 2}
    sides: true
    sets: 2
    rest: 15
  - name: Knee hug
    hold: 20
  - name: Calm breathing
    breathing: {in: 4, hold: 2, out: 6}
    cycles: 3
"""


def problems(path) -> list[str]:
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    return [str(p) for p in caught.value.problems]


def test_good_routine_loads_every_field(routine_file):
    routine = load_routine(routine_file(GOOD))
    bridge, hug, breathing = routine.exercises
    assert routine.name == "mine" and routine.title == "My routine"
    assert [(p.word, p.seconds) for p in bridge.tempo] == [("Lift", 2), ("Hold", 2), ("Lower", 2)]
    assert bridge.sides == ("left side", "right side") and bridge.sets == 2 and bridge.rest == 15
    assert hug.hold == 20 and hug.rest == 10
    assert [p.word for p in breathing.breathing] == ["Breathe in", "Hold", "Breathe out"]
    assert breathing.cycles == 3


def test_reps_given_as_words_names_file_line_and_field(routine_file):
    path = routine_file(GOOD.replace("reps: 8", 'reps: "ten"'))
    assert problems(path) == [f'{path}:5: exercises[0].reps: must be a whole number from 1 to 50, got "ten"']


def test_every_problem_is_reported_in_one_pass(routine_file):
    text = GOOD.replace("reps: 8", "reps: 0").replace("hold: 20", "hold: -5").replace("cycles: 3", "cycles: 1000")
    found = problems(routine_file(text))
    assert len(found) == 3
    assert any("exercises[0].reps" in p and "from 1 to 50" in p for p in found)
    assert any("exercises[1].hold" in p and "from 1 to 300" in p for p in found)
    assert any("exercises[2].cycles" in p for p in found)


def test_unknown_key_suggests_the_close_one(routine_file):
    path = routine_file(GOOD.replace("sets: 2", "sest: 2"))
    assert problems(path) == [f'{path}:8: exercises[0].sest: unknown key; did you mean "sets"?']


@pytest.mark.parametrize("text, where, message", [
    ("title: x\nexercises:\n  - name: [unclosed\n", "4:1", "a [ that is not closed with ] (opened on line 3)"),
    ("title: x\nexercises:\n  - {name: Hug, hold: 5\n", "4:1", "a { that is not closed with } (opened on line 3)"),
    ('title: "x\nexercises: []\n', "3:1", "a quote that is not closed (opened on line 1)"),
    ("title: x\nexercises:\n  - name: Hug\n   hold: 5\n", "4:4", "this line is not indented like the lines around it"),
    ("title: x\nexercises:\n  - name Hug\n    hold: 5\n", "4:9", "a colon where none is expected: is a colon "
     "missing on the line above, or does a value with ': ' in it need quotes?"),
    ("title: x\n\texercises: []\n", "2:1", "a tab character: indent with spaces"),
])
def test_common_yaml_mistakes_are_said_in_plain_words_with_line_and_column(routine_file, text, where, message):
    path = routine_file(text)
    assert problems(path) == [f"{path}:{where}: {message}"]


def test_problems_are_reported_in_the_order_of_the_file(routine_file):
    path = routine_file("exercises:\n  - {name: A, hold: 999}\n  - {name: B, reps: 0}\ntitle: 7\n")
    lines = [int(p.split(":")[1]) for p in problems(path)]
    assert lines == sorted(lines) and len(lines) >= 2


def test_a_directory_given_as_a_routine_is_named_without_a_line(tmp_path):
    folder = tmp_path / "adir.yaml"
    folder.mkdir()
    assert problems(folder) == [f"{folder}: is a directory, not a routine file"]


@pytest.mark.parametrize("raw, message", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (b"title: caf\xe9\n", "is not UTF-8 text"),
    (b"- just\n- a list\n", "must be a mapping"),
    (b"title: x\n", "exercises: is required"),
    (b"title: x\nexercises: []\n", "at least one exercise"),
    (b"title: x\nexercises:\n  - name: a\n", "needs exactly one of reps, hold, breathing or pause"),
    (b"title: x\nexercises:\n  - {name: a, reps: 3, hold: 5}\n", "got reps and hold"),
    (b"title: x\nexercises:\n  - {name: a, hold: .nan}\n", "from 1 to 300"),
    (b"title: x\nexercises:\n  - {name: a, hold: 100000}\n", "from 1 to 300"),
    (b"title: x\nexercises:\n  - {name: a, reps: 3.5}\n", "whole number"),
    (b"title: x\nexercises:\n  - {name: a, reps: true}\n", "got true"),
    (b"title: x\nexercises:\n  - {name: a, breathing: {in: 0, out: 4}}\n", "breathing.in: must be"),
    (b"title: x\nexercises:\n  - {name: a, breathing: {out: 4}}\n", "breathing.in: is required"),
    (b"title: x\ntitle: y\nexercises:\n  - {name: a, reps: 3}\n", "title: appears twice"),
    (b"title: x\nkind: stretching\nexercises:\n  - {name: a, reps: 3}\n", 'must be "exercise" or "breathing"'),
])
def test_bad_content_gets_a_located_message(tmp_path, raw, message):
    path = tmp_path / "bad.yaml"
    path.write_bytes(raw)
    found = problems(path)
    assert any(message in p for p in found), found
    assert all(p.startswith(f"{path}:") for p in found)


def test_missing_file_and_directory_are_routine_errors(tmp_path):
    assert "no such file" in problems(tmp_path / "nope.yaml")[0]
    assert "is a directory" in problems(tmp_path)[0]
