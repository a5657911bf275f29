"""Your own voice, learned from a few takes of each command (`coach learn`): a second stage beside
the shipped command classifier, which stays as it is.

What is kept of a take is its views: the last 16 speech embeddings as the classifier sees them
(each of unit length, the window's mean taken away) at the steps just after the word ended, where
the classifier was trained to answer. (Its networks' hidden layers were tried as views first: to
them a flite voice's "pause" and eSpeak NG's "Paused." were as alike as two takes of the word.) While coach listens,
a step whose view is closer to one of a command's takes than that command's threshold counts as
that command, with PERSONAL_PROBABILITY, if the shipped model gives that command SUPPORT too. Each threshold sits MARGIN above the closest that any
negative came (your ordinary talk and silence, and coach's own lines and near-miss words in its
voice), so on those the personal stage hears nothing; a command whose takes do not pass it for
each other is left to the shipped model alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.audio.endpoint import FRAME_SECONDS, Boundary, Endpointer, whole_frames
from coach.errors import CoachError

# Steps of a take kept as its views: those ending within this long after the word.
AFTER_WORD_SECONDS = 0.32
# Chosen on the development voices (bench/learn.py --split dev): 0.02 learned every command but
# turned right answers into wrong ones (recall 0.925 -> 0.914) and added false alarms on other
# people's speech; 0.06 kept the recall and added one false alarm in 18 minutes for one voice; 0.1
# added none, but learned only one to three commands of seven.
MARGIN = 0.06
# A learned match counts only where the shipped model already gives that command this much: your
# take alone does not make a command of talk the model is sure is talk. It was 0.2 when the model's
# threshold was 0.7; the model trained on every window of "other" gives a lone one-syllable word
# in a voice it hears poorly less than that, and with flite slt's voice learned
# (audio_tests/test_learn_audio.py) 0.2 heard 23 of its 28 commands, 0.1 heard 25, 0.05 all 28.
SUPPORT = 0.05
# Over the classifier's THRESHOLDS (coach/audio/recognizer.py): a command the shipped model is surer of still wins.
PERSONAL_PROBABILITY = 0.75
# Cosine similarity is at most 1: a threshold above it is a command not learned.
NOT_LEARNED = 2.0
WEIGHTS_FILE = "voice.npz"
SUMMARY_FILE = "voice.json"


@dataclass(frozen=True)
class PersonalVoice:
    classes: tuple[str, ...]
    prototypes: np.ndarray
    """(views, features) unit rows: every kept view of every take."""
    labels: np.ndarray
    """(views,) the class index of each view's take."""
    thresholds: np.ndarray
    """(classes,) the similarity a step must reach to count as that class; NOT_LEARNED where none."""
    centre: np.ndarray
    """The negatives' mean view, taken from every view before comparing: what all views share
    (they are all much alike) says nothing of the word."""

    def similarities(self, hidden: np.ndarray) -> np.ndarray:
        """(classes,) how close a step's view comes to each class's takes (0 where it has none)."""
        view = unit((hidden - self.centre)[None])[0]
        best = np.zeros(len(self.classes))
        np.maximum.at(best, self.labels, self.prototypes @ view)
        return best

    def adjusted(self, probabilities: np.ndarray, hidden: np.ndarray) -> np.ndarray:
        """The classifier's probabilities of one step, raised for a command whose takes it is close to."""
        passed = (self.similarities(hidden) >= self.thresholds) & (probabilities >= SUPPORT)
        return np.where(passed, np.maximum(probabilities, PERSONAL_PROBABILITY), probabilities)

    @property
    def learned(self) -> list[str]:
        return [c for c, t in zip(self.classes, self.thresholds) if t < NOT_LEARNED]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(folder / WEIGHTS_FILE, classes=np.array(self.classes), prototypes=self.prototypes.astype(np.float16),
                 labels=self.labels, thresholds=self.thresholds, centre=self.centre)


def folder_in(data_dir: Path) -> Path:
    """Where your voice is kept: in coach's data folder, beside your history."""
    return data_dir / "voice"


def yours(data_dir: Path, wanted: bool = True) -> PersonalVoice | None:
    """Your learned voice for the shipped command model, or None (not learned, or not `wanted`)."""
    if not wanted:
        return None
    from coach.audio.classifier import model_classes

    return load(folder_in(data_dir), model_classes())


def load(folder: Path, classes: tuple[str, ...]) -> PersonalVoice | None:
    """The voice learned in `folder`, or None if there is none; one learned for another model
    (other classes) is refused with what to do."""
    path = folder / WEIGHTS_FILE
    if not path.exists():
        return None
    try:
        with np.load(path) as saved:
            voice = PersonalVoice(tuple(str(c) for c in saved["classes"]), saved["prototypes"].astype(np.float32),
                                  saved["labels"].astype(int), saved["thresholds"].astype(np.float64),
                                  saved["centre"].astype(np.float32))
    except (OSError, ValueError, KeyError) as error:
        raise CoachError(f"{path} cannot be read ({error}): run `coach learn --forget`, then learn again.") from None
    if voice.classes != classes:
        raise CoachError(f"{path} was learned for another command model: run `coach learn --forget`, then learn again.")
    return voice


def utterances(samples: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of speech the endpointer finds."""
    endpoint, found, start = Endpointer(), [], None
    frames, _ = whole_frames(np.empty(0, np.int16), samples)
    for change in map(endpoint.feed, frames):
        if change and change.kind is Boundary.START:
            start = change.time
        elif change and change.kind is Boundary.END and start is not None:
            found.append((start, change.time))
            start = None
    if start is not None:
        found.append((start, len(frames) * FRAME_SECONDS))
    return found


def step_views(samples: np.ndarray, recognizer) -> list[tuple[float, np.ndarray]]:
    """(time, view) of every step the recognizer takes in the recording."""
    from coach.audio.recognizer import detect_in

    views: list[tuple[float, np.ndarray]] = []
    recognizer.on_step = lambda time, hidden: views.append((time, hidden.copy()))
    try:
        detect_in(samples, recognizer)
    finally:
        recognizer.on_step = None
    return views


def word_views(samples: np.ndarray, recognizer) -> np.ndarray:
    """The views of a take at the steps just after its word (the last utterance's end)."""
    spoken = utterances(samples)
    if not spoken:
        return np.empty((0, 0))
    end = spoken[-1][1]
    chosen = [view for time, view in step_views(samples, recognizer) if end <= time <= end + AFTER_WORD_SECONDS]
    return np.array(chosen)


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / (np.linalg.norm(rows, axis=1, keepdims=True) + 1e-9)


@dataclass
class CommandReport:
    takes: int
    heard_again: int
    """Takes heard by the others over the threshold (leave one take out)."""
    learned: bool


def build(classes: tuple[str, ...], takes: dict[str, list[np.ndarray]], negatives: list[np.ndarray],
          margin: float = MARGIN) -> tuple[PersonalVoice, dict[str, CommandReport]]:
    """The personal voice from each command's takes' views and the views of every negative step."""
    negatives = [n for n in negatives if len(n)]
    centre = np.concatenate(negatives).mean(axis=0)
    takes = {command: [unit(v - centre) for v in views if len(v)] for command, views in takes.items()}
    negatives = [unit(n - centre) for n in negatives]
    prototypes, labels, thresholds, report = [], [], np.full(len(classes), NOT_LEARNED), {}
    for command, views in takes.items():
        if not views:
            continue
        index = classes.index(command)
        mine = np.concatenate(views)
        # Not the other commands' takes either: a learned "pause" must not hear your "pain".
        others = negatives + [v for c, vs in takes.items() if c != command for v in vs]
        threshold = float((np.concatenate(others) @ mine.T).max()) + margin
        again = sum(1 for k, v in enumerate(views) if len(views) > 1 and
                    float((v @ np.concatenate(views[:k] + views[k + 1:]).T).max()) >= threshold)
        learned = threshold < 1.0 and again > 0
        report[command] = CommandReport(len(views), again, learned)
        if learned:
            prototypes.append(mine)
            labels += [index] * len(mine)
            thresholds[index] = threshold
    empty = np.empty((0, len(centre)), np.float32)
    voice = PersonalVoice(classes, np.concatenate(prototypes) if prototypes else empty, np.array(labels, int),
                          thresholds, centre.astype(np.float32))
    return voice, report


def read_summary(folder: Path) -> dict | None:
    path = folder / SUMMARY_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def write_summary(folder: Path, summary: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SUMMARY_FILE).write_text(json.dumps(summary, indent=1), encoding="utf-8")
