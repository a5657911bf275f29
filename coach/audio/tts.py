"""pyttsx3 (eSpeak NG on Linux) rendered to audio clips, never played by pyttsx3 itself.

pyttsx3's own playback on Linux is a blocking `aplay` that cannot be interrupted, so each cue is
saved to a WAV file and played by our own player. pyttsx3's file output has been reported to
drop words on Linux, so every rendering is checked (long enough for its words, ending in the
pause eSpeak adds) and rendered again if not.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import wave
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from coach.audio.clip import Clip
from coach.errors import DeviceError

NO_ESPEAK = "eSpeak NG is not installed (apt install espeak-ng); use --text to follow the session on screen."
# eSpeak at 175 words/min voices about 0.33 s per word; a rendering shorter than this share of
# the expected length has lost words.
MIN_SHARE_OF_EXPECTED = 0.35
# eSpeak ends every utterance with a pause (ENDPAUSE); a rendering without it was cut off.
MIN_END_PAUSE = 0.05
RENDER_TRIES = 3
ESPEAK_RATE = 22050


@dataclass(frozen=True)
class VoiceSettings:
    voice: str | None = None
    """An eSpeak NG voice id from `coach voices` (None: the engine's default English voice)."""
    rate: int = 160
    """Words per minute; 160 is calm and clear."""
    volume: float = 1.0
    """0.0 to 1.0, applied at playback so the cache holds one rendering per voice and rate."""

    def for_bedtime(self) -> "VoiceSettings":
        """Slower and softer: a fifth slower (never under 80 wpm) at 60% of the volume."""
        return replace(self, rate=max(80, round(self.rate * 0.8)), volume=round(self.volume * 0.6, 3))


class IncompleteSpeech(DeviceError):
    """eSpeak produced audio that is missing words."""


class EspeakTts:
    def __init__(self, settings: VoiceSettings):
        self.settings = settings
        try:
            import pyttsx3

            with _quiet():
                self._engine = pyttsx3.init("espeak")
        except (ImportError, OSError, RuntimeError) as error:
            raise DeviceError(NO_ESPEAK) from error
        if settings.voice:
            self._set_voice(settings.voice)
        self._engine.setProperty("rate", settings.rate)
        self._engine.setProperty("volume", 1.0)
        self.voice_id = str(self._engine.getProperty("voice"))

    def _set_voice(self, voice: str) -> None:
        known = {v.id for v in self._engine.getProperty("voices")}
        base = voice.split("+")[0]
        if base not in known and f"gmw/{base}" not in known:
            raise DeviceError(f'no eSpeak NG voice "{voice}"; see `coach voices`')
        try:
            self._engine.setProperty("voice", voice)
        except ValueError as error:
            raise DeviceError(f'cannot use the voice "{voice}": {error}') from None

    @property
    def engine_version(self) -> str:
        from pyttsx3.drivers import _espeak

        return (_espeak.Info(None) or b"?").decode("utf-8", "replace") + "/pyttsx3"

    def voices(self) -> list[tuple[str, str, str]]:
        """(id, name, languages) of every installed voice."""
        return [(v.id, v.name, ",".join(v.languages or [])) for v in self._engine.getProperty("voices")]

    def render(self, text: str, rate: int | None = None) -> Clip:
        """The spoken text as a clip (at `rate`, default the settings' rate), trimmed of silence,
        checked for completeness."""
        rate = rate or self.settings.rate
        self._engine.setProperty("rate", rate)
        try:
            for _ in range(RENDER_TRIES):
                raw = self._render_once(text)
                if is_complete(raw, text, rate):
                    return raw.trimmed()
        finally:
            self._engine.setProperty("rate", self.settings.rate)
        raise IncompleteSpeech(f'eSpeak NG keeps returning incomplete audio for "{text[:40]}"')

    def _render_once(self, text: str) -> Clip:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "cue.wav"
            with _quiet():
                self._engine.save_to_file(text, str(path))
                self._engine.runAndWait()
            try:
                return Clip.read_wav(path)
            except (OSError, EOFError, ValueError, wave.Error):  # none, empty (seen once) or cut short: again
                return Clip(np.zeros(0, np.int16), ESPEAK_RATE)


def is_complete(clip: Clip, text: str, rate: int, end_pause_needed: float = MIN_END_PAUSE) -> bool:
    """Long enough for its words, and ending in eSpeak's closing pause rather than mid-word."""
    first, last = clip.voiced_span()
    if last == 0:
        return False
    words = max(1, len(text.split()))
    expected = words * 60.0 / rate
    end_pause = (len(clip.samples) - last) / clip.rate
    return (last - first) / clip.rate >= MIN_SHARE_OF_EXPECTED * expected and end_pause >= end_pause_needed


@contextlib.contextmanager
def _quiet():
    """pyttsx3 prints "Audio saved to ..." for every file; keep the terminal clean."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield
