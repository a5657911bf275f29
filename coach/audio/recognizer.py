"""Hears the seven commands in a 16 kHz stream: the endpointer cuts out each utterance, and a
classifier over speech embeddings says which command, if any, it was.

Every 80 ms of an utterance, the speech embedding (embedding.py) summarises the last 0.775 s of
sound, and the command classifier (classifier.py) looks at the last 16 summaries (about 2 s)
and says how likely each command is to have just been said, against "other": ordinary talk,
near-miss words, numbers, noise, the coach's own cues. When the utterance ends (the endpointer's
HANGOVER, 0.2 s, after the last word, then DECIDE_AFTER_STEPS more steps unless a command is
already SURE), the command with the highest probability seen in it is heard if that probability
passes its threshold; pain first, whenever it passes its own.

Why decide at the end of the utterance, not at the classifier's first peak: a sentence that
begins with a command word ("Next, bring your knee up") looks like the command until the next
word comes; and an utterance longer than MAX_UTTERANCE_SECONDS is talk, whatever it holds
("lie on your back"). Embeddings are only computed around speech (the 2 s before it are filled
in when it starts), so silence costs almost nothing.

The time of each detection is the audio consumed when it was made: nothing ahead of it has been
seen, and a file fed in any chunk size gives the same detections.

A close call (no command past its bar, one at its CONFIRM_FROM or more) gets a second opinion: Whisper
base (whisper.py), trained on far more voices than the classifier, writes the utterance down,
and the command is heard if Whisper wrote that command, sure enough of its words.

The classifier knows no numbers: spoken pain ratings and menu choices are written down by
Whisper alone (whisper.py; recognizer_for).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from coach.audio.chunk import RATE
from coach.audio.classifier import CommandModel
from coach.audio.embedding import STEP, WINDOW, SpeechEmbedding
from coach.audio.endpoint import (FRAME, HANGOVER, MAX_UTTERANCE_SECONDS, PRE_ROLL_SECONDS, Boundary, Endpointer,
                                  FedByFrames)
from coach.audio.personal import PersonalVoice
from coach.audio.whisper import Transcriber, Transcript, WhisperRecognizer, hint, meaning_in
from coach.events import Command, Heard
from coach.phrases import COMMANDS, Vocabulary
from coach.turns import Utterance

# A command's highest probability in an utterance must pass this for it to be heard; pain is
# listened for first, with a lower bar. Chosen with flite's rms left out of training
# (training/train.py --hold-out, scored by scene): the lowest bars at which the model makes no more
# false alarms on rms's ordinary speech, takes no more of its short non-commands ("pack", "paint",
# "okay") and hears no fewer of its pains than the previous recipe (every third window of "other")
# at its 0.7 / 0.5: that one heard 0.531 (pain 0.547) at 15.4 false alarms an hour and 5.4% of
# short non-commands taken; at 0.49 / 0.30 this one hears 0.549 (pain 0.570) at 10.8 and 5.1%.
# Pain at 0.25 (pain 0.615) took 5.7%; at 0.35 it heard fewer pains (0.540). The classifier's
# probabilities run lower than the previous recipe's (three times the windows of "other").
THRESHOLDS = {command: 0.49 for command in Command} | {Command.PAIN: 0.30}
# The words of a command stay in the classifier's 2 s of context for a while: an utterance that
# follows this soon ("repeat ... please") is not heard as the same command again.
SAME_AGAIN_SECONDS = 1.5
# The classifier is surest a little after a word ends (it was trained to answer up to 0.32 s
# later), and in noise the endpointer can hear one command as two pieces: the decision waits
# this many 80 ms steps after the endpointer's end, and speech that starts again before it is
# the same utterance; unless a command is already SURE by the end, then it is decided at once.
# On the development split of bench/corpus.py (recall, latency p50 / p95 after the word):
# no wait 0.72, 179 / 317 ms; 2 steps 0.90, 315 / 447; 3 steps 0.93, 389 / 522 (in noise 0.51-0.67
# -> 0.88-0.94); at once when SURE 0.8, else after 2 steps: 0.90, 191 / 344; after 3: 0.93,
# 198 / 395. False alarms on sentences were the same in all, but 3 steps took more lone near-miss
# words (awb's "pack" as back, in audio_tests/test_recognizer_audio.py), so 2. SURE was 0.8 with the
# bars at 0.7; this model's probabilities run lower, and on the same split 0.8 / 0.6 / 0.5 gave the
# same recall (0.860) at p95 358 / 329 / 329 ms.
DECIDE_AFTER_STEPS = 2
SURE = 0.6
# Whisper's second opinion on a close call: what the classifier must give the command Whisper
# wrote. Chosen with Whisper tiny.en and kept for base (README, "Hearing commands"), on the
# development split (bench/recognizer.py): from 0.1 it heard 0.918 of the
# commands at 19.8 false alarms an hour (the classifier alone 0.865 at 16.5, one alarm there being
# 3.3 an hour); from 0.05, 0.923 at 23.1; with Whisper sure of its words at -0.5 rather than -0.7,
# 0.901 at 19.8; without the hint (whisper.hint), 0.867. Pain, recall first, from 0.05: pain 0.88
# -> 0.89 at the same 19.8 (0.02 and 0.0 heard no more pains there and took more false alarms).
CONFIRM_FROM = {command: 0.1 for command in Command} | {Command.PAIN: 0.05}
# How sure of its words Whisper must be (the mean log probability of its tokens). With base, on the
# development split (replayed): -0.7 for all heard 0.934 at 23.1 false alarms an hour; -0.5 for all
# but pain 0.931 at 19.8 (-0.5 for pain too: no fewer alarms, and pain is heard recall first).
MIN_LOGPROB = {command: -0.5 for command in Command} | {Command.PAIN: -0.7}


class CommandRecognizer(FedByFrames):
    """Feed 16 kHz mono int16 samples in any chunk size; get back the commands heard."""

    decision_seconds = HANGOVER + DECIDE_AFTER_STEPS * STEP / RATE
    """From the end of the words to the decision: the longest wait, then that of the last decision."""

    def __init__(self, model: CommandModel | None = None, embedding: SpeechEmbedding | None = None,
                 personal: PersonalVoice | None = None, second: Transcriber | None = None) -> None:
        self._model = model or CommandModel()
        self._embedding = embedding or SpeechEmbedding()
        self._personal = personal
        """Your own voice's takes (personal.py), heard beside the model."""
        self._second = second or Transcriber(hint(COMMANDS))
        # Enough audio for the classifier's window and for Whisper to hear a whole utterance, from its
        # pre-roll to the decision (HANGOVER and DECIDE_AFTER_STEPS after it ended): 1 s covers those.
        utterance = round((PRE_ROLL_SECONDS + MAX_UTTERANCE_SECONDS + 1.0) * RATE)
        self._keep = max((self._model.context - 1) * STEP + WINDOW, utterance)
        self.on_start: Callable[[], None] | None = None
        """Told when someone starts speaking."""
        self.on_utterance: Callable[[Utterance, str], None] | None = None
        """Then told (TALK, "") if it ran too long for a command (or only echoed the last one), or
        (OTHER, "") if it was short but no command (a command is returned by feed)."""
        self.verdicts: Callable[[float, np.ndarray], None] | None = None
        """Told (time, each class's highest probability) as each short utterance is decided: for
        the benchmark's curves."""
        self.on_step: Callable[[float, np.ndarray], None] | None = None
        """Told (time, the window as the classifier sees it, flattened) at every step: what
        `coach learn` keeps of a take."""
        self.heeded = True
        """False while the utterance under way will be ignored (a session's turn-taking does not
        believe this ear for it): its close call is not worth Whisper's time."""
        self.silence_before_speech = False
        """Set while what comes before speech is only the echo canceller's residue of the coach
        (voice.py): the classifier then hears silence before the words, not the residue. On the
        echo-cancelled recordings of two runs of bench/handsfree.py (28 commands said over the
        coach, replayed), the right command's highest probability rose from 0.27 to 0.38 on average,
        and 11 passed their bars instead of 6."""
        self.reset()

    def reset(self) -> None:
        """Forget the stream so far (the models are kept): for the next file."""
        self._endpoint = Endpointer()
        self._audio = np.zeros(self._keep, np.int16)  # the stream starts in silence
        self._embeddings: dict[int, np.ndarray] = {}
        self._partial = np.empty(0, np.int16)
        self._best: np.ndarray | None = None
        self._previous: np.ndarray | None = None
        self._started = 0.0
        self._talk = False
        self._decide_at: int | None = None
        self._ended = 0
        self._last: tuple[float, Command] | None = None
        self.consumed = 0
        """Samples seen so far."""

    @property
    def classes(self) -> tuple[str, ...]:
        """The classifier's classes, "other" first: what a personal voice is learned against."""
        return self._model.classes

    def finish(self) -> list[Heard]:
        """End of the stream: decide on an utterance still open."""
        if self._best is not None and not self._talk:
            return [h for h in [self._verdict()] if h]
        return []

    def _frame(self, frame: np.ndarray) -> Heard | None:
        self.consumed += FRAME
        self._audio = np.concatenate([self._audio[FRAME:], frame])
        change = self._endpoint.feed(frame)
        now = self.consumed / RATE
        if change and change.kind is Boundary.START:
            if self._decide_at is None:  # otherwise the utterance goes on after a short gap
                self._best, self._started, self._talk = np.zeros(len(self.classes)), change.time, False
                self._previous = None
                if self.silence_before_speech:
                    self._silence_before(change.time)
                if self.on_start:
                    self.on_start()
            self._decide_at = None
        if self._best is None:
            return None
        if self.consumed % STEP == 0 and not self._talk:
            self._step()
        if self._endpoint.in_speech and not self._talk and now - self._started > MAX_UTTERANCE_SECONDS:
            self._talk = True
            self._tell(Utterance.TALK)
        if change and change.kind is Boundary.END:
            self._decide_at = self.consumed + (0 if self._best[1:].max() >= SURE else DECIDE_AFTER_STEPS * STEP)
            self._ended = self.consumed
        if self._decide_at is not None and self.consumed >= self._decide_at:
            self.decision_seconds = HANGOVER + (self.consumed - self._ended) / RATE
            heard = None if self._talk else self._verdict()
            self._best, self._decide_at = None, None
            return heard
        return None

    def _silence_before(self, start: float) -> None:
        heard_since = self.consumed - round(start * RATE)
        self._audio[:max(0, len(self._audio) - heard_since)] = 0
        self._embeddings = {}

    def _step(self) -> None:
        step, context = self.consumed // STEP, self._model.context
        wanted = range(step - context + 1, step + 1)
        missing = [k for k in wanted if k not in self._embeddings]
        if missing:  # one call for the first missing embedding to the newest
            first = missing[0]
            audio = self._audio[len(self._audio) - ((step - first) * STEP + WINDOW):]
            for k, embedding in zip(range(first, step + 1), self._embedding.embed(audio)):
                self._embeddings[k] = embedding
        self._embeddings = {k: self._embeddings[k] for k in wanted}
        history = np.stack([self._embeddings[k] for k in wanted])
        prepared = self._model.prepared(history[None])
        probabilities = self._model.classify(prepared)[0]
        view = prepared[0].ravel()
        if self.on_step:
            self.on_step(self.consumed / RATE, view)
        if self._personal:
            probabilities = self._personal.adjusted(probabilities, view)
        # Two steps in a row: one step's spike ("pause" heard as pain for 80 ms) does not decide.
        smoothed = (probabilities + self._previous) / 2 if self._previous is not None else probabilities
        self._previous = probabilities
        self._best = np.maximum(self._best, smoothed)

    def utterance(self) -> np.ndarray:
        """The audio of the utterance being decided, from a little before its start."""
        start = max(0.0, self._started - PRE_ROLL_SECONDS)
        return self._audio[len(self._audio) - min(len(self._audio), self.consumed - round(start * RATE)):]

    def second_opinion(self) -> Transcript:
        """Whisper's transcript of the utterance being decided."""
        return self._second(self.utterance())

    def _verdict(self) -> Heard | None:
        best = self._best
        if self.verdicts:
            self.verdicts(self.consumed / RATE, best)
        command = command_past_its_bar(best, self.classes)
        if command is None and self.heeded and close_call(best, self.classes):
            command = confirmed(best, self.classes, self.second_opinion())
        now = self.consumed / RATE
        if command is None:
            self._tell(Utterance.OTHER)
            return None
        if self._last and self._last[1] == command and now - self._last[0] < SAME_AGAIN_SECONDS:
            self._tell(Utterance.TALK)  # its words, still in context, not said again: nothing to wait for
            return None
        self._last = (now, command)
        return Heard(command, now, command.value)

    def _tell(self, what: Utterance, text: str = "") -> None:
        if self.on_utterance:
            self.on_utterance(what, text)


def command_past_its_bar(best: np.ndarray, classes: tuple[str, ...]) -> Command | None:
    """The command an utterance's highest probabilities (one per class, "other" first) make heard:
    pain if past its bar, else the likeliest command if past its own; None if neither."""
    pain = classes.index(Command.PAIN.value)
    index = pain if best[pain] >= THRESHOLDS[Command.PAIN] else int(np.argmax(best[1:])) + 1
    command = Command(classes[index])
    return command if best[index] >= THRESHOLDS[command] else None


def close_call(best: np.ndarray, classes: tuple[str, ...]) -> bool:
    """Whether an utterance no command passed its bar in is worth a second opinion: some command
    got at least its CONFIRM_FROM."""
    return any(best[classes.index(command.value)] >= bar for command, bar in CONFIRM_FROM.items())


def confirmed(best: np.ndarray, classes: tuple[str, ...], written: Transcript) -> Command | None:
    """The command Whisper wrote in a close call, if it was sure enough of its words (MIN_LOGPROB)
    and the classifier gave that command its CONFIRM_FROM or more."""
    command = meaning_in(written.text, COMMANDS)
    if command is None or written.logprob < MIN_LOGPROB[command]:
        return None
    return command if best[classes.index(command.value)] >= CONFIRM_FROM[command] else None


def detect_in(samples: np.ndarray, recognizer, chunk: int = 1024) -> list[Heard]:
    """Stream a whole recording through a recognizer from a fresh start, in chunks, as a microphone would."""
    recognizer.reset()
    heard = []
    for start in range(0, len(samples), chunk):
        heard += recognizer.feed(samples[start:start + chunk])
    return heard + recognizer.finish()


def recognizer_for(vocabulary: Vocabulary, personal: PersonalVoice | None = None):
    """The recognizer that hears this vocabulary: the classifier for commands (with your own voice's
    takes, if learned), Whisper for ratings and menu choices."""
    if vocabulary is COMMANDS:
        return CommandRecognizer(personal=personal)
    return WhisperRecognizer(vocabulary)
