"""Rendered cues on disk, keyed by text, voice, rate and engine version, so a warm start is instant.

A clip read back is checked as a fresh rendering is (header, every frame the header promises, the
rate, and eSpeak's completeness test), so a truncated or damaged file is rendered again instead of
being played as noise or as half a sentence.
"""

from __future__ import annotations

import hashlib
import os
import wave
from pathlib import Path

from coach.audio.clip import Clip
from coach.audio.tts import ESPEAK_RATE, is_complete

# A cached clip is stored trimmed, with 30 ms kept after its last sound (Clip.trimmed): one that
# ends sooner was cut mid-word, and noise has no quiet end at all.
STORED_END_PAUSE = 0.02


def cache_root() -> Path:
    """coach's cache folder: rendered speech, Whisper's joined weights (whisper_model.py)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("coach"))


def default_folder() -> Path:
    return cache_root() / "speech"


class SpeechCache:
    def __init__(self, folder: Path, voice: str, rate: int, engine_version: str):
        self.folder = folder
        self.rate = rate
        self._prefix = f"{engine_version}\0{voice}\0{rate}\0"

    def path(self, text: str) -> Path:
        digest = hashlib.sha256((self._prefix + text).encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{digest}.wav"

    def get(self, text: str) -> Clip | None:
        path = self.path(text)
        if not path.exists():
            return None
        try:
            clip = Clip.read_wav(path)
        except (OSError, EOFError, ValueError, wave.Error):
            return None
        if clip.rate != ESPEAK_RATE or not is_complete(clip, text, self.rate, STORED_END_PAUSE):
            return None
        return clip

    def put(self, text: str, clip: Clip) -> None:
        """Write atomically, so a crash never leaves a half file that reads as a short cue."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = self.path(text).with_suffix(f".{os.getpid()}.part")
            clip.write_wav(partial)
            partial.replace(self.path(text))
        except OSError:
            pass  # no cache is slower, not wrong
