"""`coach learn`: takes of each command and of other sound, checked, turned into your own voice
(personal.py), kept only if it takes no more for a command than the shipped model did.

The negatives are your other sound (ordinary talk, silence) and coach's own spoken lines and
near-miss words in its voice, rendered here by eSpeak NG.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from coach.audio import personal
from coach.audio.endpoint import MAX_UTTERANCE_SECONDS, whole_frames
from coach.audio.chunk import level_dbfs
from coach.audio.recognizer import RATE, CommandRecognizer, detect_in
from coach.errors import CoachError
from coach.events import Command
from coach.phrases import command_in

TAKES_PER_COMMAND = 3
# Each take and your other sound are also learned as a more echoing room would give them. Not in
# noise: noisy takes came close to noisy talk, and flite slt's takes then learned 3 commands of 7.
CONDITIONS = ("clean", "reverb")
SNR_DB = 10.0
# A take is clipped when this share of its samples sit at full scale.
CLIPPED_LEVEL = 32000
CLIPPED_SHARE = 0.001
# A take whose loudest 10 ms is quieter than this (dBFS) is too quiet to learn from.
QUIET_DBFS = -40.0
OTHER = "other"
NEAR_MISSES = ("pack", "paint", "plain", "top", "step", "rest", "text", "pose", "peas", "bake", "pan", "pace",
               "stock", "sleep", "knee", "neck", "the back of your knee", "next to your hip", "one more time",
               "okay", "right", "ten", "six")
# Everyday talk, said in coach's voice as more negatives: sentences like those a person says
# around a session, some with near-miss words, none saying a command.
EVERYDAY = (
    "I think I will make a cup of tea first.", "The neighbours are painting their fence again.",
    "Can you pass me the blanket from the sofa?", "It rained all afternoon, so we stayed in.",
    "My knee feels a bit stiff this morning.", "We should pick up some bread on the way home.",
    "The plain white one is on the top shelf.", "I put the pack of batteries in the drawer.",
    "She rang to say the train was running late.", "Let me find my glasses, they were here a minute ago.",
    "The dog wants to go out into the garden.", "I slept better last night than the night before.",
    "That programme starts at half past seven.", "Could you open the window a little?",
    "The pasta needs another ten minutes.", "I will ring the doctor's surgery on Monday.",
    "There is a parcel waiting at the post office.", "The heating comes on at six.",
    "We walked along the river as far as the bridge.", "I left my phone charging in the kitchen.",
    "Mum asked whether we are coming on Sunday.", "The text message said the shop closes early.",
    "He fixed the step by the garden door.", "I would like the blue mug, please.",
    "The cat is asleep on the rug again.", "Turn the radio down a little, would you?",
)
FILE_NAME = re.compile(r"^(?P<label>[a-z]+)-(?P<n>\d+)$")


def take_problem(samples: np.ndarray) -> str | None:
    """Why a take cannot be learned from (clipped, no speech, too quiet, too long), or None."""
    if len(samples) and np.mean(np.abs(samples.astype(np.int32)) >= CLIPPED_LEVEL) > CLIPPED_SHARE:
        return "clipped: speak a little softer or further from the microphone"
    spoken = personal.utterances(samples)
    if not spoken:
        return "no speech heard"
    frames, _ = whole_frames(np.empty(0, np.int16), samples)
    if max(map(level_dbfs, frames), default=-200.0) < QUIET_DBFS:
        return "too quiet: speak up or come closer to the microphone"
    if spoken[-1][1] - spoken[0][0] > MAX_UTTERANCE_SECONDS:
        return "too long for a command: say just the command"
    return None


@dataclass
class Takes:
    commands: dict[str, list[np.ndarray]] = field(default_factory=dict)
    other: list[np.ndarray] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(take's name, why) of each take not learned from."""


def takes_from(folder: Path) -> Takes:
    """The takes in a folder of `<command>-<n>.wav` and `other-<n>.wav` files (any audio soundfile reads)."""
    from coach.audio.wavin import NotAudio, read_audio

    takes, labels = Takes(), {c.value for c in Command} | {OTHER}
    files = sorted(p for p in folder.iterdir() if p.is_file() and FILE_NAME.match(p.stem))
    if not files:
        raise CoachError(f"{folder} has no takes: name them <command>-<n>.wav (pause-1.wav) and other-<n>.wav")
    for path in files:
        label = FILE_NAME.match(path.stem)["label"]
        if label not in labels:
            raise CoachError(f"{path}: '{label}' is not a command ({', '.join(sorted(labels))})")
        try:
            samples = read_audio(path).samples
        except NotAudio as error:
            raise CoachError(str(error)) from None
        if label == OTHER:
            takes.other.append(samples)
            continue
        problem = take_problem(samples)
        if problem:
            takes.refused.append((path.name, problem))
        else:
            takes.commands.setdefault(label, []).append(samples)
    if not takes.other:
        raise CoachError(f"{folder} has no other-<n>.wav: some ordinary talk is needed, to know what is not a command")
    return takes


def coach_lines() -> list[np.ndarray]:
    """coach's own lines and near-miss words, as its voice says them: negatives."""
    from coach import content
    from coach.audio.tts import EspeakTts, VoiceSettings
    from coach.audio.wavin import resample

    tts = EspeakTts(VoiceSettings())
    # Not the lines that say a command ("say pain"): in a session the coach's voice is kept out
    # by the ears' rules, and they would keep you from teaching that command.
    lines = [line for line in content.all_spoken_lines() if command_in(line.lower()) is None]
    clips = [tts.render(text) for text in lines + list(EVERYDAY) + [f"{word}." for word in NEAR_MISSES]]
    return [resample(c.samples, c.rate, RATE).astype(np.int16) if c.rate != RATE else c.samples for c in clips]


@dataclass
class Learned:
    voice: personal.PersonalVoice
    report: dict[str, personal.CommandReport]
    false_alarms: tuple[int, int]
    """Commands taken from the negatives by the shipped model, and with your voice."""
    takes_heard: tuple[int, int, int]
    """Your takes heard right by the shipped model, with your voice, and how many there were."""

    @property
    def safe(self) -> bool:
        return self.false_alarms[1] <= self.false_alarms[0] and bool(self.voice.learned)


def as_heard(samples: np.ndarray, condition: str, rng: np.random.Generator) -> np.ndarray:
    """The take as a noisier or more echoing room would give it: "white" or "pink" noise at
    SNR_DB, or "reverb" (a decaying noise impulse response, RT60 0.3-0.6 s)."""
    x = samples.astype(np.float64)
    if condition == "reverb":
        t = np.arange(int(0.6 * RATE)) / RATE
        response = rng.normal(0, 1, len(t)) * np.exp(-6.9 * t / rng.uniform(0.3, 0.6)) * 0.1
        response[0] = 1.0
        size = len(x) + len(response)
        x = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(response, size), size)[:len(x)]
    elif condition in ("white", "pink"):
        noise = rng.normal(0, 1, len(x))
        if condition == "pink":
            spectrum = np.fft.rfft(noise)
            spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
            noise = np.fft.irfft(spectrum, len(x))
        loud = np.abs(x) > 300
        speech = np.sqrt(np.mean(x[loud] ** 2)) if loud.any() else 1000.0
        x = x + noise * speech / (np.sqrt(np.mean(noise ** 2)) * 10 ** (SNR_DB / 20))
    peak = np.abs(x).max() if len(x) else 0.0
    return (x * (32000 / peak if peak > 32000 else 1.0)).astype(np.int16)


def learn(takes: Takes, negatives: list[np.ndarray], conditions=CONDITIONS, margin: float = personal.MARGIN,
          seed: int = 0) -> Learned:
    """Learn from the takes, each also as heard in `conditions`; your other sound too, as a negative."""
    recognizer = CommandRecognizer()
    classes = recognizer.classes
    rng = np.random.default_rng(seed)
    views = {command: [_all_conditions([personal.word_views(as_heard(s, c, rng), recognizer) for c in conditions])
                       for s in samples] for command, samples in takes.commands.items()}
    other = [as_heard(s, c, rng) for s in takes.other for c in conditions]
    negative_views = [np.array([v for _, v in personal.step_views(s, recognizer)]) for s in other + negatives]
    voice, report = personal.build(classes, views, [v for v in negative_views if len(v)], margin)
    yours = CommandRecognizer(personal=voice)
    before = sum(len(detect_in(s, recognizer)) for s in takes.other + negatives)
    after = sum(len(detect_in(s, yours)) for s in takes.other + negatives)
    pairs = [(command, s) for command, samples in takes.commands.items() for s in samples]
    shipped = sum(_heard_as(recognizer, s, command) for command, s in pairs)
    mine = sum(_heard_as(yours, s, command) for command, s in pairs)
    return Learned(voice, report, (before, after), (shipped, mine, len(pairs)))


def _all_conditions(views: list[np.ndarray]) -> np.ndarray:
    """One take's views in every condition, as one group (a take is left out whole)."""
    found = [v for v in views if len(v)]
    return np.concatenate(found) if found else np.empty((0, 0))


def _heard_as(recognizer, samples: np.ndarray, command: str) -> bool:
    heard = detect_in(samples, recognizer)
    return len(heard) == 1 and heard[0].command.value == command


def save(folder: Path, learned: Learned, takes: Takes, keep_audio: bool) -> None:
    forget(folder)
    learned.voice.save(folder)
    personal.write_summary(folder, {
        "learned_at": datetime.now().isoformat(timespec="seconds"),
        "takes": {c: r.takes for c, r in learned.report.items()},
        "learned": learned.voice.learned,
        "other_seconds": round(sum(len(s) for s in takes.other) / RATE, 1),
        "takes_heard": {"shipped": learned.takes_heard[0], "yours": learned.takes_heard[1],
                        "of": learned.takes_heard[2]},
        "false_alarms": {"shipped": learned.false_alarms[0], "yours": learned.false_alarms[1]},
        "audio_kept": keep_audio,
    })
    if keep_audio:
        from coach.audio.clip import Clip

        audio = folder / "audio"
        audio.mkdir()
        for label, recordings in {**takes.commands, OTHER: takes.other}.items():
            for n, samples in enumerate(recordings, 1):  # named as --from reads them: learn again from here
                Clip(samples, RATE).write_wav(audio / f"{label}-{n}.wav")


def forget(folder: Path) -> bool:
    """Remove everything learned (and any audio kept); whether there was anything."""
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    return True
