"""What people say for each command, and finding a command in what the recognizer heard.

Commands are heard alone or in short phrases ("okay pause", "go back", "I feel pain"). Synonyms
are few and distinct in sound, so that each one adds recall without adding false alarms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from coach.content import RATING_BEFORE, SAY_A_NUMBER
from coach.events import Command

PHRASES: dict[Command, tuple[str, ...]] = {
    Command.PAUSE: ("pause", "wait"),
    Command.RESUME: ("resume", "continue", "carry on"),
    Command.NEXT: ("next", "skip", "next one"),
    Command.BACK: ("back", "go back", "previous"),
    Command.REPEAT: ("repeat", "say that again"),
    Command.STOP: ("stop", "end session"),
    Command.PAIN: ("pain", "it hurts", "ouch", "i'm in pain"),
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


def _words_outside(pattern: re.Pattern, transcript: str) -> int:
    said = sum(len(m.group(1).split()) for m in pattern.finditer(transcript.lower()))
    return len(transcript.split()) - said


def words_around_command(transcript: str) -> int:
    """How many words of a transcript are not part of a command phrase ("can you say that again": 2)."""
    return _words_outside(_PATTERN, transcript)


def command_words() -> list[str]:
    """Every word that belongs to a command phrase and is not a carrier word."""
    words = {w for phrases in PHRASES.values() for p in phrases for w in p.split()}
    return sorted(words - set(CARRIER_WORDS))


NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# Around a spoken rating: "about a six", "it's a four", "maybe three", "six out of ten".
NUMBER_CARRIERS = ("about", "a", "it's", "maybe", "i'd", "say", "out", "of", "my", "pain", "is", "around", "now")
_NUMBER = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b")


def words_around_number(transcript: str) -> int:
    return _words_outside(_NUMBER, transcript)


def number_in(transcript: str) -> int | None:
    """A 0-10 rating in a transcript: the first number said ("six out of ten" is 6)."""
    found = _NUMBER.search(transcript.lower())
    return NUMBER_WORDS.index(found.group(1)) if found else None


@dataclass(frozen=True)
class Vocabulary:
    """What a recognizer listens for: meaningful words with their log10 priors, the words people
    put around them, and what a transcript means (None: nothing meant)."""

    words: dict[str, float]
    carriers: tuple[str, ...]
    meaning: Callable[[str], object]
    around: Callable[[str], int]
    """How many words of a transcript are around what it means."""
    max_around: int
    """More words around it than this, and a transcript is ordinary talk that happens to hold a
    meaningful word ("lie on your back"), not something said to the coach."""
    homophones: tuple[str, ...] = ()
    """Ordinary words that sound the same as a meaningful one ("to" and "two"): left out."""
    phrases: tuple[str, ...] = ()
    """What people say to mean something, in full ("go back"): Whisper's hint (whisper.py)."""
    asked: str = ""
    """What the coach asked before listening for it: Whisper hears the answer after it (whisper.py)."""


# Priors chosen on the development split (bench/recognizer.py): pain is easier to hear, recall first.
COMMAND_LOG10 = -2.5
PAIN_LOG10 = -1.0
NUMBER_LOG10 = -1.5

# Words around a command: two ("can you say that again", "okay stop now"); measured on the
# development split, allowing any four-word transcript instead took more false alarms.
COMMANDS = Vocabulary({w: PAIN_LOG10 if w in ("pain", "hurts", "ouch") else COMMAND_LOG10 for w in command_words()},
                      CARRIER_WORDS, command_in, words_around_command, max_around=2,
                      phrases=tuple(phrase for phrases in PHRASES.values() for phrase in phrases))
# Around a rating: three ("six out of ten", "it's about a four").
NUMBERS = Vocabulary({w: NUMBER_LOG10 for w in NUMBER_WORDS}, NUMBER_CARRIERS, number_in, words_around_number,
                     max_around=3, homophones=("to", "too", "for", "won", "ate", "tin"), phrases=NUMBER_WORDS,
                     asked=f"{RATING_BEFORE} {SAY_A_NUMBER}")


# Around a menu choice: "number two", "two please", "the bird dog one".
MENU_CARRIERS = ("number", "please", "the", "one", "routine", "let's", "do", "i'd", "like")
MENU_LOG10 = -1.5
# Title words that name no routine in particular.
MENU_STOP_WORDS = {"routine", "gentle", "the", "and", "of", "a", "exercises", "nhs", "up", "your", "for"}


def menu_vocabulary(titles: list[str]) -> Vocabulary:
    """Hears a choice from a numbered menu of `titles`: its number (1-based), or a word of its
    title that no other title has; the meaning is the 1-based number."""
    numbers = NUMBER_WORDS[1:len(titles) + 1]
    words = [set(_title_words(title)) for title in titles]
    unique = {w: i + 1 for i, ws in enumerate(words) for w in ws if sum(w in other for other in words) == 1}

    def choice_in(transcript: str) -> int | None:
        said = transcript.lower().split()
        # "one" is also a carrier ("the bird dog one"): a name said wins over it
        named = [unique[w] for w in said if w in unique]
        if named:
            return named[0]
        counted = [numbers.index(w) + 1 for w in said if w in numbers]
        return counted[0] if counted else None

    def around(transcript: str) -> int:
        return sum(1 for w in transcript.lower().split() if w not in unique and w not in numbers)

    return Vocabulary({w: MENU_LOG10 for w in [*numbers, *unique]}, MENU_CARRIERS, choice_in, around, max_around=3,
                      homophones=("to", "too", "for", "won", "ate", "tin"))


def _title_words(title: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", title.lower()) if w not in MENU_STOP_WORDS and len(w) > 2]
