"""User settings from `config.toml` in the user config folder; command-line options win.

    [speech]
    voice = "gmw/en-us"   # see `coach voices`
    rate = 150            # words per minute, 80 to 300
    volume = 0.8          # 0.0 to 1.0
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from coach.audio.tts import VoiceSettings
from coach.errors import CoachError

RATE_RANGE = (80, 300)


def config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("coach")) / "config.toml"


def voice_settings(path: Path, voice: str | None = None, rate: int | None = None,
                   volume: float | None = None) -> VoiceSettings:
    speech = _read(path).get("speech", {})
    if not isinstance(speech, dict):
        raise CoachError(f"{path}: [speech] must be a table")
    unknown = set(speech) - {"voice", "rate", "volume"}
    if unknown:
        raise CoachError(f"{path}: [speech] has unknown keys: {', '.join(sorted(unknown))} "
                         "(allowed: voice, rate, volume)")
    chosen = VoiceSettings(
        voice=voice if voice is not None else speech.get("voice"),
        rate=rate if rate is not None else speech.get("rate", VoiceSettings.rate),
        volume=volume if volume is not None else speech.get("volume", VoiceSettings.volume),
    )
    _check(chosen, path)
    return chosen


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise CoachError(f"{path}: {error}") from None


def _check(settings: VoiceSettings, path: Path) -> None:
    if settings.voice is not None and not isinstance(settings.voice, str):
        raise CoachError(f"{path}: speech.voice must be text")
    if isinstance(settings.rate, bool) or not isinstance(settings.rate, int) or \
            not RATE_RANGE[0] <= settings.rate <= RATE_RANGE[1]:
        raise CoachError(f"speech rate must be a whole number from {RATE_RANGE[0]} to {RATE_RANGE[1]}, "
                         f"got {settings.rate!r}")
    if isinstance(settings.volume, bool) or not isinstance(settings.volume, (int, float)) or \
            not 0.0 <= settings.volume <= 1.0:
        raise CoachError(f"speech volume must be from 0.0 to 1.0, got {settings.volume!r}")
