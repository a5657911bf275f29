"""Hands-free sessions: sets up the echo canceller and the microphone around the speaker.

Listening is on by default; with no microphone the session goes on with keys, and says so once.
"""

from __future__ import annotations

from typing import IO

from coach.errors import DeviceError
from coach.eventlog import EventLog

LISTENING = "Listening: say pause, resume, next, back, repeat, stop or pain at any time."
NO_ECHO_CANCEL = ("No echo canceller in the sound server (module-echo-cancel), so spoken commands "
                  "are heard only while the coach is quiet.")


class HandsFree:
    def __init__(self, listening: bool, audio_out: bool, microphone: str | None):
        self.listening = listening
        self.microphone = microphone
        self.echo = None
        if listening and audio_out:
            from coach.audio.echo import EchoCancel

            self.echo = EchoCancel.load(microphone)

    @property
    def speaker_device(self) -> str | None:
        """Where the coach must play for the canceller to hear it as the reference."""
        return self.echo.sink if self.echo else None

    def listen(self, speaker, log: EventLog, out: IO[str]) -> list:
        """The voice command source, or none (after one line saying why) when there is no microphone."""
        if not self.listening:
            return []
        try:
            from coach.audio.voice import VoiceCommands

            polite = speaker if hasattr(speaker, "hold") else None
            device = self.echo.source if self.echo else self.microphone
            voice = VoiceCommands(device, polite, echo_cancelled=self.echo is not None)
        except DeviceError as error:
            log.write(0.0, "listening_off", error=str(error))
            out.write(f"{error}; going on with keys.\n")
            return []
        log.write(0.0, "listening", echo_cancel=self.echo is not None, device=device or "default")
        if polite and not self.echo:
            out.write(NO_ECHO_CANCEL + "\n")
        out.write(LISTENING + "\n")
        return [voice]

    def close(self) -> None:
        if self.echo:
            self.echo.close()
            self.echo = None
