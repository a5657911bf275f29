"""Hands-free sessions: sets up the echo canceller and the microphone around the speaker.

Listening is on by default; with no microphone the session goes on with keys, and says so once.
"""

from __future__ import annotations

from typing import IO

from coach.content import SAY_A_NUMBER
from coach.errors import CoachError, DeviceError
from coach.eventlog import EventLog

QUESTION_TIMEOUT = 20.0
LISTENING = "Listening: say pause, resume, next, back, repeat, stop or pain at any time."
NO_ECHO_CANCEL = ("No echo canceller in the sound server (module-echo-cancel), so spoken commands "
                  "are heard only while the coach is quiet.")


class HandsFree:
    def __init__(self, listening: bool, audio_out: bool, microphone: str | None, personal=None,
                 turns_log: str | None = None):
        from coach.audio.echo import default_is_monitor

        # A machine with no microphone offers only its output's monitor: nothing to listen to.
        self.wanted = listening
        self.listening = listening and bool(microphone or not default_is_monitor())
        self.microphone = microphone
        self.personal = personal
        """Your learned voice (coach learn), or None."""
        self._turns_file = None
        """Where turn-taking's facts and decisions are written (JSON lines), if asked."""
        if turns_log and self.listening:
            try:
                self._turns_file = open(turns_log, "w", buffering=1, encoding="utf-8")
            except OSError as error:
                raise CoachError(f"cannot write the turns log {turns_log}: {error.strerror}") from None
        self.echo = None
        if self.listening and audio_out:
            from coach.audio.echo import EchoCancel

            self.echo = EchoCancel.load(microphone)

    @property
    def speaker_device(self) -> str | None:
        """Where the coach must play for the canceller to hear it as the reference."""
        return self.echo.sink if self.echo else None

    def listen(self, speaker, log: EventLog, out: IO[str]) -> list:
        """The voice command source, or none (after one line saying why) when there is no microphone."""
        if not self.wanted:
            return []  # --no-listen; with no microphone, opening it below says why
        try:
            from coach.audio.voice import VoiceCommands

            polite = speaker if speaker.speaks else None
            voice = VoiceCommands(self.microphone, polite, self.echo.source if self.echo else None,
                                  personal=self.personal, facts=self._turns_file)
        except DeviceError as error:
            log.write(0.0, "listening_off", error=str(error))
            out.write(f"{error}; going on with keys.\n")
            return []
        log.write(0.0, "listening", echo_cancel=self.echo is not None, device=self.microphone or "default",
                  personal=self.personal is not None)
        if polite and not self.echo:
            out.write(NO_ECHO_CANCEL + "\n")
        out.write(LISTENING + "\n")
        return [voice]

    def ask_rating(self, question: str, speaker, console, log: EventLog, t: float) -> int | None:
        """Say the question, then take a typed or spoken 0-10 answer; log it at session time `t`."""
        voice, spoken = None, self.listening and speaker.speaks
        if spoken:
            console.show_rating_question(question, spoken=True)  # on screen at once, while it is said
            speaker.say(f"{question} {SAY_A_NUMBER}")
            speaker.wait_until_quiet(QUESTION_TIMEOUT)  # listen once asked: the question has numbers in it
            voice = self._numbers()
        log.write(t, "rating_asked", question=question, listening=voice is not None)
        try:
            answer = console.ask_rating(question, voice, shown=spoken)
        finally:
            if voice:
                voice.close()
        log.write(t, "rating", question=question, rating=answer, source=console.answered_by,
                  overheard=console.overheard)
        return answer

    def ask_choice(self, spoken: str, titles: list[str], speaker, console, wait: float) -> int | None:
        """Say the menu (already on screen), then take a typed or spoken choice: 1-based, or None."""
        from coach.phrases import menu_vocabulary

        voice = None
        if self.listening and speaker.speaks:
            speaker.say(spoken)
            speaker.wait_until_quiet(QUESTION_TIMEOUT * 2)  # the menu has numbers in it
            voice = self._numbers(menu_vocabulary(titles))
        try:
            return console.ask_choice(len(titles), voice, wait)
        finally:
            if voice:
                voice.close()

    def _numbers(self, vocabulary=None):
        from coach.audio.voice import VoiceCommands
        from coach.phrases import NUMBERS

        try:
            return VoiceCommands(self.microphone, vocabulary=vocabulary or NUMBERS)
        except DeviceError:
            return None  # the session's listening line has said why; typing works

    def close(self) -> None:
        if self._turns_file:
            self._turns_file.close()
            self._turns_file = None
        if self.echo:
            self.echo.close()
            self.echo = None
