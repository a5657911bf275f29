"""Writes bench/competitors.tsv: the words a command must beat to be heard.

The previous recognizer's language model (bench/sphinx.py) holds the commands and, as
open-vocabulary competitors, the 300 most frequent English words plus every dictionary word one
phone away from a command word ("pain": paint, plain, main, pace, ...). Each word keeps its
unigram log10 probability from PocketSphinx's own en-us language model. Built from the dictionary and the model only, never
from the test corpus.

Run: .venv/bin/python scripts/competitor_words.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from pocketsphinx import get_model_path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.phrases import CARRIER_WORDS, command_words  # noqa: E402

TOP_WORDS = 300
NEIGHBOURS_PER_WORD = 25
DUMP = """
from pocketsphinx import Config, LogMath, NGramModel, get_model_path
model = NGramModel(Config(), LogMath(), get_model_path("en-us/en-us.lm.bin"))
model.write({path!r}, NGramModel.str_to_type("arpa"))
"""


def unigrams() -> dict[str, float]:
    """log10 unigram probabilities from the packaged en-us model (dumped to ARPA in a subprocess:
    NGramModel.write crashes after writing, so only its output is trusted)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "en-us.arpa"
        subprocess.run([sys.executable, "-c", DUMP.format(path=str(path))], capture_output=True)
        probabilities, inside = {}, False
        with open(path, encoding="utf-8") as arpa:
            for line in arpa:
                if line.startswith("\\1-grams:"):
                    inside = True
                elif line.startswith("\\2-grams:"):
                    break
                elif inside and line.strip():
                    fields = line.split()
                    probabilities[fields[1]] = float(fields[0])
        return probabilities


def one_phone_apart(a: tuple, b: tuple) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def main() -> None:
    dictionary = {}
    for line in open(get_model_path("en-us/cmudict-en-us.dict"), encoding="utf-8"):
        word, *phones = line.split()
        if "(" not in word and re.fullmatch(r"[a-z']+", word):
            dictionary[word] = tuple(phones)
    probability = {w: p for w, p in unigrams().items() if w in dictionary}
    by_frequency = sorted(probability, key=probability.get, reverse=True)
    commands = command_words()
    keep = set(by_frequency[:TOP_WORDS])
    for command in commands:
        near = [w for w in by_frequency if w != command and one_phone_apart(dictionary[w], dictionary[command])]
        keep.update(near[:NEIGHBOURS_PER_WORD])
    # Forms of a command ("paused", "pains") and the carrier words stay out: they are not rivals.
    keep = {w for w in keep if w not in CARRIER_WORDS and not any(w.startswith(c) for c in commands)}
    out = ROOT / "bench" / "competitors.tsv"
    with open(out, "w", encoding="utf-8") as file:
        file.write("# word<TAB>log10 unigram probability; made by scripts/competitor_words.py\n")
        file.writelines(f"{w}\t{probability[w]:.4f}\n" for w in sorted(keep))
    print(f"{len(keep)} competitor words written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
