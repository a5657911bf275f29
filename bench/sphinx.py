"""coach's previous recognizer, kept for the benchmark's comparisons (bench/recognizer.py): hears
commands or ratings in a 16 kHz stream; each utterance, cut out by the endpointer, is decoded by
PocketSphinx with a language model in which every command competes with ordinary words, and a
command is heard when it is on the best path.

Why this design (measured on the development split of bench/corpus.py; figures in the README):
- PocketSphinx keyword spotting fired on near-miss words at any threshold that found commands.
- A grammar of commands alone turns every short utterance ("okay", a cough) into a command.
- The competing words (the most frequent English words and the dictionary's one-phone
  neighbours of each command: paint, plain, top, black, ...) give "not a command" a real path.
Why not SpeechRecognition's `recognize_sphinx`: it builds a decoder per call and only answers
after its 0.8 s pause threshold; here the decoder is built once and fed while the person speaks,
so the answer comes HANGOVER (0.2 s) after the last word. The time of each detection is the audio
consumed when it fired: nothing ahead of it has been seen.
"""

from __future__ import annotations

import collections
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from coach.audio.chunk import RATE
from coach.audio.endpoint import (FRAME, FRAME_SECONDS, HANGOVER, MAX_UTTERANCE_SECONDS, PRE_ROLL_SECONDS, Boundary,
                                  Endpointer, FedByFrames)
from coach.errors import DeviceError
from coach.events import Heard
from coach.phrases import COMMANDS, Vocabulary
from coach.turns import Utterance

CARRIER_LOG10 = -2.5
COMPETITORS = Path(__file__).with_name("competitors.tsv")
# One-bit noise added to every frame: digital silence (exact zeros) otherwise skews the decoder's
# cepstral mean. A fixed pattern, not PocketSphinx's random dither, so the same audio is always
# heard the same way.
DITHER = np.random.default_rng(0).integers(-1, 2, FRAME).astype(np.int16)
# Where the decoder's cepstral mean starts: the median it settled at over clean and reverberant
# development files. Every stream starts here, so a file is heard the same whatever came before.
CMN_INIT = "43.32,1.84,-1.89,14.14,-7.80,-5.22,-6.81,-8.95,-1.69,-6.62,1.12,-2.72,0.75"


def language_model(vocabulary: Vocabulary = COMMANDS) -> str:
    """ARPA text: the vocabulary's words, its carrier words and competitors as a unigram model."""
    weights = {}
    for line in COMPETITORS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, log10 = line.split("\t")
            weights[word] = float(log10)
    for word in vocabulary.carriers:
        weights[word] = max(weights.get(word, CARRIER_LOG10), CARRIER_LOG10)
    weights.update(vocabulary.words)
    for word in vocabulary.homophones:
        weights.pop(word, None)
    lines = ["\\data\\", f"ngram 1={len(weights) + 2}", "", "\\1-grams:", "-1.0\t</s>", "-99.0\t<s>"]
    lines += [f"{log10:.4f}\t{word}" for word, log10 in sorted(weights.items())]
    return "\n".join(lines + ["", "\\end\\", ""])


def _decoder(vocabulary: Vocabulary):
    try:
        from pocketsphinx import Decoder
    except ImportError:
        raise DeviceError("PocketSphinx is not installed: .venv/bin/pip install -e '.[bench]'") from None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "commands.arpa"
        path.write_text(language_model(vocabulary), encoding="utf-8")
        return Decoder(lm=str(path), cmninit=CMN_INIT, loglevel="FATAL")


class SphinxRecognizer(FedByFrames):
    """Feed 16 kHz mono int16 samples in any chunk size; get back the commands heard (or, with
    the NUMBERS vocabulary, the ratings: Heard.command is then an int)."""

    decision_seconds = HANGOVER
    """From the end of the words to the decision."""

    def __init__(self, vocabulary: Vocabulary = COMMANDS, decoder=None) -> None:
        self._vocabulary = vocabulary
        self._decoder = decoder or _decoder(vocabulary)
        """A PocketSphinx Decoder; another one (a grammar, in bench/recognizer.py) may be given."""
        self._decoding = False
        self.on_start: Callable[[], None] | None = None
        """Told when someone starts speaking."""
        self.on_utterance: Callable[[Utterance, str], None] | None = None
        """Then told (TALK, "") if it ran too long for a command, or (OTHER, what was heard) if it
        was short but no command (a command is returned by feed instead)."""
        self.silence_before_speech = False
        """As CommandRecognizer's, set by the microphone; unused: the pre-roll is decoded as heard
        (ratings are asked with the coach quiet)."""
        self.reset()

    def reset(self) -> None:
        """Forget the stream so far (the slow-to-load decoder is kept): for the next file."""
        if self._decoding:
            self._decoder.end_utt()
        self._decoder.reinit_feat()  # the cepstral mean starts again from CMN_INIT
        self._endpoint = Endpointer()
        self._pre_roll: collections.deque[bytes] = collections.deque(maxlen=int(PRE_ROLL_SECONDS / FRAME_SECONDS))
        self._partial = np.empty(0, np.int16)
        self._decoding = False
        self._utterance_frames = 0
        self.consumed = 0
        """Samples seen so far."""

    def finish(self) -> list[Heard]:
        """End of the stream: decide on an utterance still open."""
        if self._decoding:
            return [h for h in [self._decide()] if h]
        return []

    def _frame(self, frame: np.ndarray) -> Heard | None:
        self.consumed += FRAME
        pcm = np.clip(frame.astype(np.int32) + DITHER, -32768, 32767).astype(np.int16).tobytes()
        self._pre_roll.append(pcm)
        change = self._endpoint.feed(frame)
        if change and change.kind is Boundary.START:
            if self.on_start:
                self.on_start()
            self._decoder.start_utt()
            self._decoder.process_raw(b"".join(self._pre_roll))
            self._decoding, self._utterance_frames = True, len(self._pre_roll)
            return None
        if self._decoding and not change:
            self._decoder.process_raw(pcm)
            self._utterance_frames += 1
            if self._utterance_frames * FRAME_SECONDS > MAX_UTTERANCE_SECONDS + PRE_ROLL_SECONDS:
                self._decoder.end_utt()
                self._decoding = False
                self._tell(Utterance.TALK)
            return None
        if change and change.kind is Boundary.END and self._decoding:
            return self._decide()
        return None

    def _decide(self) -> Heard | None:
        self._decoder.end_utt()
        self._decoding = False
        hypothesis = self._decoder.hyp()
        text = hypothesis.hypstr if hypothesis else ""
        short = self._vocabulary.around(text) <= self._vocabulary.max_around
        command = self._vocabulary.meaning(text) if short else None
        if command is None:
            self._tell(Utterance.OTHER, text)
        return Heard(command, self.consumed / RATE, text) if command is not None else None

    def _tell(self, what: Utterance, text: str = "") -> None:
        if self.on_utterance:
            self.on_utterance(what, text)
