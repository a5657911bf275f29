"""Hands-free sessions: the echo canceller and the microphone around the speaker, and questions
answered by voice or keys. The microphones are given (app.py builds them).

Listening is on by default; with no microphone the session goes on with keys, and says so once.
"""

from __future__ import annotations

from typing import IO

from coach.content import SAY_A_NUMBER
from coach.errors import DeviceError
from coach.ports import EventSink, Microphones

QUESTION_TIMEOUT = 20.0
LISTENING = "Listening: say pause, resume, next, back, repeat, stop or pain at any time."
NO_ECHO_CANCEL = ("No echo canceller in the sound server (module-echo-cancel), so spoken commands "
                  "are heard only while the coach is quiet.")


class HandsFree:
    def __init__(self, listening: bool, audio_out: bool, microphones: Microphones):
        self.wanted = listening
        self.listening = listening and microphones.is_available()
        self.microphones = microphones
        self.echo = microphones.echo_canceller() if self.listening and audio_out else None

    @property
    def speaker_device(self) -> str | None:
        """Where the coach must play for the canceller to hear it as the reference."""
        return self.echo.sink if self.echo else None

    def listen(self, speaker, log: EventSink, out: IO[str]) -> list:
        """The voice command source, or none (after one line saying why) when there is no microphone."""
        if not self.wanted:
            return []  # --no-listen; with no microphone, opening it below says why
        polite = speaker if speaker.speaks else None
        try:
            voice = self.microphones.commands(polite, self.echo.source if self.echo else None)
        except DeviceError as error:
            log.write(0.0, "listening_off", error=str(error))
            out.write(f"{error}; going on with keys.\n")
            return []
        log.write(0.0, "listening", echo_cancel=self.echo is not None, device=self.microphones.device or "default",
                  personal=self.microphones.personal)
        if polite and not self.echo:
            out.write(NO_ECHO_CANCEL + "\n")
        out.write(LISTENING + "\n")
        return [voice]

    def ask_rating(self, question: str, speaker, console, log: EventSink, t: float) -> int | None:
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
        from coach.phrases import NUMBERS

        try:
            return self.microphones.numbers(vocabulary or NUMBERS)
        except DeviceError:
            return None  # the session's listening line has said why; typing works

    def close(self) -> None:
        self.microphones.close()
        if self.echo:
            self.echo.close()
            self.echo = None


class SessionQuestions:
    """The Questions port of a session: its pain ratings, said and shown, answered by voice or by
    a typed line, with the keys' single presses set aside meanwhile."""

    def __init__(self, hands_free: HandsFree, console, keys, log: EventSink):
        self.hands_free, self.console, self.keys, self.log = hands_free, console, keys, log

    def rating(self, question: str, t: float, speaker) -> int | None:
        with self.keys.typing():
            return self.hands_free.ask_rating(question, speaker, self.console, self.log, t)
