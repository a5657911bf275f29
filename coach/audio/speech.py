"""The Speaker port on real audio: cues rendered ahead of time by eSpeak NG, played interruptibly."""

from __future__ import annotations

import time
from typing import Callable, Iterable

from coach.audio.cache import SpeechCache
from coach.audio.clip import Clip
from coach.audio.playback import Player, Stretch
from coach.audio.tones import is_tone, render_tone
from coach.audio.tts import ESPEAK_RATE, EspeakTts, VoiceSettings
from coach.errors import DeviceError
from coach.events import PlaybackEvent

Progress = Callable[[Iterable[str]], Iterable[str]]


class SpeechLost(DeviceError):
    """The output device stopped working mid-session."""


# The warning signs after "pain" are said more slowly than cues, with a breath between them.
SLOW_RATE_SHARE = 0.85
SLOW_PAUSE_AFTER = 0.6


class VoiceSpeaker:
    speaks = True

    def __init__(self, tts: EspeakTts, cache: SpeechCache, volume: float = 1.0,
                 slow_cache: SpeechCache | None = None, slow_texts: Iterable[str] = ()):
        self.tts = tts
        self.device: str | None = None
        """The output device; None for the default."""
        self.cache = cache
        self.slow_cache = slow_cache
        self.slow_texts = frozenset(slow_texts) if slow_cache else frozenset()
        self.volume = volume
        self._clips: dict[str, Clip] = {}
        self._player: Player | None = None

    def prepare(self, texts: Iterable[str], progress: Progress | None = None) -> int:
        """Load every text from the cache, rendering the missing ones; return how many were rendered."""
        missing = []
        for text in dict.fromkeys(texts):
            clip = self._stored(text)
            if clip is None:
                missing.append(text)
            else:
                self._clips[text] = clip
        for text in (progress(missing) if progress and missing else missing):
            self._clips[text] = self._render(text)
        return len(missing)

    def length(self, text: str) -> float:
        """How long `text` takes to say, in seconds (the timeline's SpeechLength)."""
        return self._clip(text).seconds

    def open(self) -> None:
        """Open the output now, so it can settle while cues are loaded."""
        if self._player is None:
            self._player = Player(ESPEAK_RATE, self.volume, self.device)

    def wait_until_ready(self) -> None:
        self._require_player().wait_until_flowing()

    def say(self, text: str, volume: float = 1.0) -> None:
        player = self._require_player()
        if player.failure:
            raise SpeechLost(f"{player.failure}; going on with text on screen.")
        player.play(self._clip(text), text, volume)

    def cut(self) -> bool:
        return self._player.cut() if self._player else False

    def hold(self, seconds: float) -> None:
        """Fall silent while the user speaks, keeping the place (see Player.hold)."""
        if self._player:
            self._player.hold(seconds)

    def release(self) -> None:
        if self._player:
            self._player.release()

    @property
    def audible(self) -> Stretch | None:
        """What is being said now, or None when silent (idle or held)."""
        return self._player.audible if self._player else None

    def events(self) -> list[PlaybackEvent]:
        return self._player.events() if self._player else []

    @property
    def busy(self) -> bool:
        return bool(self._player and self._player.busy and not self._player.failure)

    def wait_until_quiet(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self._player and self._player.busy and not self._player.failure and time.monotonic() < deadline:
            time.sleep(0.02)

    def close(self) -> None:
        if self._player:
            self._player.close()
            self._player = None

    def _clip(self, text: str) -> Clip:
        if text not in self._clips:
            self._clips[text] = self._stored(text) or self._render(text)
        return self._clips[text]

    def _stored(self, text: str) -> Clip | None:
        """A tone, or speech already in the cache; None if it must be rendered."""
        if is_tone(text):
            return render_tone(text, ESPEAK_RATE)
        return (self.slow_cache if text in self.slow_texts else self.cache).get(text)

    def _render(self, text: str) -> Clip:
        if text not in self.slow_texts:
            clip = self.tts.render(text)
            self.cache.put(text, clip)
            return clip
        clip = self.tts.render(text, round(self.tts.settings.rate * SLOW_RATE_SHARE))
        clip = clip.padded(SLOW_PAUSE_AFTER)
        self.slow_cache.put(text, clip)
        return clip

    def _require_player(self) -> Player:
        if self._player is None:
            self.open()
        return self._player


def build_speaker(settings: VoiceSettings, cache_folder, slow_texts: Iterable[str] = ()) -> VoiceSpeaker:
    """A speaker; `slow_texts` (the warning signs) are said more slowly, with a pause after each."""
    tts = EspeakTts(settings)
    cache = SpeechCache(cache_folder, tts.voice_id, settings.rate, tts.engine_version)
    slow_rate = round(settings.rate * SLOW_RATE_SHARE)
    slow_cache = SpeechCache(cache_folder, tts.voice_id, slow_rate, f"{tts.engine_version}+{SLOW_PAUSE_AFTER}s")
    return VoiceSpeaker(tts, cache, settings.volume, slow_cache, slow_texts)
