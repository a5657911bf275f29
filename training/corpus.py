"""Synthesizes the training corpus for the command model from the development voices only.

Every clip is one voice saying one thing, trimmed to its voiced span: a command phrase (with the
class it means) or ordinary speech (class "other"). Rooms and noise are added later, when the
clips are turned into embeddings (training/features.py), so each clip is heard in several.

Voices: eSpeak NG's development languages with every variant not kept for the test split, flite's
kal, kal16 and rms, festival's kal, and (the "kokoro" part) four of Kokoro-82M's five voices
(training/kokoro.py: neural, accented; jf_tebukuro is the test split's; measured, not in the
shipped model's recipe: training/README.md). Speaker augmentation: the recorded voices (flite,
festival) are shifted in pitch and formants together (sox pitch, -300 to +700 cents: men's voices
towards women's and children's) and in tempo (0.8-1.25), the neural ones in pitch (-300 to +400)
and in the model's own speed (0.85-1.2). The test split's voices, variants and carrier phrases
(bench/corpus.py), and the voices reserved for judging coach, are never used.

Run: .venv/bin/python -m training.corpus [PART...] [--out training/out]; with no part named it
builds the shipped model's three (commands, speech, near-misses), and `kokoro` only when named.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from coach.audio.chunk import RATE
from coach.audio.clip import Clip
from coach.phrases import PHRASES
from training.texts import CLASSES, LONE_WORDS, NEAR_MISSES, PREFIXES, SUFFIXES, common_words, fortune_sentences

ROOT = Path(__file__).resolve().parent.parent
ESPEAK_LANGUAGES = ["en-us", "en", "en-gb-x-rp", "en-029"]
RECORDED_VOICES = ["flite:rms", "flite:kal16", "flite:kal", "festival:voice_kal_diphone"]
# Clips of each part: commands (each drawn with a random form, voice, speed and pitch), ordinary
# speech (several sentences a clip), and short things that are not commands (near-miss words,
# carriers alone, one to three common words).
COMMAND_CLIPS = 7000
SPEECH_CLIPS = 1500
SENTENCES_PER_CLIP = 5
NEAR_MISS_DRAWS = 16
SHORT_PHRASES = 2000
KOKORO_VOICES = ["kokoro:jf_alpha", "kokoro:jf_gongitsune", "kokoro:jf_nezumi", "kokoro:jm_kumo"]
# The neural voices say about a second of speech in a second of compute: fewer of their clips.
KOKORO_CLIPS = {"commands": 1400, "short": 700, "speech": 150}
KOKORO_SENTENCES_PER_CLIP = 3
PARTS = {"commands": 7, "speech": 8, "near-misses": 9, "kokoro": 10}
"""Each part of the corpus and its seed."""
SHIPPED_PARTS = ("commands", "speech", "near-misses")
"""The parts the shipped model was trained on: what is built when no part is named."""


def espeak_variants() -> list[str]:
    listing = subprocess.run(["espeak-ng", "--voices=variant"], capture_output=True, text=True, check=True).stdout
    names = [line.split()[3].removeprefix("!v/") for line in listing.splitlines()[1:] if line.strip()]
    from bench.corpus import VARIANTS

    return sorted(set(names) - set(VARIANTS["test"]) - {"fast_test"})


def synthesize(text: str, voice: str, rng: random.Random) -> np.ndarray:
    """int16 samples at 16 kHz of `voice` ("espeak:lang+variant", "flite:kal", "festival:voice_x")."""
    engine, _, name = voice.partition(":")
    with tempfile.TemporaryDirectory() as folder:
        raw, out = Path(folder) / "raw.wav", Path(folder) / "out.wav"
        effects: list[str] = []
        if engine == "espeak":
            subprocess.run(["espeak-ng", "-v", name, "-s", str(rng.randint(120, 210)), "-p", str(rng.randint(20, 80)),
                            "-w", str(raw), "--stdin"], input=text.encode(), check=True, capture_output=True)
        elif engine == "kokoro":
            from training.kokoro import write_wav

            write_wav(text, name, raw, speed=rng.uniform(0.85, 1.2))
        elif engine == "flite":
            subprocess.run(["flite", "-voice", name, "-t", text, "-o", str(raw)], check=True, capture_output=True)
        else:
            subprocess.run(["text2wave", "-eval", f"({name})", "-o", str(raw)], input=text.encode(),
                           check=True, capture_output=True)
        if engine == "kokoro":  # its speed is the model's own
            effects = ["pitch", str(rng.randint(-300, 400))]
        elif engine != "espeak":
            effects = ["tempo", "-s", f"{rng.uniform(0.8, 1.25):.2f}", "pitch", str(rng.randint(-300, 700))]
        subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out), *effects, "norm", "-3"],
                       check=True, capture_output=True)
        return Clip.read_wav(out).trimmed().samples


def job(args: tuple) -> tuple[np.ndarray | None, str, str, str]:
    text, label, voice, seed = args
    try:
        return synthesize(text, voice, random.Random(seed)), label, voice, text
    except subprocess.CalledProcessError:  # a synthesizer that says nothing for this text
        return None, label, voice, text


def command_phrase(rng: random.Random, words: list[str]) -> tuple[str, str]:
    """A command said alone, or with carrier words or one or two common words around it."""
    command = rng.choice(list(PHRASES))
    saying = rng.choice(PHRASES[command])
    form = rng.random()
    if form < 0.25:
        text = saying
    elif form < 0.55:
        text = f"{rng.choice(PREFIXES)} {saying}"
    elif form < 0.7:
        text = f"{saying} {rng.choice(SUFFIXES)}"
    elif form < 0.85:
        text = " ".join(rng.sample(words, rng.randint(1, 2)) + [saying])
    elif form < 0.9:
        text = f"{saying} {rng.choice(words)}"
    else:
        text = f"{rng.choice(PREFIXES)} {saying} {rng.choice(SUFFIXES)}"
    return text, command.value


def jobs(part: str, seed: int) -> list[tuple]:
    rng = random.Random(seed)
    espeak = [f"espeak:{language}+{variant}" for language in ESPEAK_LANGUAGES for variant in espeak_variants()]

    def voice() -> str:  # half the clips from the recorded voices, which are nearer to people
        return rng.choice(RECORDED_VOICES) if rng.random() < 0.5 else rng.choice(espeak)

    words = common_words()
    if part == "kokoro":
        return kokoro_jobs(rng, words)
    if part == "commands":
        return [(*command_phrase(rng, words), voice(), rng.random()) for _ in range(COMMAND_CLIPS)]
    if part == "near-misses":
        said = [(w, "other") for w in NEAR_MISSES + LONE_WORDS + PREFIXES + SUFFIXES for _ in range(NEAR_MISS_DRAWS)]
        said += [(" ".join(rng.sample(words, rng.randint(1, 3))), "other") for _ in range(SHORT_PHRASES)]
        return [(text, label, voice(), rng.random()) for text, label in said]
    sentences = fortune_sentences("dev") + coach_lines()
    return [(" ".join(rng.sample(sentences, SENTENCES_PER_CLIP)), "other", voice(), rng.random())
            for _ in range(SPEECH_CLIPS)]


def kokoro_jobs(rng: random.Random, words: list[str]) -> list[tuple]:
    """Commands, short non-commands and ordinary speech, as the other parts have them, in Kokoro's voices."""
    said = [command_phrase(rng, words) for _ in range(KOKORO_CLIPS["commands"])]
    short = NEAR_MISSES + LONE_WORDS + PREFIXES + SUFFIXES
    said += [(rng.choice(short) if rng.random() < 0.5 else " ".join(rng.sample(words, rng.randint(1, 3))), "other")
             for _ in range(KOKORO_CLIPS["short"])]
    sentences = fortune_sentences("dev") + coach_lines()
    said += [(" ".join(rng.sample(sentences, KOKORO_SENTENCES_PER_CLIP)), "other")
             for _ in range(KOKORO_CLIPS["speech"])]
    return [(text, label, rng.choice(KOKORO_VOICES), rng.random()) for text, label in said]


def coach_lines() -> list[str]:
    """Everything the coach says: its own voice leaks into the microphone while the user speaks."""
    from bench.corpus import NEAR_MISS_SENTENCES, coach_sentences

    return coach_sentences() + NEAR_MISS_SENTENCES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", metavar="PART",
                        help=f"any of {', '.join(PARTS)} (default: {', '.join(SHIPPED_PARTS)})")
    parser.add_argument("--out", type=Path, default=ROOT / "training" / "out")
    args = parser.parse_args()
    unknown = set(args.parts) - set(PARTS)
    if unknown:  # not argparse's `choices`: with nargs="*" Python 3.11 refuses no parts given
        parser.error(f"unknown part {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for part in args.parts or SHIPPED_PARTS:
        synthesize_part(part, args.out / f"{part}.npz")


def synthesize_part(part: str, path: Path) -> None:
    work = jobs(part, PARTS[part])
    print(f"{part}: {len(work)} clips to synthesize", flush=True)
    clips, labels, voices, texts = [], [], [], []
    with ProcessPoolExecutor(max_workers=2) as pool:
        for n, (samples, label, voice, text) in enumerate(pool.map(job, work, chunksize=16)):
            if samples is None or len(samples) < RATE // 10:
                print(f"skipped: {voice} said nothing for {text!r}", flush=True)
                continue
            clips.append(samples), labels.append(CLASSES.index(label)), voices.append(voice), texts.append(text)
            if n % 1000 == 0:
                print(f"{n} done", flush=True)
    lengths = np.array([len(c) for c in clips])
    np.savez(path, samples=np.concatenate(clips), lengths=lengths, labels=np.array(labels),
             voices=np.array(voices), texts=np.array(texts))
    print(f"saved {path}: {len(clips)} clips, {lengths.sum() / RATE / 3600:.2f} h", flush=True)


if __name__ == "__main__":
    main()
