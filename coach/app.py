"""The composition root: builds the adapters for a session and wires them to the runner."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Iterator

import click

from coach import content
from coach.audio.tts import VoiceSettings
from coach.ports import Speaker
from coach.clock import MonotonicClock
from coach.errors import CoachError
from coach.eventlog import EventLog
from coach.events import Outcome
from coach.history import History
from coach.recorder import HistoryRecorder
from coach.recovery import open_or_recover
from coach.routine import Routine
from coach.hands_free import HandsFree, SessionQuestions
from coach.runner import Ports, Runner, SilentSpeaker
from coach.terminal import CLOCK_NOTE, KEY_HELP, Console, TerminalDisplay
from coach.timeline import SpeechLength, TimelineOptions, build_timeline, estimate_speech_seconds

DATA_DIR_ENV = "COACH_DATA_DIR"
HISTORY_FILE = "history.sqlite3"


def data_dir(option: str | None) -> Path:
    """--data-dir, else $COACH_DATA_DIR, else the platform's user data folder."""
    if option:
        return Path(option)
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV])
    from platformdirs import user_data_dir

    return Path(user_data_dir("coach"))


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def open_history(folder: Path) -> History:
    """The history file in `folder`; a damaged one is replaced (its `notice` says so)."""
    return open_or_recover(folder / HISTORY_FILE)


def week_line(folder: Path) -> str:
    """The plain count of this week's sessions, said after each session."""
    from datetime import datetime

    from coach.progress import week_line as line

    history = open_history(folder)
    try:
        return line(history.all_sessions(), datetime.now().astimezone())
    finally:
        history.close()


@dataclass(frozen=True)
class SessionResult:
    outcome: Outcome
    notices: list[str]
    """What was lost on the way (the speaker, the microphone), one line each."""
    unsaved: str | None = None
    """Why the session could not be saved in history, if it could not."""


class _Teller:
    """Says a problem where the user is looking: on the console before the session, as a cue line in it."""

    def __init__(self, console: Console, log: EventLog):
        self.console, self.log = console, log
        self.runner: Runner | None = None
        self.display: TerminalDisplay | None = None

    def __call__(self, line: str) -> None:
        now = self.runner.now() if self.runner else 0.0
        self.log.write(now, "history_problem", text=line)
        if self.display:
            self.display.cue(now, f"[{line}]")
        else:
            self.console.out.write(line + "\n")


@dataclass(frozen=True)
class RunOptions:
    data_dir: Path
    ask_ratings: bool = True
    log_path: str | None = None
    speed: float = 1.0
    text_only: bool = False
    voice: VoiceSettings | None = None
    cache_dir: Path | None = None
    timeline: TimelineOptions = TimelineOptions()
    """Its `listening` says whether to open the microphone for spoken commands."""
    microphone: str | None = None
    personal: bool = True
    """Hear commands with your learned voice too (coach learn), if there is one."""
    turns_log: str | None = None
    """Where to write what turn-taking heard and decided (turns.py), for replay."""


# `coach run` with no routine: how many routines the menu offers, and how long it waits for a choice.
MENU_SIZE = 6
CHOICE_WAIT = 20.0


class SessionMicrophones:
    """The microphones a session listens with (the Microphones port), opened when asked."""

    def __init__(self, device: str | None, personal=None, turns_log: str | None = None):
        self.device = device
        self._voice = personal
        """Your learned voice (coach learn), or None."""
        self.personal = personal is not None
        self._turns_file: IO[str] | None = None
        """Where turn-taking's facts and decisions are written (JSON lines), if asked."""
        if turns_log:
            try:
                self._turns_file = open(turns_log, "w", buffering=1, encoding="utf-8")
            except OSError as error:
                raise CoachError(f"cannot write the turns log {turns_log}: {error.strerror}") from None

    def is_available(self) -> bool:
        from coach.audio.echo import default_is_monitor

        # A machine with no microphone offers only its output's monitor: nothing to listen to.
        return bool(self.device or not default_is_monitor())

    def echo_canceller(self):
        from coach.audio.echo import EchoCancel

        return EchoCancel.load(self.device)

    def commands(self, coach, echo_free_source: str | None):
        from coach.audio.voice import VoiceCommands

        return VoiceCommands(self.device, coach, echo_free_source, personal=self._voice, facts=self._turns_file)

    def numbers(self, vocabulary):
        from coach.audio.voice import VoiceCommands

        return VoiceCommands(self.device, vocabulary=vocabulary)

    def close(self) -> None:
        if self._turns_file:
            self._turns_file.close()
            self._turns_file = None


def choose_routine(options: RunOptions, console: Console, err: IO[str]) -> Routine | None:
    """A short numbered menu, shown and said, this user's most used routines first; the choice or None."""
    from coach.catalog import load_all
    from coach.selection import by_use

    routines = {entry.name: routine for entry, routine in load_all() if isinstance(routine, Routine)}
    names = by_use(list(routines), _sessions_or_none(options.data_dir))[:MENU_SIZE]
    titles = [routines[name].title for name in names]
    hands_free = HandsFree(options.timeline.listening, audio_out=False, microphones=SessionMicrophones(options.microphone))
    listening = hands_free.listening and not options.text_only
    console.out.write((content.MENU_QUESTION if listening else content.MENU_QUESTION_KEYS) + "\n")
    for number, (name, title) in enumerate(zip(names, titles), start=1):
        console.out.write(f"  {number}  {title} ({name})\n")
    console.out.write(f"  (all {len(routines)} routines: coach list; then coach run NAME)\n")
    spoken = content.menu_spoken(titles)
    speaker = SilentSpeaker() if options.text_only else _speaker_for([spoken], options, err)
    try:
        choice = hands_free.ask_choice(spoken, titles, speaker, console, CHOICE_WAIT / options.speed)
    finally:
        speaker.close()
        hands_free.close()
    return routines[names[choice - 1]] if choice else None


def _sessions_or_none(folder: Path) -> list:
    """Every session, newest first; none if the history cannot be read (the session will say why)."""
    try:
        history = History(folder / HISTORY_FILE)  # not recovered here: the session's recorder does it, and says so
    except CoachError:
        return []
    try:
        return history.all_sessions()[::-1]
    finally:
        history.close()


def next_suggestion(folder: Path, done: str) -> str | None:
    """Another routine to offer after a completed one (config `suggest_next`): the one this user
    runs most, or the first built-in, that was not just done."""
    from coach.catalog import entries
    from coach.selection import by_use

    others = [name for name in by_use([e.name for e in entries()], _sessions_or_none(folder)) if name != done]
    return others[0] if others else None


def last_routine(folder: Path) -> str:
    from coach.selection import last_routine as newest

    return newest(_sessions_or_none(folder))


def _speaker_for(texts: list[str], options: RunOptions, err: IO[str], device: str | None = None) -> Speaker:
    from coach.audio.cache import default_folder
    from coach.audio.speech import build_speaker

    speaker = build_speaker(options.voice or VoiceSettings(), options.cache_dir or default_folder(),
                            slow_texts=content.warning_lines())
    speaker.device = device

    def progress(missing):
        with click.progressbar(missing, label="Preparing the voice", file=err) as bar:
            yield from bar

    speaker.open()
    speaker.prepare(texts, progress if _is_terminal(err) else None)
    speaker.wait_until_ready()
    return speaker


def prepare_speech(routine: Routine, options: RunOptions, err: IO[str],
                   device: str | None = None) -> tuple[Speaker, SpeechLength]:
    """Render every cue before the first word (cached on disk); return the speaker and how long each
    line takes to say, which times the timeline."""
    estimated = build_timeline(routine, options=options.timeline)
    if options.text_only:
        return SilentSpeaker(), estimate_speech_seconds
    keys_only = build_timeline(routine, options=replace(options.timeline, listening=False))
    texts = [c.played for c in estimated.cues + keys_only.cues] + content.all_spoken_lines(estimated.prompts) + \
        content.all_spoken_lines(keys_only.prompts)  # the key prompts too: for when no microphone opens
    speaker = _speaker_for(texts, options, err, device)
    return speaker, speaker.length


def _personal_voice(options: RunOptions):
    """Your learned voice, when the session listens for commands and it is wanted."""
    if not (options.timeline.listening and options.personal):
        return None
    from coach.audio.personal import yours

    return yours(options.data_dir)


def run_session(routine: Routine, options: RunOptions, console: Console, err: IO[str]) -> SessionResult:
    """Run one session, recorded in history from its first second; it runs even if it cannot be saved."""
    build_timeline(routine, options=options.timeline)  # a bad option fails here, before any device is opened
    microphones = SessionMicrophones(options.microphone, _personal_voice(options),
                                     options.turns_log if options.timeline.listening else None)
    hands_free = HandsFree(options.timeline.listening, not options.text_only, microphones)
    try:  # the echo canceller is unloaded however this ends (an error, Ctrl-C while the voice is prepared)
        speaker, speech_length = prepare_speech(routine, options, err, hands_free.speaker_device)
        try:
            return _run_prepared(routine, options, console, hands_free, speaker, speech_length)
        finally:
            speaker.close()
    finally:
        hands_free.close()


def _run_prepared(routine: Routine, options: RunOptions, console: Console, hands_free: HandsFree,
                  speaker: Speaker, speech_length: SpeechLength) -> SessionResult:
    timeline = build_timeline(routine, speech_length, options.timeline)
    log = EventLog(options.log_path)
    tell = _Teller(console, log)
    recorder = HistoryRecorder(options.data_dir / HISTORY_FILE, tell)
    try:
        if recorder.first_session:
            console.out.write(f"{content.NOT_A_CLINICIAN} Run `coach warnings` for the signs that need care.\n")
        voice = hands_free.listen(speaker, log, console.out)
        if options.timeline.listening and not voice:  # no microphone: the prompts name only the keys
            timeline = build_timeline(routine, speech_length, replace(options.timeline, listening=False))
        display = tell.display = TerminalDisplay(console.out)
        console.out.write(f"{routine.title}. {KEY_HELP}\n{CLOCK_NOTE}\n")
        keys = console.keys()
        questions = SessionQuestions(hands_free, console, keys, log) if options.ask_ratings else None
        ports = Ports(MonotonicClock(options.speed), speaker, display, recorder, [keys, *voice], log, questions)
        runner = tell.runner = Runner(timeline, ports)
        try:
            state = runner.run()
        finally:
            keys.close()
            with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
                display.close()
            for source in ports.sources[1:]:
                source.close()
        return SessionResult(state.outcome or Outcome.STOPPED, runner.notices, recorder.failure)
    finally:
        log.close()
        recorder.close()


LISTEN_BLOCK_SECONDS = 0.05


def listen_to_microphone(folder: Path, device: str | None, seconds: float | None, personal: bool,
                         out: IO[str]) -> int:
    """`coach listen`: each command heard at the microphone, printed; how many."""
    from coach.audio.personal import yours
    from coach.audio.pulse import PulseCapture
    from coach.audio.recognizer import RATE, CommandRecognizer
    from coach.listening import listen

    voice = yours(folder, personal)
    recognizer = CommandRecognizer(personal=voice)  # slow to load: before the microphone records
    capture = PulseCapture(RATE, LISTEN_BLOCK_SECONDS, device=device)
    try:
        return listen(out, recognizer, capture, seconds, voice is not None)
    finally:
        capture.close()


def detect_in_files(folder: Path, files: tuple[str, ...], personal: bool) -> Iterator[tuple[str, list | str]]:
    """`coach detect`: for each file, the commands heard in it, or why it could not be read."""
    from coach.audio.personal import yours
    from coach.audio.recognizer import CommandRecognizer, detect_in
    from coach.audio.wavin import NotAudio, read_audio

    recognizer = CommandRecognizer(personal=yours(folder, personal))
    for file in files:
        try:
            clip = read_audio(file)
        except NotAudio as error:
            yield file, str(error)
            continue
        yield file, detect_in(clip.samples, recognizer)


def installed_voices() -> list[tuple[str, str, str]]:
    """eSpeak NG's voices: (id, name, languages)."""
    from coach.audio.tts import EspeakTts

    return EspeakTts(VoiceSettings()).voices()
