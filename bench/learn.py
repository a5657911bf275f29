"""`coach learn` on voices the shipped model was never trained on: recall and false alarms before
and after learning from TAKES takes of each command.

For each held-out voice of bench/corpus.py's test split, the "person" records what `coach learn`
asks for: each command's word TAKES times (clean, at random speeds and pitches) and about 20 s of
ordinary talk plus silence (sentences of the test split). The voice is learned from those takes
exactly as `coach learn --from` does; then the same voice's other utterances in the corpus
(commands in carrier phrases, clean, 10 dB noise, reverb; and its ordinary speech) are replayed
with the shipped model alone and with the learned voice. Recall is given over every saying of a
command and over the taught words alone (the word recorded, alone or with carrier words around
it): "end session" or "ouch" were never taught, and the learned voice cannot be expected to help
there.

The margin and the rooms takes are learned in were chosen with --split dev (voices the model was
trained on, so little is left to learn there, but false alarms can be counted); the figures are
those of the test split, never tuned on.

Run: .venv/bin/python bench/corpus.py && .venv/bin/python bench/learn.py [--split dev] [--voices flite:slt ...]
[--own-only] (about 16 minutes; --own-only leaves out everyone's speech, the longer part)
(--corpus DIR reads a corpus built with bench/corpus.py --out DIR, for example the dev split alone).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import SAYINGS, synthesize  # noqa: E402

from coach.audio import learning, personal  # noqa: E402
from coach.audio.recognizer import CommandRecognizer, detect_in  # noqa: E402
from coach.audio.wavin import read_audio  # noqa: E402

CORPUS = ROOT / "bench" / "out" / "corpus"
TAKES = 3
VOICES = {"test": ["flite:slt", "flite:awb", "festival:voice_cmu_us_slt_arctic_hts", "en-gb-x-gbcwmd"],
          "dev": ["flite:kal16", "festival:voice_kal_diphone", "en-029"]}
TALK = ["I slept badly last night, so I am taking it slowly this morning.",
        "We had soup for lunch and then I sat in the garden for an hour.",
        "My sister called to ask about the weekend, and we talked for a while."]


def recorded_takes(voice: str, seed: int) -> learning.Takes:
    """What the person would record for `coach learn`: each command's word, and other sound."""
    rng, takes = random.Random(seed), learning.Takes()
    pad = np.zeros(8000, np.int16)
    for command, sayings in SAYINGS.items():
        for _ in range(TAKES):
            spoken = synthesize(sayings[0], voice, rng).samples
            takes.commands.setdefault(command, []).append(np.concatenate([pad, spoken, pad]))
    talk = np.concatenate([np.concatenate([synthesize(line, voice, rng).samples, pad]) for line in TALK])
    takes.other += [talk, np.zeros(16000 * 10, np.int16)]
    return takes


def replay(corpus: Path, rows: list[dict], recognizer) -> dict:
    return {r["file"]: [h.command.value for h in detect_in(read_audio(corpus / r["file"]).samples, recognizer)]
            for r in rows}


def taught(row: dict) -> bool:
    """Whether a command file says the word the person taught (recorded_takes: each command's first
    saying), alone or with carrier words ("hey stop"), not another of its sayings ("end session")."""
    return SAYINGS[row["command"]][0] in row["phrase"].lower().split()


def report(name: str, rows: list[dict], found: dict) -> str:
    commands = [r for r in rows if r["kind"] == "command"]
    speech = [r for r in rows if r["kind"] == "speech"]
    hit = {r["file"]: r["command"] in found[r["file"]] for r in commands}
    words = [hit[r["file"]] for r in commands if taught(r)]
    by = defaultdict(list)
    for r in commands:
        by[r["condition"]].append(hit[r["file"]])
    hours = sum(r["seconds"] for r in speech) / 3600
    alarms = sum(len(found[r["file"]]) for r in speech) / hours if hours else float("nan")
    conditions = "  ".join(f"{k} {np.mean(v):.2f}" for k, v in sorted(by.items()))
    return (f"  {name:<9} recall {np.mean(list(hit.values())):.3f} ({conditions}; the taught words "
            f"{np.mean(words):.3f} of {len(words)}); "
            f"false alarms {alarms:.1f} an hour of its ordinary speech")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", help="test (the default; never tuned on) or dev (for tuning)")
    parser.add_argument("--voices", nargs="+", help="voices of that split (default: VOICES of it)")
    parser.add_argument("--margin", type=float, default=personal.MARGIN)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="bench/corpus.py's output (--out)")
    parser.add_argument("--conditions", nargs="+", default=list(learning.CONDITIONS))
    parser.add_argument("--own-only", action="store_true",
                        help="false alarms on each voice's own speech only, not on everyone's (faster)")
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    args.voices = args.voices or VOICES[args.split]
    manifest = [json.loads(line) for line in open(args.corpus / "manifest.jsonl")]
    negatives = learning.coach_lines()
    shipped = CommandRecognizer()
    everyone = [r for r in manifest if r["split"] == args.split and r["kind"] == "speech"]
    everyone_hours = sum(r["seconds"] for r in everyone) / 3600

    def on_everyone(recognizer) -> float:
        """False alarms an hour of every voice's ordinary speech in the split."""
        return sum(map(len, replay(args.corpus, everyone, recognizer).values())) / everyone_hours

    if not args.own_only:
        print(f"shipped model: {on_everyone(shipped):.1f} false alarms an hour of everyone's ordinary speech "
              f"({everyone_hours * 60:.0f} min, every voice of the split)")
    before_all, after_all = {}, {}
    for k, voice in enumerate(args.voices):
        started = time.time()
        rows = [r for r in manifest if r["split"] == args.split and r["voice"] == voice]
        learned = learning.learn(recorded_takes(voice, args.seed + k), negatives, args.conditions, args.margin)
        mine = CommandRecognizer(personal=learned.voice)
        before, after = replay(args.corpus, rows, shipped), replay(args.corpus, rows, mine)
        before_all |= before
        after_all |= after
        print(f"{voice}: learned {', '.join(learned.voice.learned) or 'nothing'} from {TAKES} takes each "
              f"({sum(r['kind'] == 'command' for r in rows)} command files, "
              f"{sum(r['seconds'] for r in rows if r['kind'] == 'speech') / 60:.0f} min of its speech; "
              f"{time.time() - started:.0f} s)")
        print(report("shipped", rows, before))
        print(report("learned", rows, after))
        if not args.own_only:
            print(f"  learned   false alarms {on_everyone(mine):.1f} an hour of everyone's ordinary speech")
    rows = [r for r in manifest if r["file"] in before_all]
    print("all of them")
    print(report("shipped", rows, before_all))
    print(report("learned", rows, after_all))


if __name__ == "__main__":
    main()
