"""User settings from `config.toml` in the user config folder; command-line options win.

    suggest_next = true   # after a completed session, name another routine you could do
    [speech]
    voice = "gmw/en-us"   # see `coach voices`
    rate = 150            # words per minute, 80 to 300
    volume = 0.8          # 0.0 to 1.0
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

from coach.audio.tts import VoiceSettings
from coach.errors import CoachError

RATE_RANGE = (80, 300)


def config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("coach")) / "config.toml"


SPEECH_KEYS = ("voice", "rate", "volume")


def voice_settings(path: Path, voice: str | None = None, rate: int | None = None,
                   volume: float | None = None) -> VoiceSettings:
    speech = _read(path).get("speech", {})
    if not isinstance(speech, dict):
        raise CoachError(f"{path}: speech: must be a table ([speech])")
    for key in speech:
        if key not in SPEECH_KEYS:
            close = difflib.get_close_matches(key, SPEECH_KEYS, n=1)
            hint = f'did you mean "{close[0]}"?' if close else f"allowed: {', '.join(SPEECH_KEYS)}"
            raise CoachError(f"{path}: speech.{key}: unknown setting; {hint}")
    _check(speech, path)
    return VoiceSettings(
        voice=voice if voice is not None else speech.get("voice"),
        rate=rate if rate is not None else speech.get("rate", VoiceSettings.rate),
        volume=volume if volume is not None else speech.get("volume", VoiceSettings.volume),
    )


def suggest_next(path: Path) -> bool:
    value = _read(path).get("suggest_next", False)
    if not isinstance(value, bool):
        raise CoachError(f"{path}: suggest_next: must be true or false, got {value!r}")
    return value


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise CoachError(f"{path}: {_first_line(error)}") from None


def _check(speech: dict, where: Path) -> None:
    voice, rate, volume = speech.get("voice"), speech.get("rate"), speech.get("volume")
    if voice is not None and not isinstance(voice, str):
        raise CoachError(f"{where}: speech.voice: must be text, got {voice!r}")
    if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int) or
                             not RATE_RANGE[0] <= rate <= RATE_RANGE[1]):
        raise CoachError(f"{where}: speech.rate: must be a whole number from {RATE_RANGE[0]} to {RATE_RANGE[1]}, "
                         f"got {rate!r}")
    if volume is not None and (isinstance(volume, bool) or not isinstance(volume, (int, float)) or
                               not 0.0 <= volume <= 1.0):
        raise CoachError(f"{where}: speech.volume: must be from 0.0 to 1.0, got {volume!r}")


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
