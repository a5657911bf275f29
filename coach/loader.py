"""The only module that imports yaml: routine file -> plain data with line marks -> Routine.

YAML is composed to nodes first, so every value keeps the line it came from and a
problem found later (in validation.py) can name the exact line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from coach.errors import Problem, RoutineError, one_line
from coach.routine import Routine
from coach.validation import build_routine, field_path

MAX_FILE_BYTES = 1_000_000

Marks = dict[tuple, int]


def load_routine(path: str | Path, shown_as: str | None = None) -> Routine:
    """Read, parse and validate one routine file; raise RoutineError naming file and line."""
    path = Path(path)
    name = shown_as or str(path)
    text = _read_text(path, name)
    data, marks = parse_yaml(text, name)
    return build_routine(data, marks, name, default_name=path.stem)


def _read_text(path: Path, name: str) -> str:
    def fail(message: str) -> RoutineError:
        return RoutineError([Problem(name, 0, "", message)])

    if not path.exists():
        raise fail("no such file")
    if path.is_dir():
        raise fail("is a directory, not a routine file")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise fail(f"cannot be read ({error.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"is {len(raw)} bytes; a routine file is at most {MAX_FILE_BYTES}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RoutineError([Problem(name, line, "", "is not UTF-8 text")]) from None
    if not text.strip():
        raise RoutineError([Problem(name, 1, "", "is empty; a routine needs a title and exercises")])
    return text.lstrip("\ufeff")


def parse_yaml(text: str, name: str) -> tuple[Any, Marks]:
    """Parse YAML text into plain data plus {field path: line number}."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        raise RoutineError([Problem(name, line, "", f"has a character YAML does not allow ({error.character:#06x})")]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise RoutineError([Problem(name, 1, "", "is empty; a routine needs a title and exercises")])
        marks: Marks = {}
        data = _to_data(loader, node, (), marks, name)
        return data, marks
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise RoutineError([Problem(name, line, "", plain_yaml_error(error), column)]) from None
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as error:
        raise RoutineError([Problem(name, 1, "", f"YAML error: {one_line(error)}")]) from None
    finally:
        loader.dispose()


def _to_data(loader: yaml.SafeLoader, node: yaml.Node, path: tuple, marks: Marks, name: str) -> Any:
    marks[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict = {}
        for key_node, value_node in node.value:
            key = _to_data(loader, key_node, path, {}, name)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise RoutineError([Problem(name, key_node.start_mark.line + 1, field_path(path), "keys must be plain words")])
            if key in result:
                raise RoutineError([Problem(name, key_node.start_mark.line + 1, field_path(path + (key,)), "appears twice")])
            result[key] = _to_data(loader, value_node, path + (key,), marks, name)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(loader, item, path + (i,), marks, name) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def plain_yaml_error(error: yaml.MarkedYAMLError) -> str:
    """The parser's jargon, for the mistakes people make, in plain words."""
    problem, context = error.problem or "", error.context or ""
    opened = f" (opened on line {error.context_mark.line + 1})" if error.context_mark else ""
    if "'\\t'" in problem or "\\t" in problem:
        return "a tab character: indent with spaces"
    if "quoted scalar" in context:
        return f"a quote that is not closed{opened}"
    if "expected ',' or ']'" in problem:
        return f"a [ that is not closed with ]{opened}"
    if "expected ',' or '}'" in problem:
        return f"a {{ that is not closed with }}{opened}"
    if "expected <block end>" in problem or "expected <block mapping start>" in problem:
        return "this line is not indented like the lines around it"
    if "mapping values are not allowed" in problem:
        return "a colon where none is expected: is a colon missing on the line above, or does a value with ': ' in it need quotes?"
    if "could not find expected ':'" in problem:
        return f"a key without a colon after it{opened}"
    return f"YAML syntax error: {problem or context or 'invalid YAML'}"
