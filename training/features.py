"""Turns the synthesized clips into labelled embedding sequences, each clip heard in several rooms.

A scene is a clip placed in 1.5-2.5 s of background (so the classifier has its full context before
the words), then a room (a synthetic impulse response: direct sound plus exponentially decaying
reverberation, RT60 0.15-0.9 s, at a distance), then noise at 0-25 dB SNR (white, pink, brown,
babble of other clips, or one other voice, as the coach's own voice would leak in), then a random
level (-30 to -1 dBFS peak). With --over-the-coach SHARE, that share of the later scenes is
heard as the echo canceller lets through words said while the coach talks: their first 40-250 ms
20-45 dB down, the next 100-400 ms 3-15 dB down and rising (over_the_coach). The shipped model
is built without (training/README.md says what it did). Labels per embedding: a command's class where the embedding's
window ends within POSITIVE of the end of the phrase; -1 (not trained on) where the phrase is half
heard or just heard; "other" everywhere else and in all of ordinary speech.

Run: .venv/bin/python -m training.features [--clips CLIPS.npz...] [--views 3] [--seed 11] [--noisy 0.8]
     [--over-the-coach 0.3]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from scipy.signal import fftconvolve

from coach.audio.chunk import RATE
from coach.audio.embedding import STEP, WINDOW, SpeechEmbedding

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "training" / "out"
# Where, after the phrase ends, the window's end may be for the model to answer: the latency budget.
POSITIVE = (-0.08, 0.32)
# Not trained on: the phrase partly heard (from this far into it), and the moments just after the answer.
UNSURE_FROM = 0.1
UNSURE_AFTER = 0.9
NOISES = ("white", "pink", "brown", "babble", "voice")


def colored_noise(kind: str, length: int, rng: np.random.Generator) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(length))
    frequency = np.maximum(np.fft.rfftfreq(length, 1 / RATE), 20.0)
    power = {"white": 0.0, "pink": 1.0, "brown": 2.0}[kind]
    shaped = np.fft.irfft(spectrum / frequency ** (power / 2), length)
    return shaped / (np.std(shaped) + 1e-9)


def room_response(rng: np.random.Generator) -> np.ndarray:
    rt60 = rng.uniform(0.15, 0.9)
    length = int(RATE * min(rt60, 0.8))
    t = np.arange(length) / RATE
    tail = rng.standard_normal(length) * np.exp(-6.9 * t / rt60)
    tail[: int(RATE * 0.004)] = 0.0  # the first reflections come a few ms after the direct sound
    direct_to_reverb = 10 ** (rng.uniform(-6, 10) / 20)  # 2-3 m away on the floor, or close by
    tail *= 1 / (np.sqrt(np.sum(tail ** 2)) * direct_to_reverb)
    tail[0] = 1.0
    return tail


class Scenes:
    def __init__(self, clips: dict, rng: np.random.Generator, noisy: float = 0.8, over_coach_share: float = 0.0):
        self.noisy = noisy
        """The share of scenes (after the clean first) that have noise added."""
        self.over_coach_share = over_coach_share
        """The share of scenes (after the clean first) said over the coach."""
        self.samples, self.labels = clips["samples"], clips["labels"]
        self.starts = np.concatenate([[0], np.cumsum(clips["lengths"])])
        self.others = np.nonzero(self.labels == 0)[0]
        self.rng = rng

    def clip(self, index: int) -> np.ndarray:
        return self.samples[self.starts[index]:self.starts[index + 1]].astype(np.float64)

    def noise(self, length: int) -> np.ndarray:
        kind = self.rng.choice(NOISES)
        if kind in ("white", "pink", "brown"):
            return colored_noise(kind, length, self.rng)
        voices = 1 if kind == "voice" else int(self.rng.integers(3, 7))
        mixed = np.zeros(length)
        for _ in range(voices):
            other = self.clip(int(self.rng.choice(self.others)))
            other = np.tile(other, length // max(1, len(other)) + 1)
            offset = int(self.rng.integers(0, max(1, len(other) - length)))
            mixed += other[offset:offset + length] / (np.std(other) + 1e-9)
        return mixed / (np.std(mixed) + 1e-9)

    def scene(self, index: int, clean: bool) -> tuple[np.ndarray, int, int]:
        """Samples of the clip in a room with noise, and where its speech starts and ends."""
        speech = self.clip(index)
        lead, tail = int(RATE * self.rng.uniform(1.5, 2.5)), int(RATE * self.rng.uniform(0.4, 1.3))
        audio = np.concatenate([np.zeros(lead), speech, np.zeros(tail)])
        if not clean and self.rng.random() < 0.6:
            audio = fftconvolve(audio, room_response(self.rng))[: len(audio)]
        if not clean and self.over_coach_share and self.rng.random() < self.over_coach_share:
            audio = over_the_coach(audio, lead, self.rng)
        speech_rms = np.sqrt(np.mean(audio[lead:lead + len(speech)] ** 2)) + 1e-9
        floor = speech_rms * 10 ** (-self.rng.uniform(45, 70) / 20)
        if self.rng.random() < 0.7:  # a microphone's own hiss; otherwise digital silence, as in a file
            audio += floor * self.rng.standard_normal(len(audio))
        if not clean and self.rng.random() < self.noisy:
            snr = self.rng.uniform(0, 25)
            audio += self.noise(len(audio)) * speech_rms * 10 ** (-snr / 20)
        peak = 32767 * 10 ** (-self.rng.uniform(1, 30) / 20)
        audio *= peak / (np.abs(audio).max() + 1e-9)
        return audio.astype(np.int16), lead, lead + len(speech)


def over_the_coach(audio: np.ndarray, start: int, rng: np.random.Generator) -> np.ndarray:
    """Words from sample `start` as the echo canceller passes them when they begin over the coach:
    it takes a moment to tell the user's voice from the coach's, and until then suppresses both."""
    gone, weak = int(RATE * rng.uniform(0.04, 0.25)), int(RATE * rng.uniform(0.1, 0.4))
    decibels = np.zeros(len(audio))
    decibels[start:start + gone] = rng.uniform(-45, -20)
    rising = decibels[start + gone:start + gone + weak]
    rising[:] = np.linspace(rng.uniform(-15, -3), 0, weak)[:len(rising)]
    return audio * 10 ** (decibels / 20)


def labels_for(count: int, label: int, start: int, end: int) -> np.ndarray:
    """The label of each embedding of a scene whose speech runs from sample start to end."""
    ends = (np.arange(count) * STEP + WINDOW - end) / RATE  # each window's end, after the phrase's end
    if label == 0:
        return np.zeros(count, np.int8)
    out = np.zeros(count, np.int8)
    out[(ends > (start - end) / RATE + UNSURE_FROM) & (ends < UNSURE_AFTER)] = -1
    out[(ends >= POSITIVE[0]) & (ends <= POSITIVE[1])] = label
    return out


def load_clips(paths: list[Path]) -> dict:
    """The clips of several corpus files as one."""
    files = [np.load(path) for path in paths]
    return {key: np.concatenate([f[key] for f in files]) for key in ("samples", "lengths", "labels", "voices", "texts")}


def embed_part(args: tuple) -> tuple:
    """Embeddings, labels and clip numbers of the scenes of every `parts`-th clip, from `part`."""
    clips_paths, part, parts, views, seed, noisy, over_coach_share = args
    clips = load_clips(clips_paths)
    scenes, model = Scenes(clips, np.random.default_rng([seed, part]), noisy, over_coach_share), SpeechEmbedding()
    embeddings, labels, clip_of = [], [], []
    for index in range(part, len(clips["labels"]), parts):
        for view in range(views):
            audio, start, end = scenes.scene(index, clean=view == 0)
            emb = model.embed(audio)
            embeddings.append(emb.astype(np.float16))
            labels.append(labels_for(len(emb), int(clips["labels"][index]), start, end))
            clip_of.append(np.full(len(emb), index, np.int32))
        if index % 1000 == part:
            print(f"{index} clips", flush=True)
    return embeddings, labels, clip_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=Path, nargs="+",
                        default=[OUT / "commands.npz", OUT / "near-misses.npz", OUT / "speech.npz"])
    parser.add_argument("--out", type=Path, default=OUT / "features.npz")
    parser.add_argument("--views", type=int, default=3, help="scenes per clip; the first is clean")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--noisy", type=float, default=0.8, help="share of the later scenes with noise added")
    parser.add_argument("--over-the-coach", type=float, default=0.0,
                        help="share of the later scenes said over the coach (the shipped model: none)")
    args = parser.parse_args()
    parts = 2
    with ProcessPoolExecutor(max_workers=parts) as pool:
        results = list(pool.map(embed_part, [(args.clips, part, parts, args.views, args.seed, args.noisy,
                                               args.over_the_coach) for part in range(parts)]))
    embeddings = [e for r in results for e in r[0]]
    labels = [x for r in results for x in r[1]]
    clip_of = [x for r in results for x in r[2]]
    clips = load_clips(args.clips)
    np.savez(args.out, embeddings=np.concatenate(embeddings), labels=np.concatenate(labels),
             clip=np.concatenate(clip_of), scene_lengths=np.array([len(e) for e in embeddings]),
             voices=clips["voices"], clip_labels=clips["labels"])
    print(f"saved {args.out}: {sum(len(e) for e in embeddings)} embeddings")


if __name__ == "__main__":
    main()
