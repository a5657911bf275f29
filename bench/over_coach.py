"""Commands said over the coach, as the echo-cancelled ear heard them in whole sessions: replays
recordings made by `bench/handsfree.py --ears DIR` through the command recognizer and prints, over
the first tries (each said while the coach talked), the right command's highest probability and
how many would be taken (the first command decided around the words, as the recognizer decides:
past its bar, above every other command, pain first) and how many as another command, with the
audio before each utterance as heard and as silence (CommandRecognizer.silence_before_speech, which the
session sets on this ear while the coach talks).

The replay is the session's classifier and its bars on the same audio (not Whisper's second
opinion on close calls), so it tells why a first try failed
(heard poorly, or heard and then not taken by turn-taking) and measures a change to the
recognizer on the very sound of the canceller's double talk, without running sessions again.

Run: .venv/bin/python bench/handsfree.py --trials 14 --ears DIR && .venv/bin/python bench/over_coach.py DIR [DIR ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.audio.chunk import RATE  # noqa: E402
from coach.audio.recognizer import CommandRecognizer, command_past_its_bar  # noqa: E402
from coach.audio.voice import ECHO_RESIDUAL_LEVEL  # noqa: E402
from coach.audio.wavin import read_audio  # noqa: E402
from coach.events import Command  # noqa: E402
from coach.phrases import command_in  # noqa: E402

CHUNK = 320
# A verdict belongs to a try if it comes this soon after the words end (the recording's start is
# known to about 0.3 s; a decision comes at most about 0.5 s after the words).
AFTER_WORDS = 1.5
BEFORE_WORDS = 0.5


def verdicts(samples: np.ndarray, silence_before_speech: bool) -> list[tuple[float, np.ndarray]]:
    """(time, each class's highest probability) of every short utterance the recognizer decided."""
    recognizer = CommandRecognizer()
    recognizer.endpointer.min_level = ECHO_RESIDUAL_LEVEL
    recognizer.silence_before_speech = silence_before_speech
    decided = []
    recognizer.verdicts = lambda at, best: decided.append((at, best.copy()))
    for start in range(0, len(samples), CHUNK):
        recognizer.feed(samples[start:start + CHUNK])
    return decided


def first_tries(folder: Path, silence_before_speech: bool) -> list[tuple[str, float, Command | None]]:
    """(words, the right command's highest probability, the command that would be taken) of each
    first try."""
    samples = read_audio(str(folder / "echo-free.wav")).samples
    decided = verdicts(samples, silence_before_speech)
    classes = CommandRecognizer().classes
    tries = []
    for said in json.loads((folder / "said.json").read_text()):
        if said["try"]:
            continue
        command = command_in(said["words"])
        right = classes.index(command.value)
        near = [best for at, best in decided if said["start"] - BEFORE_WORDS < at < said["end"] + AFTER_WORDS]
        probability = max((best[right] for best in near), default=0.0)
        heard = next((c for c in (command_past_its_bar(best, classes) for best in near) if c), None)
        tries.append((said["words"], float(probability), heard))
    return tries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="+", help="Folders written by bench/handsfree.py --ears.")
    args = parser.parse_args()
    for silence in (False, True):
        tries = [t for folder in args.folders for t in first_tries(folder, silence)]
        by_words = {}
        for words, probability, _ in tries:
            by_words.setdefault(words, []).append(probability)
        taken = [heard for words, _, heard in tries if heard is command_in(words)]
        wrong = [heard for words, _, heard in tries if heard not in (None, command_in(words))]
        print(f"{'silence' if silence else 'as heard'} before speech: {len(tries)} first tries, the right "
              f"command's probability {np.mean([p for _, p, _ in tries]):.2f} on average, "
              f"{len(taken)} would be taken, {len(wrong)} taken as another command; by words: "
              + ", ".join(f"{words} {np.mean(p):.2f}" for words, p in sorted(by_words.items())))


if __name__ == "__main__":
    main()
