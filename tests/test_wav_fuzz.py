"""Damaged and hostile audio files: `coach detect` says one line for each and goes on with the rest."""

from __future__ import annotations

import io
import struct
import tempfile
import wave
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.audio.wavin import NotAudio, read_audio
from coach.cli import main


def _wav(seconds: float = 0.2, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((3000 * np.sin(np.arange(int(seconds * rate)) / 5)).astype("<i2").tobytes())
    return buffer.getvalue()


GOOD = _wav()
HEADER_FIELDS = {"riff_size": 4, "channels": 22, "rate": 24, "byte_rate": 28, "align": 32, "width": 34,
                 "data_size": 40}


@st.composite
def damaged_wav(draw) -> bytes:
    data = bytearray(GOOD)
    kind = draw(st.sampled_from(["truncate", "field", "bytes", "random", "empty_data"]))
    if kind == "truncate":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    if kind == "field":
        offset = HEADER_FIELDS[draw(st.sampled_from(sorted(HEADER_FIELDS)))]
        size = 2 if offset in (22, 32, 34) else 4
        value = draw(st.sampled_from([0, 1, 2 ** (8 * size) - 1, 2 ** (8 * size - 1)]) | st.integers(0, 2 ** (8 * size) - 1))
        data[offset: offset + size] = value.to_bytes(size, "little")
        return bytes(data)
    if kind == "bytes":
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, 60))] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "empty_data":
        return bytes(data[:40]) + struct.pack("<I", 0)
    return draw(st.binary(max_size=2000))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_wav())
def test_a_damaged_file_reads_as_audio_or_is_one_clear_line(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.wav"
        path.write_bytes(data)
        try:
            clip = read_audio(path)
        except NotAudio as error:
            assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
            return
        assert clip.rate == 16000 and clip.samples.dtype == np.int16


def test_detect_reports_each_bad_file_in_a_line_and_reads_the_others(tmp_path):
    files = {"truncated.wav": GOOD[:30], "empty.wav": b"", "huge.wav": GOOD[:40] + struct.pack("<I", 2 ** 32 - 1) +
             GOOD[44:], "random.wav": bytes(range(256)) * 4, "good.wav": GOOD}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    result = CliRunner().invoke(main, ["detect", *[str(tmp_path / n) for n in files]])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    assert all(line.startswith("Error: ") for line in errors)
    assert {Path(line.split(": ")[1]).name for line in errors} <= set(files) - {"good.wav"}
    assert len(errors) >= 3
    assert f"{tmp_path / 'good.wav'}: no command heard" in result.stdout
