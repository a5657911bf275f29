"""Every built-in routine follows the content brief: sources, no statistics, no named experts."""

from __future__ import annotations

import re

import pytest

from coach.catalog import builtin_dir
from coach.content import EMERGENCY_SIGNS, URGENT_SIGNS, pain_protocol_lines
from tests.conftest import builtin

REQUIRED = {"pelvic-tilt-90-90", "bird-dog", "dead-bug", "wall-angels", "breathing-4-7-8", "flare-up",
            "nhs-lower-back", "knee-hugs", "getting-up", "daily"}
NHS_SET = ["Bottom to heels stretch", "Knee rolls", "Back extensions", "Deep abdominal strengthening", "Pelvic tilts"]
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


def test_the_nhs_set_is_whole_and_each_exercise_names_its_source():
    routine = builtin("nhs-lower-back")
    assert [e.name for e in routine.exercises] == NHS_SET
    assert all(e.source and e.source.url == "https://www.nhs.uk/live-well/exercise/lower-back-pain-exercises/"
               for e in routine.exercises)


@pytest.mark.parametrize("name", ["nhs-lower-back", "knee-hugs", "getting-up", "daily"])
def test_new_routines_source_every_exercise_and_say_to_go_only_as_far_as_comfortable(name):
    routine = builtin(name)
    assert all(e.source in routine.sources for e in routine.exercises)
    text = " ".join([routine.description] + [e.setup for e in routine.exercises]).lower()
    assert "comfortable" in text or "your own pace" in text


def test_getting_up_is_spoken_steps_with_no_counting():
    from coach.timeline import CueKind, build_timeline

    timeline = build_timeline(builtin("getting-up"))
    assert all(e.pause for e in builtin("getting-up").exercises)
    assert not [c for c in timeline.cues if c.kind in (CueKind.REP, CueKind.COUNT, CueKind.HOLD)]


def test_daily_is_about_ten_minutes_and_flare_up_stays_the_gentlest():
    from coach.timeline import build_timeline

    assert 8 * 60 <= build_timeline(builtin("daily")).duration <= 12 * 60
    lengths = {name: build_timeline(builtin(name)).duration for name in NAMES if builtin(name).kind.value == "exercise"}
    gentle = [n for n in lengths if n in ("flare-up", "daily", "nhs-lower-back")]
    assert min(gentle, key=lengths.get) == "flare-up"
