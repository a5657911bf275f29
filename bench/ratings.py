"""Spoken pain ratings: how often each recognizer writes down the number said, takes another, or
takes a number from words that are none.

Ratings 0-10 alone, "about a N" and "N out of ten", and six answers that are no number ("okay",
"I don't know", "pain", ...), in flite's slt, awb, kal16 and rms and festival's slt-hts, each clean,
in 10 dB pink noise and with reverb (bench/corpus.py's synthesis and rooms, seed 4). Whisper as
coach hears ratings (as the answer to the coach's question), not told the question, told the
numbers to expect, PocketSphinx (coach's previous rating recognizer), and the two together.
sox's noise is not seeded: figures vary by a few clips from run to run.

Run: .venv/bin/python bench/ratings.py   (about 3 minutes)
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import apply_condition, synthesize  # noqa: E402
from coach.audio.recognizer import detect_in  # noqa: E402
from bench.sphinx import SphinxRecognizer  # noqa: E402
from coach.audio.whisper import Transcriber, WhisperRecognizer, hint  # noqa: E402
from coach.phrases import NUMBER_WORDS, NUMBERS  # noqa: E402

VOICES = ["flite:slt", "flite:awb", "flite:kal16", "flite:rms", "festival:voice_cmu_us_slt_arctic_hts"]
CONDITIONS = ["clean", "pink", "reverb"]
RATINGS = ([(word, n) for n, word in enumerate(NUMBER_WORDS)]
           + [(f"about a {word}", n) for n, word in enumerate(NUMBER_WORDS) if n % 3 == 1]
           + [(f"{word} out of ten", n) for n, word in enumerate(NUMBER_WORDS) if n % 3 == 2])
NOT_RATINGS = ["okay", "I don't know", "pain", "pause", "let me think", "stop"]


def said(rng: random.Random) -> list[tuple[np.ndarray, int | None]]:
    """Every rating and non-rating in every voice and room, with a second of silence around it."""
    clips = []
    for voice in VOICES:
        for condition in CONDITIONS:
            for text, number in RATINGS + [(text, None) for text in NOT_RATINGS]:
                samples = synthesize(text, voice, rng).samples
                quiet = np.zeros(16000, np.int16)
                clips.append((apply_condition(np.concatenate([quiet, samples, quiet]), condition, rng), number))
    return clips


def main() -> None:
    clips = said(random.Random(4))
    recognizers = {"Whisper (coach)": WhisperRecognizer(NUMBERS),
                   "Whisper told to expect numbers": WhisperRecognizer(NUMBERS, Transcriber(hint(NUMBERS))),
                   "Whisper not told the question": WhisperRecognizer(NUMBERS, Transcriber()),
                   "PocketSphinx (before)": SphinxRecognizer(NUMBERS)}
    ratings, others = sum(n is not None for _, n in clips), sum(n is None for _, n in clips)
    print(f"{ratings} ratings and {others} answers that are no number")
    heard_by = {name: [[h.command for h in detect_in(samples, recognizer)] for samples, _ in clips]
                for name, recognizer in recognizers.items()}
    heard_by["Whisper, else PocketSphinx"] = [w or s for w, s in zip(heard_by["Whisper (coach)"],
                                                                     heard_by["PocketSphinx (before)"])]
    for name, heard_each in heard_by.items():
        right = wrong = made_up = 0
        for (samples, number), heard in zip(clips, heard_each):
            if number is None:
                made_up += bool(heard)
            else:
                right += heard == [number]
                wrong += bool(heard) and heard != [number]
        print(f"{name}: {right} right ({right / ratings:.2f}), {wrong} another number, "
              f"{made_up} of {others} non-numbers taken for a number")


if __name__ == "__main__":
    main()
