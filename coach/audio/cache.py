"""Rendered cues on disk, keyed by text, voice, rate and engine version, so a warm start is instant."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from coach.audio.clip import Clip


def default_folder() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("coach")) / "speech"


class SpeechCache:
    def __init__(self, folder: Path, voice: str, rate: int, engine_version: str):
        self.folder = folder
        self._prefix = f"{engine_version}\0{voice}\0{rate}\0"

    def path(self, text: str) -> Path:
        digest = hashlib.sha256((self._prefix + text).encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{digest}.wav"

    def get(self, text: str) -> Clip | None:
        path = self.path(text)
        if not path.exists():
            return None
        try:
            return Clip.read_wav(path)
        except (OSError, EOFError, ValueError):
            return None  # a damaged file is rendered again

    def put(self, text: str, clip: Clip) -> None:
        """Write atomically, so a crash never leaves a half file that reads as a short cue."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = self.path(text).with_suffix(f".{os.getpid()}.part")
            clip.write_wav(partial)
            partial.replace(self.path(text))
        except OSError:
            pass  # no cache is slower, not wrong
