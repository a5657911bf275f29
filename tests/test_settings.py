"""config.toml: good settings are used; any bad file is one line naming the file and the key."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.errors import CoachError
from coach.settings import voice_settings

GOOD = '[speech]\nvoice = "gmw/en-us"\nrate = 150\nvolume = 0.8\n'
TOML_BITS = ["[", "]", "=", '"', "'", "\n", " ", "#", "[[speech]]", "rate", "volume", "voice", "7", "-1",
             "1e400", "nan", "inf", "true", "{", "}", ",", "\\", "\x00", "é", '"""', "speech.rate = 2"]


def test_good_settings_are_read_and_options_win(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(GOOD)
    chosen = voice_settings(path, rate=200)
    assert (chosen.voice, chosen.rate, chosen.volume) == ("gmw/en-us", 200, 0.8)


@pytest.mark.parametrize("text, message", [
    ("[speech]\nvolume = 7\n", "speech.volume: must be from 0.0 to 1.0, got 7"),
    ("[speech]\nrate = 'fast'\n", "speech.rate: must be a whole number from 80 to 300, got 'fast'"),
    ("[speech]\nvoice = 3\n", "speech.voice: must be text, got 3"),
    ("[speech]\nvolumes = 0.5\n", 'speech.volumes: unknown setting; did you mean "volume"?'),
    ("[speech]\ncolour = 1\n", "speech.colour: unknown setting; allowed: voice, rate, volume"),
    ("speech = 3\n", "speech: must be a table ([speech])"),
    ("[speech\n", "Expected ']' at the end of a table declaration (at line 1, column 8)"),
])
def test_a_bad_setting_names_the_file_and_the_key(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(CoachError) as error:
        voice_settings(path)
    assert str(error.value) == f"{path}: {message}"


@st.composite
def mutated_config(draw) -> bytes:
    text = GOOD
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        end = min(len(text), at + draw(st.integers(0, 8)))
        text = text[:at] + draw(st.sampled_from(TOML_BITS) | st.text(max_size=3)) + text[end:]
    data = text.encode("utf-8", "surrogatepass")
    return data + b"\xff" if draw(st.integers(0, 19)) == 0 else data


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_config())
def test_any_config_file_is_settings_or_one_line_naming_it(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_bytes(data)
        try:
            chosen = voice_settings(path)
        except CoachError as error:
            assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
            return
        assert 80 <= chosen.rate <= 300 and 0.0 <= chosen.volume <= 1.0
        assert chosen.voice is None or isinstance(chosen.voice, str)
