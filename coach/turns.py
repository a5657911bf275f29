"""Turn-taking: who has the floor when the user speaks over the coach. (state, fact) -> (state,
decisions). Pure: no audio, no clock; every fact carries its own time (seconds, monotonic): for
speech, when the audio reached the microphone; for the coach, when it was seen to start or stop
sounding (the output's own delay is in ECHO_TAIL).

Facts come from the microphone adapter (audio/voice.py): the coach started or stopped sounding
(with its words), an utterance started on an ear, and how an ear's utterance was heard (a
command, short speech that was none, or talk), with the energy both ears heard in it. Decisions
go to the runner, which tells the speaker and the log: Hold (fall silent, keeping the place),
Release, Take (obey), Overheard (log, do not obey), WaitForRepeat (stay quiet a moment longer).

Two ears, because the echo canceller is good at one job and poor at the other (measured in
bench/handsfree.py and audio_tests/test_hands_free.py):
- the plain microphone hears the user clearly, and the coach too. It is trusted only for speech
  that started after the coach had been silent for ECHO_TAIL (the room's echo dies away), and a
  command from it is dropped if the coach sounded while it was said (rule `quiet_after_coach`).
- the echo-cancelled ear hears little of the coach, so speech there while the coach talks is
  likely the user's: the coach falls silent at once. What the canceller leaves of the coach
  comes in blips that end as soon as the coach is silent (rule `outlasted_coach`), and is far
  quieter there than on the plain microphone (rule `as_loud_as_plain`); the user's voice goes on
  and is as loud on both. A command from this ear is also dropped when its word is one the coach
  began to say in the 2 s before it was decided (rule `own_words`): "repeat" said while the coach
  said "say pain" was once heard as pain. The coach's words are timed within each line (CoachStarted says
  how long it lasts), not by the line: "resume" said just after "Paused. Say resume, or press
  space, when you are ready." is the user's, since the coach's "resume" was 3 s before. Short
  speech that is no command, or fails these: the coach waits LISTEN_AFTER, so a command said again
  is heard by the plain ear.

Rule: every (fact type, ear) pair is in TRANSITIONS; the coach's facts have no ear.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from typing import Callable

from coach.events import Command, Heard


class Ear(str, Enum):
    PLAIN = "plain"
    ECHO_FREE = "echo-free"


class Utterance(str, Enum):
    """How the recognizer heard an utterance."""

    COMMAND = "command"
    OTHER = "other"
    """Short, but no command."""
    TALK = "talk"
    """Too long for a command, or only the last command's words still in context."""


# How long the coach keeps quiet for a user who started speaking: longer than the recognizer's
# longest utterance (MAX_UTTERANCE_SECONDS, 2 s), so it is decided within the hold; after a
# command, the runner acts (a cut) well within AFTER_COMMAND, or the coach goes on.
HOLD_SECONDS = 2.5
AFTER_COMMAND = 0.5
# After speech that was not understood, the coach waits this long for the user to say it again.
# People wait a second or two for an answer before they repeat themselves; with 1.5 s the coach
# often started again just as they did, and the repeat, said over it, was not taken either
# (bench/handsfree.py).
LISTEN_AFTER = 3.0
# How long the coach may still be heard after it falls silent: the room's echo, and the output's
# own delay (the virtual room here has 0.35 s; Bluetooth speakers have 0.2 s and more).
ECHO_TAIL = 0.8
# What the canceller leaves of the coach while it talks: sound that lasts no longer than this,
# since the coach falls silent as soon as this ear hears anything (the blips last 0-80 ms, the
# user's words 300 ms and more), and whose energy is at most this share of the plain
# microphone's (-13 to -14 dB for the blips heard as "stop"; about 0 dB for the user's words,
# under which the coach falls silent). Measured over every built-in routine played through the
# leak, with and without a user speaking over it (bench/handsfree.py).
OWN_ECHO_SECONDS = 0.15
OWN_ECHO_SHARE = 0.25
# A command word the coach began to say this long before the echo-free ear decided is not taken
# from it: the word, its way through the speaker and the room (ECHO_TAIL) and the recognizer's
# decision (about 0.4 s after a phrase ends) fit in it.
OWN_WORDS_SECONDS = 2.0
# The coach's words are kept this long (the ears' times run a little behind the coach's).
WORDS_KEPT_SECONDS = 2 * OWN_WORDS_SECONDS
# How far a word's time, placed within its line by its letters, may be off: a word placed this
# soon after the coach fell silent (or went on to another line) may still have gone out.
WORD_TIME_ERROR = 0.3
# Both ears may hear one utterance; the same command from the other ear within this is dropped.
SAME_WORDS_SECONDS = 1.5
WORD = re.compile(r"[a-z']+")


# Facts.

@dataclass(frozen=True)
class CoachStarted:
    """The coach started saying `text` (a line, or the rest of one it held), which lasts `seconds`."""

    at: float
    text: str
    seconds: float


@dataclass(frozen=True)
class CoachStopped:
    """The coach fell silent (the line ended, was cut or is held)."""

    at: float


@dataclass(frozen=True)
class SpeechStarted:
    at: float
    ear: Ear


@dataclass(frozen=True)
class SpeechHeard:
    """An ear's utterance, as the recognizer heard it (for talk: as soon as it ran too long)."""

    at: float
    ear: Ear
    kind: Utterance
    heard: Heard
    lasted: float = 0.0
    """Seconds from its start to its last word."""
    energy: float = 0.0
    """Mean square of this ear's samples over the utterance."""
    plain_energy: float = 0.0
    """Mean square of the plain ear's samples over the same time."""


Fact = CoachStarted | CoachStopped | SpeechStarted | SpeechHeard


# Decisions.

class Why(str, Enum):
    """Why an utterance was overheard, not obeyed."""

    NO_COMMAND = "no command"
    COACH_ECHO = "the coach's echo"
    OWN_WORDS = "the coach's own words"


class HoldReason(str, Enum):
    SPEAKING = "speaking"
    """Someone started speaking: keep quiet until it is decided."""
    COMMAND = "command"
    """A command was taken: keep quiet while the runner acts on it."""


@dataclass(frozen=True)
class Hold:
    seconds: float
    reason: HoldReason
    ear: Ear


@dataclass(frozen=True)
class Release:
    """Ordinary talk, not meant for the coach: go on."""

    ear: Ear


@dataclass(frozen=True)
class WaitForRepeat:
    """Short speech that was not a command (or not taken): stay quiet for a repeat."""

    seconds: float
    ear: Ear
    why: Why


@dataclass(frozen=True)
class Take:
    heard: Heard


@dataclass(frozen=True)
class Overheard:
    heard: Heard
    why: Why


Decision = Hold | Release | WaitForRepeat | Take | Overheard
FLOOR = (Hold, Release, WaitForRepeat)
"""Decisions for the speaker, as opposed to what was heard."""


# State.

@dataclass(frozen=True)
class EarState:
    trusted: bool = False
    """Whether to believe this ear for its current utterance (decided as it starts)."""
    started: float = 0.0


@dataclass(frozen=True)
class TurnState:
    words: frozenset[str]
    """The vocabulary's meaningful words: a command made of them is checked against the coach's."""
    coach_words: tuple[tuple[float, str], ...] = ()
    """(when it went out, word) of the coach's recent words, oldest first."""
    sounding: bool = False
    fell_silent: float = float("-inf")
    """When the coach last stopped sounding."""
    ears: dict[Ear, EarState] = field(default_factory=lambda: {ear: EarState() for ear in Ear})
    last_taken: tuple[float, Command | int] | None = None


Result = tuple[TurnState, list[Decision]]


def start(words) -> TurnState:
    return TurnState(frozenset(words))


def step(state: TurnState, fact: Fact) -> Result:
    return TRANSITIONS[(type(fact), getattr(fact, "ear", None))](state, fact)


def coach_sounded(state: TurnState, at: float) -> float:
    """When the coach was last heard going out: `at` while it sounds."""
    return at if state.sounding else state.fell_silent


def coach_heard_lately(state: TurnState, at: float) -> bool:
    """Whether the coach (or its echo) may still be sounding in audio heard at `at`."""
    return at - coach_sounded(state, at) < ECHO_TAIL


# Rules: each is tested on its own (tests/test_turns.py).

def quiet_after_coach(state: TurnState, ear: EarState, at: float) -> bool:
    """The plain ear's utterance started after the coach's echo died away, and none of the coach
    sounded while it was said."""
    return coach_sounded(state, at) <= ear.started - ECHO_TAIL


def outlasted_coach(fact: SpeechHeard) -> bool:
    """The sound went on after the coach fell silent (its leftovers stop with it)."""
    return fact.lasted >= OWN_ECHO_SECONDS


def as_loud_as_plain(fact: SpeechHeard) -> bool:
    """The echo-free ear heard it nearly as loud as the plain one (the canceller removed little)."""
    return fact.energy >= OWN_ECHO_SHARE * fact.plain_energy


def own_words(state: TurnState, fact: SpeechHeard) -> bool:
    """A word that made this a command was one the coach began to say in the OWN_WORDS_SECONDS
    before it was decided."""
    recent = [word for at, word in state.coach_words if fact.at - OWN_WORDS_SECONDS <= at <= fact.at + WORD_TIME_ERROR]
    return _begins_a_word(fact.heard.text, recent, state.words)


def words_in_common(heard: str, coach_said: str, meaningful) -> bool:
    """Whether a meaningful word of what was heard begins a word the coach said ("stop": "stopping")."""
    return _begins_a_word(heard, _words(coach_said), meaningful)


def _begins_a_word(heard: str, coach_words: list[str], meaningful) -> bool:
    mine = set(_words(heard)) & set(meaningful)
    return any(said.startswith(word) for said in coach_words for word in mine)


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def timed_words(fact: CoachStarted) -> tuple[tuple[float, str], ...]:
    """Each word of the line with when it went out, the line's time spread evenly over its letters
    (eSpeak NG keeps an even pace; a pause at a comma shifts a word by a fraction of a second)."""
    text = fact.text.lower()
    return tuple((fact.at + fact.seconds * word.start() / len(text), word.group()) for word in WORD.finditer(text))


# Transitions.

def _coach_started(state: TurnState, fact: CoachStarted) -> Result:
    recent = tuple(word for word in state.coach_words if word[0] >= fact.at - WORDS_KEPT_SECONDS)
    said = _said_by(recent, fact.at) if state.sounding else recent  # the line before ended here
    return replace(state, coach_words=said + timed_words(fact), sounding=True), []


def _coach_stopped(state: TurnState, fact: CoachStopped) -> Result:
    if not state.sounding:
        return state, []
    return replace(state, coach_words=_said_by(state.coach_words, fact.at), sounding=False, fell_silent=fact.at), []


def _said_by(words: tuple[tuple[float, str], ...], at: float) -> tuple[tuple[float, str], ...]:
    """The words that may have gone out by `at`, when the coach stopped or left the line: the rest
    was cut or held."""
    return tuple(word for word in words if word[0] <= at + WORD_TIME_ERROR)


def _with_ear(state: TurnState, ear: Ear, ear_state: EarState) -> TurnState:
    return replace(state, ears={**state.ears, ear: ear_state})


def _plain_started(state: TurnState, fact: SpeechStarted) -> Result:
    trusted = not coach_heard_lately(state, fact.at)
    state = _with_ear(state, fact.ear, EarState(trusted, fact.at))
    # Not while the coach talks: what this ear hears then is mostly the coach.
    return state, [Hold(HOLD_SECONDS, HoldReason.SPEAKING, fact.ear)] if trusted or not state.sounding else []


def _echo_free_started(state: TurnState, fact: SpeechStarted) -> Result:
    trusted = coach_heard_lately(state, fact.at)
    state = _with_ear(state, fact.ear, EarState(trusted, fact.at))
    return state, [Hold(HOLD_SECONDS, HoldReason.SPEAKING, fact.ear)] if trusted or not state.sounding else []


def _plain_heard(state: TurnState, fact: SpeechHeard) -> Result:
    ear = state.ears[fact.ear]
    if not ear.trusted:
        return state, []
    if fact.kind is Utterance.COMMAND:
        return _take(state, fact) if quiet_after_coach(state, ear, fact.at) else (state, [])
    return _not_a_command(state, fact, Why.NO_COMMAND)


def _echo_free_heard(state: TurnState, fact: SpeechHeard) -> Result:
    if not state.ears[fact.ear].trusted:
        return state, []
    if fact.kind is not Utterance.COMMAND:
        return _not_a_command(state, fact, Why.NO_COMMAND)
    if not (outlasted_coach(fact) and as_loud_as_plain(fact)):
        return _not_a_command(state, fact, Why.COACH_ECHO)
    if own_words(state, fact):
        return _not_a_command(state, fact, Why.OWN_WORDS)
    return _take(state, fact)


def _take(state: TurnState, fact: SpeechHeard) -> Result:
    command = fact.heard.command
    if state.last_taken and state.last_taken[1] == command and fact.at - state.last_taken[0] < SAME_WORDS_SECONDS:
        return state, []  # both ears heard the same words
    state = replace(state, last_taken=(fact.at, command))
    return state, [Hold(AFTER_COMMAND, HoldReason.COMMAND, fact.ear), Take(replace(fact.heard, ear=fact.ear.value))]


def _not_a_command(state: TurnState, fact: SpeechHeard, why: Why) -> Result:
    if fact.kind is Utterance.TALK:
        return state, [Release(fact.ear)]
    heard = Heard(None, fact.heard.time, fact.heard.text, fact.ear.value, why.value)
    return state, [Overheard(heard, why), WaitForRepeat(LISTEN_AFTER, fact.ear, why)]


TRANSITIONS: dict[tuple[type, Ear | None], Callable[[TurnState, Fact], Result]] = {
    (CoachStarted, None): _coach_started,
    (CoachStopped, None): _coach_stopped,
    (SpeechStarted, Ear.PLAIN): _plain_started,
    (SpeechStarted, Ear.ECHO_FREE): _echo_free_started,
    (SpeechHeard, Ear.PLAIN): _plain_heard,
    (SpeechHeard, Ear.ECHO_FREE): _echo_free_heard,
}


# Records: facts and decisions as JSON-ready dicts, to replay a session's turn-taking.

FACTS = {kind.__name__: kind for kind in (CoachStarted, CoachStopped, SpeechStarted, SpeechHeard)}
DECISIONS = {kind.__name__: kind for kind in (Hold, Release, WaitForRepeat, Take, Overheard)}


def record(fact: Fact, decisions: list[Decision]) -> dict:
    """One line of a turns file: a fact and what was decided on it."""
    return {"fact": _as_dict(fact), "decisions": [_as_dict(decision) for decision in decisions]}


def fact_from(data: dict) -> Fact:
    return _from_dict(FACTS, data)


def decision_from(data: dict) -> Decision:
    return _from_dict(DECISIONS, data)


def _as_dict(value) -> dict:
    return {"type": type(value).__name__, **asdict(value)}


def _from_dict(kinds: dict, data: dict):
    data = dict(data)
    kind = kinds[data.pop("type")]
    if "ear" in data:
        data["ear"] = Ear(data["ear"])
    for name, enum in (("kind", Utterance), ("reason", HoldReason), ("why", Why)):
        if name in data:
            data[name] = enum(data[name])
    if "heard" in data:
        heard = data["heard"]
        command = Command(heard["command"]) if isinstance(heard["command"], str) else heard["command"]
        data["heard"] = Heard(**{**heard, "command": command})
    return kind(**data)
