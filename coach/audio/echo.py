"""The sound server's echo canceller, so the coach does not hear its own voice.

PulseAudio's module-echo-cancel (served by PipeWire too) runs WebRTC's canceller between the
default speaker and microphone: it takes what is played as the reference and removes it from what
is recorded, aligned by the server, which knows both devices' clocks. The coach loads it for one
session, plays into its sink, records from its source, and unloads it at the end.

Why the server's canceller and not one in this process: an adaptive filter here (speexdsp, fed
the exact samples played) did not converge in a trial on a path the server resamples on the fly,
while WebRTC's removed the coach's voice to near silence. Its weakness, blurring words spoken
over the coach, is why coach/audio/voice.py also listens to the plain microphone.
"""

from __future__ import annotations

import shutil
import subprocess

SINK = "coach_speaker_echo_cancel"
SOURCE = "coach_microphone_echo_cancel"
TIMEOUT = 10
# WebRTC's analog gain control turns down the real microphone's volume (and it stays down after
# the session): the plain ear then hears the user 30 dB quieter, too quiet to understand.
AEC_ARGS = '"analog_gain_control=0"'


class EchoCancel:
    def __init__(self, module: str):
        self.module = module
        self.sink = SINK
        self.source = SOURCE

    @classmethod
    def load(cls, microphone: str | None = None) -> "EchoCancel | None":
        """Load the canceller on the default devices (or `microphone`); None where the server has none."""
        if not shutil.which("pactl"):
            return None
        _unload_stale()
        args = ["load-module", "module-echo-cancel", "aec_method=webrtc", f"aec_args={AEC_ARGS}",
                f"sink_name={SINK}", f"source_name={SOURCE}"]
        if microphone:
            args.append(f"source_master={microphone}")
        done = _pactl(*args)
        if done is None or done.returncode != 0 or not done.stdout.strip().isdigit():
            return None
        return cls(done.stdout.strip())

    def close(self) -> None:
        _pactl("unload-module", self.module)


def in_use() -> bool:
    """Whether a coach session's canceller is loaded now (coach doctor must not unload it)."""
    return SOURCE in (source_names() or set())


def source_names() -> set[str] | None:
    """The sound server's sources now; None where pactl cannot tell."""
    done = _pactl("list", "short", "sources")
    if done is None or done.returncode != 0:
        return None
    return {line.split("\t")[1] for line in done.stdout.splitlines() if line.count("\t") >= 1}


def default_is_monitor() -> bool:
    """Whether the default input is an output's monitor: what a machine with no microphone offers.
    Recording it would hear only the coach itself, so it is not taken for a microphone."""
    return (default_source() or "").endswith(".monitor")


def default_source() -> str | None:
    done = _pactl("get-default-source")
    return done.stdout.strip() or None if done and done.returncode == 0 else None


def _unload_stale() -> None:
    """A session killed before it could unload its canceller leaves it behind: remove it."""
    done = _pactl("list", "short", "modules")
    for line in (done.stdout.splitlines() if done and done.returncode == 0 else []):
        fields = line.split("\t")
        if len(fields) >= 3 and fields[1] == "module-echo-cancel" and SINK in fields[2]:
            _pactl("unload-module", fields[0])


def _pactl(*args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
