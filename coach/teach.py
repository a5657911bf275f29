"""`coach learn`: your takes (from the microphone or a folder) checked, learned, summarised."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import IO

import numpy as np

from coach import content
from coach.audio import learning, personal
from coach.audio.cache import default_folder
from coach.audio.echo import default_is_monitor
from coach.audio.endpoint import FRAME_SECONDS, Boundary, Endpointer, whole_frames
from coach.audio.pulse import PulseCapture
from coach.audio.recognizer import RATE, CommandRecognizer, detect_in
from coach.audio.speech import build_speaker
from coach.audio.tones import READY
from coach.audio.tts import VoiceSettings
from coach.errors import CoachError
from coach.events import Command
from coach.listening import CLEAR_LINE, meter

# A take: recording stops this long after the speech in it ended, or after TAKE_SECONDS.
AFTER_SPEECH_SECONDS = 0.6
TAKE_SECONDS = 4.0
TRIES = 3
TALK_SECONDS = 20.0
QUIET_SECONDS = 10.0
TEST_SECONDS = 6.0
BLOCK_SECONDS = 0.05


def learn_from_folder(source: Path, data_dir: Path, keep_audio: bool, out: IO[str]) -> None:
    takes = learning.takes_from(source)
    for name, why in takes.refused:
        out.write(f"{name}: not used, {why}\n")
    learn_and_save(takes, data_dir, keep_audio, out)


def learn_and_save(takes: learning.Takes, data_dir: Path, keep_audio: bool, out: IO[str]) -> learning.Learned:
    """Learn from checked takes; save only what makes no more false alarms; print the summary."""
    if not takes.commands:
        raise CoachError("no take could be used: nothing learned")
    out.write("Learning your voice...\n")
    learned = learning.learn(takes, learning.coach_lines())
    for command, report in learned.report.items():
        state = "learned" if report.learned else "not learned: too like your other sound or coach's lines"
        out.write(f"  {command:<7} {report.takes} take{'s' * (report.takes != 1)}, "
                  f"{report.heard_again} of them heard from the others alone: {state}\n")
    shipped, yours, count = learned.takes_heard
    out.write(f"Your takes heard right: {shipped} of {count} before, {yours} of {count} with your voice.\n")
    before, after = learned.false_alarms
    out.write(f"Commands taken from your other sound and coach's own lines: {before} before, {after} with your voice.\n")
    if not learned.voice.learned:
        raise CoachError("nothing learned: every command's takes were too like other sound; try again in a quieter room")
    if not learned.safe:
        raise CoachError("not saved: your voice would make coach take commands from ordinary talk")
    folder = personal.folder_in(data_dir)
    learning.save(folder, learned, takes, keep_audio)
    kept = "your takes' audio kept" if keep_audio else "no audio kept"
    out.write(f"Saved in {folder} ({kept}). `coach run`, `listen` and `detect` use it; "
              f"`--no-personal` turns it off, `coach learn --forget` removes it.\n")
    return learned


def status(data_dir: Path, out: IO[str]) -> None:
    folder = personal.folder_in(data_dir)
    summary = personal.read_summary(folder)
    if summary is None:
        out.write("No voice learned: coach hears you with its shipped model. `coach learn` teaches it yours.\n")
        return
    when = datetime.fromisoformat(summary["learned_at"])
    takes = sum(summary["takes"].values())
    heard = summary["takes_heard"]
    out.write(f"Voice learned on {when:%Y-%m-%d at %H:%M} from {takes} takes and "
              f"{summary['other_seconds']:g} s of other sound ({'audio kept' if summary['audio_kept'] else 'no audio kept'}).\n"
              f"Learned: {', '.join(summary['learned'])}.\n"
              f"Self-test: your takes heard right {heard['shipped']} of {heard['of']} before, {heard['yours']} of "
              f"{heard['of']} with your voice.\n")
    if summary.get("self_test"):
        out.write(f"Said to test it: {summary['self_test']}.\n")


def forget(data_dir: Path, out: IO[str]) -> None:
    folder = personal.folder_in(data_dir)
    if learning.forget(folder):
        out.write(f"Your learned voice is removed ({folder}).\n")
    else:
        out.write("No voice learned: nothing to remove.\n")


def learn_by_voice(data_dir: Path, keep_audio: bool, microphone: str | None, out: IO[str],
                   takes_each: int = learning.TAKES_PER_COMMAND) -> None:
    """Asks for each command's takes, then other talk and quiet, through the speaker and the
    microphone; learns; then listens once with the learned voice and prints what it heard."""

    if not microphone and default_is_monitor():
        raise CoachError("no microphone found: connect one, or learn from recordings with `coach learn --from DIR`")
    words = [command.value for command in Command]
    speaker = build_speaker(VoiceSettings(), default_folder())
    speaker.open()
    speaker.prepare(content.learn_lines(words) + [READY])
    speaker.wait_until_ready()
    session = _Recorder(speaker, microphone, out)
    try:
        session.say(content.LEARN_INTRO)
        takes = learning.Takes()
        for word in words:
            for n in range(takes_each):
                take = session.take(content.LEARN_SAY.format(word=word) if n == 0 else
                                    content.LEARN_AGAIN.format(word=word), f"{word} {n + 1}")
                if take is not None:
                    takes.commands.setdefault(word, []).append(take)
        takes.other.append(session.record(content.LEARN_TALK, TALK_SECONDS))
        takes.other.append(session.record(content.LEARN_QUIET, QUIET_SECONDS))
        learned = learn_and_save(takes, data_dir, keep_audio, out)
        heard = session.test(learned.voice)
        out.write(f"Heard: {heard}\n" if heard else "Nothing heard as a command.\n")
        folder = personal.folder_in(data_dir)
        summary = personal.read_summary(folder) or {}
        personal.write_summary(folder, summary | {"self_test": heard or "nothing heard"})
    finally:
        speaker.close()


class _Recorder:
    """The microphone, opened only while the user is asked to speak (after the coach and its tone)."""

    def __init__(self, speaker, microphone: str | None, out: IO[str]):
        self.speaker, self.microphone, self.out = speaker, microphone, out

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()
        self.speaker.say(text)
        self.speaker.wait_until_quiet(30.0)

    def take(self, prompt: str, name: str) -> np.ndarray | None:
        """One command take, asked again (up to TRIES times) while it is too quiet, clipped, empty or long."""
        for attempt in range(TRIES):
            self.say(prompt if attempt == 0 else content.LEARN_RETRY)
            samples = self._listen(TAKE_SECONDS, until_quiet=True)
            problem = learning.take_problem(samples)
            if problem is None:
                return samples
            self.out.write(f"  {name}: {problem}\n")
        self.out.write(f"  {name}: skipped\n")
        return None

    def record(self, prompt: str, seconds: float) -> np.ndarray:
        self.say(prompt)
        return self._listen(seconds, until_quiet=False)

    def test(self, voice) -> str:
        self.say(content.LEARN_TEST)
        recognizer = CommandRecognizer(personal=voice)
        samples = self._listen(TEST_SECONDS, until_quiet=True)

        return ", ".join(h.command.value for h in detect_in(samples, recognizer))

    def _listen(self, seconds: float, until_quiet: bool) -> np.ndarray:
        """Records after the tone, with a level meter; a take ends soon after its speech does."""

        self.speaker.say(READY)
        self.speaker.wait_until_quiet(5.0)
        capture = PulseCapture(RATE, BLOCK_SECONDS, name="coach-learn", device=self.microphone)
        if not self.out.isatty():  # on a terminal the level meter shows it
            self.out.write("listening\n")
            self.out.flush()
        blocks, started, ended = [], time.monotonic(), _SpeechEnd()
        try:
            while time.monotonic() - started < seconds:
                blocks.append(capture.read().samples)
                if self.out.isatty():
                    self.out.write(CLEAR_LINE + meter(blocks[-1]))
                    self.out.flush()
                if ended.feed(blocks[-1]) and until_quiet:
                    break
        finally:
            capture.close()
            if self.out.isatty():
                self.out.write(CLEAR_LINE)
        return np.concatenate(blocks) if blocks else np.zeros(0, np.int16)


class _SpeechEnd:
    """Fed a recording block by block: whether speech was heard and has been over for
    AFTER_SPEECH_SECONDS (each frame seen once, however long the take)."""

    def __init__(self) -> None:
        self._endpoint, self._pending = Endpointer(), np.empty(0, np.int16)
        self._ended_at: float | None = None

    def feed(self, block: np.ndarray) -> bool:
        frames, self._pending = whole_frames(self._pending, block)
        for change in map(self._endpoint.feed, frames):
            if change:
                self._ended_at = change.time if change.kind is Boundary.END else None
        now = self._endpoint.frames * FRAME_SECONDS
        return self._ended_at is not None and now - self._ended_at >= AFTER_SPEECH_SECONDS
