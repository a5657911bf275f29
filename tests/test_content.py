"""Every built-in routine follows the content brief: sources, no statistics, no named experts."""

from __future__ import annotations

import re

import pytest

from coach.catalog import builtin_dir
from coach.content import EMERGENCY_SIGNS, URGENT_SIGNS, pain_protocol_lines
from tests.conftest import builtin

REQUIRED = {"pelvic-tilt-90-90", "bird-dog", "dead-bug", "wall-angels", "breathing-4-7-8", "flare-up"}
FORBIDDEN = [r"\d+\s*%", r"\bpercent\b", r"\bDr\.?\s", r"\bProf(essor)?\b", r"\bcures?\b", r"\bguarantee",
             r"muscle memory", r"\b\d+\s*hours\b", r"\bx-?ray\b", r"\bMRI\b", r"\bibuprofen\b", r"\bparacetamol\b",
             r"\bsays\b", r"\u201c", r"\bMcGill\b", r"\bstud(y|ies)\b"]
NAMES = sorted(p.stem for p in builtin_dir().glob("*.yaml"))


def test_the_required_builtins_exist():
    assert REQUIRED <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_builtin_has_sources_with_urls(name):
    routine = builtin(name)
    assert routine.sources and all(s.url.startswith("https://") for s in routine.sources)
    assert routine.name == name


@pytest.mark.parametrize("name", NAMES)
def test_builtin_states_no_statistic_claim_or_expert(name):
    text = (builtin_dir() / f"{name}.yaml").read_text(encoding="utf-8")
    for pattern in FORBIDDEN:
        assert not re.search(pattern, text, re.IGNORECASE), f"{name} matches {pattern}"


def test_pain_protocol_says_emergency_signs_before_urgent_ones():
    spoken = " ".join(pain_protocol_lines()).lower()
    positions = [spoken.index(sign.lower()) for sign in EMERGENCY_SIGNS + URGENT_SIGNS]
    assert positions == sorted(positions)
    assert spoken.index("emergency") < spoken.index("urgent appointment")
