"""A private PulseAudio server with virtual devices, for the audio tests and benchmarks.

spk      the coach's speaker (a null sink); record `spk.monitor` to hear what it played
micsink  what reaches the microphone; `mic` is its monitor, remapped as a source
The server runs in its own runtime folder, so it never touches a desktop's sound server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

MODULES = [
    "module-null-sink sink_name=spk",
    "module-null-sink sink_name=micsink",
    "module-remap-source source_name=mic master=micsink.monitor",
]


class PulseServer:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="coach-pulse-"))
        socket = self.folder / "native"
        self.env = {**os.environ, "PULSE_RUNTIME_PATH": str(self.folder), "PULSE_SERVER": f"unix:{socket}",
                    "PULSE_STATE_PATH": str(self.folder)}
        command = ["pulseaudio", "--daemonize=true", "--exit-idle-time=-1", "-n", "--use-pid-file=true",
                   "--log-target=stderr", f"--load=module-native-protocol-unix socket={socket}"]
        command += [f"--load={module}" for module in MODULES]
        subprocess.run(command, env=self.env, check=True, capture_output=True, timeout=20)
        self._wait_until_up()
        self.pactl("set-default-sink", "spk")
        self.pactl("set-default-source", "mic")
        self._keep_sinks_at_low_latency()

    def _keep_sinks_at_low_latency(self) -> None:
        """An idle null sink runs 2 s ahead, so a new stream waits up to 2 s before it is heard.

        A real sound card with a client asking for low latency does not; a low-latency reader on
        each monitor keeps the virtual sinks there too (it takes the sink up to 2 s to catch up).
        """
        self._keepers = [subprocess.Popen(["parec", f"--device={sink}.monitor", "--latency-msec=10"],
                                          env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                         for sink in ("spk", "micsink")]
        time.sleep(2.5)

    def pactl(self, *args: str) -> str:
        done = subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError("PulseAudio did not start")

    @property
    def client_env(self) -> dict[str, str]:
        """The variables that point a client of the sound server at this one."""
        return {k: self.env[k] for k in ("PULSE_RUNTIME_PATH", "PULSE_SERVER", "PULSE_STATE_PATH")}

    def use_in_this_process(self) -> None:
        """Point this process's PortAudio at the server (before sounddevice is first imported)."""
        os.environ.update(self.client_env)

    def record(self, path: Path, device: str = "spk.monitor", rate: int = 44100) -> "Recording":
        return Recording(self, path, device, rate)

    def stop(self) -> None:
        for keeper in self._keepers:
            keeper.terminate()
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True, timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


class Recording:
    """parecord at low latency: it also keeps the sink at low latency, as a real device would be.

    Record at the sink's own rate (44100 Hz): recording the monitor at 22050 Hz drifted by about
    2 ms per second against the clock here (PulseAudio's resampler), which looks like late cues.
    """

    def __init__(self, server: PulseServer, path: Path, device: str, rate: int):
        self.path = path
        self.process = subprocess.Popen(
            ["parecord", f"--device={device}", "--channels=1", f"--rate={rate}", "--format=s16le",
             "--latency-msec=10", "--file-format=wav", str(path)], env=server.env, stderr=subprocess.PIPE)
        time.sleep(0.3)

    def stop(self) -> Path:
        time.sleep(0.2)
        self.process.terminate()
        self.process.wait(timeout=10)
        return self.path
