"""What people say for each command, and finding a command in what the recognizer heard.

Commands are heard alone or in short phrases ("okay pause", "go back", "I feel pain"). Synonyms
are few and distinct in sound, so that each one adds recall without adding false alarms.
"""

from __future__ import annotations

import re

from coach.events import Command

PHRASES: dict[Command, tuple[str, ...]] = {
    Command.PAUSE: ("pause", "wait"),
    Command.RESUME: ("resume", "continue", "carry on"),
    Command.NEXT: ("next", "skip"),
    Command.BACK: ("back", "go back", "previous"),
    Command.REPEAT: ("repeat", "say that again"),
    Command.STOP: ("stop", "end session"),
    Command.PAIN: ("pain", "it hurts", "ouch"),
}
# Words people put around a command: "okay pause", "pause please", "let's stop", "stop now".
CARRIER_WORDS = ("okay", "please", "coach", "hey", "let's", "now", "that", "i", "said", "can", "you",
                 "feel", "it", "go", "carry", "on", "say", "again", "end", "session")

_BY_PHRASE = {phrase: command for command, phrases in PHRASES.items() for phrase in phrases}
# Longest phrases first, so "go back" is found before "back" and "it hurts" before nothing.
_PATTERN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _BY_PHRASE), key=len, reverse=True)) + r")\b")


def command_in(transcript: str) -> Command | None:
    """The command in a transcript, or None. With several, pain wins, then the last said."""
    found = [_BY_PHRASE[m.group(1)] for m in _PATTERN.finditer(transcript.lower())]
    if Command.PAIN in found:
        return Command.PAIN
    return found[-1] if found else None


def command_words() -> list[str]:
    """Every word that belongs to a command phrase and is not a carrier word."""
    words = {w for phrases in PHRASES.values() for p in phrases for w in p.split()}
    return sorted(words - set(CARRIER_WORDS))
