"""Speech-out figures on a private PulseAudio server with a virtual speaker.

Prints: cue onset error against the timeline (relative to the first cue, from a recording of
the speaker), drift at the end of a long routine, stop latency (cut to silence at the speaker),
`coach run` to the first audible word with a cold and a warm cache, and CPU while speaking.

Run: .venv/bin/python bench/speech.py [--minutes 10]   (takes the routine's length plus ~1 min)
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audio_tests.pulse import PulseServer  # noqa: E402
from audio_tests.sound import FRAME, first_sound, sound_mask  # noqa: E402
from coach.audio.clip import Clip  # noqa: E402
from coach.audio.tts import EspeakTts, VoiceSettings  # noqa: E402
from coach.events import Playback  # noqa: E402


def long_routine(minutes: float) -> str:
    """Reps, holds with countdowns and rests, repeated to fill `minutes`."""
    block = ("  - {name: Tilt, reps: 8, tempo: {lift: 2, hold: 2, lower: 2}}\n"
             "  - {name: Hug, hold: 10, sides: true}\n")
    blocks = max(1, round(minutes / 1.5))
    return "title: Timing check\nrest: 5\nexercises:\n" + block * blocks


def run_coach(server: PulseServer, folder: Path, cache: Path, routine: Path, log: Path) -> tuple[float, float]:
    """Run a whole session; return (monotonic time of launch, CPU seconds it used)."""
    env = {**server.env, "COACH_DATA_DIR": str(folder / "data"), "XDG_CONFIG_HOME": str(folder / "config"),
           "XDG_CACHE_HOME": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    launched = time.monotonic()
    subprocess.run([sys.executable, "-m", "coach", "run", str(routine), "--no-listen", "--no-rating",
                    "--log", str(log)], env=env, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return launched, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def read_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def onset_errors(recording: Clip, events: list[dict], sink_ratio: float = 1.0) -> list[float]:
    """Heard onset minus scheduled time, in ms, each relative to the first cue.

    The recording counts time in the virtual sink's clock; `sink_ratio` (sink seconds per wall
    second) turns its positions back into wall-clock time, which is what a listener hears.
    """
    tts = EspeakTts(VoiceSettings())
    cues = [(e["at"], e["text"]) for e in events if e["event"] == "cue_start"]
    clips = {text: tts.render(text) for _, text in set(cues)}
    lead = {text: first_sound(clip) for text, clip in clips.items()}
    first_heard = first_sound(recording) - lead[cues[0][1]]
    errors = []
    for at, text in cues:
        expected_position = first_heard + (at - cues[0][0]) * sink_ratio
        heard = first_sound(recording, after=expected_position + lead[text] - 0.1) - lead[text]
        errors.append(1000 * ((heard - first_heard) / sink_ratio - (at - cues[0][0])))
    return errors


class SinkClock:
    """Measures how fast the virtual sink's clock runs against the system clock: a player of
    silence is paced by the sink, so audio written per wall second is the ratio."""

    def __init__(self) -> None:
        from coach.audio.playback import Player

        self.player = Player(22050)
        self.player.wait_until_flowing()
        time.sleep(1.0)  # let the server's buffer fill, so only steady pacing is counted
        self.start = (self.player.frames_written, time.monotonic())

    def ratio(self) -> float:
        frames, wall = self.player.frames_written - self.start[0], time.monotonic() - self.start[1]
        self.player.close()
        return frames / self.player.rate / wall


def first_word_seconds(launched: float, events: list[dict]) -> float:
    start = next(e for e in events if e["event"] == "session_start")["monotonic"]
    speech = next(e for e in events if e["event"] == "speech_start")
    return start + speech["t"] + speech["latency"] - launched


def stop_latencies(server: PulseServer, folder: Path, tries: int = 10) -> list[float]:
    """Play a long cue, cut it, and time from the cut to silence in a recording of the speaker."""
    from coach.audio.playback import Player

    clip = EspeakTts(VoiceSettings()).render("Kneel on all fours, hands under your shoulders and knees "
                                             "under your hips. Keep your back level and your neck long.")
    player = Player(clip.rate)
    player.wait_until_flowing()
    results = []
    for i in range(tries):
        recording = server.record(folder / f"cut{i}.wav")
        player.play(clip, "long")
        time.sleep(0.5 + 0.137 * i)
        cut_at = time.monotonic()
        player.cut()
        time.sleep(0.6)
        start = next(e for e in player.events() if e.kind is Playback.START)
        heard_from = start.monotonic + start.latency
        recorded = Clip.read_wav(recording.stop())
        mask = sound_mask(recorded)
        sounding = np.nonzero(mask)[0]
        onset, last = sounding[0] * FRAME, (sounding[-1] + 1) * FRAME
        silence_at = heard_from + (last - onset)
        results.append(1000 * (silence_at - cut_at))
    player.close()
    return results


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the timing routine")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    cache = folder / "cache"
    server = PulseServer()
    server.use_in_this_process()
    try:
        short = folder / "short.yaml"
        short.write_text("title: Start\nexercises:\n  - {name: Tilt, reps: 2}\n")
        cold_launch, _ = run_coach(server, folder, cache, short, folder / "cold.jsonl")
        cold = first_word_seconds(cold_launch, read_log(folder / "cold.jsonl"))
        warm_launch, _ = run_coach(server, folder, cache, short, folder / "warm.jsonl")
        warm = first_word_seconds(warm_launch, read_log(folder / "warm.jsonl"))
        print(f"coach run to first audible word: cold cache {cold:.2f} s, warm cache {warm:.2f} s "
              "(targets 3 s, 1 s)")

        stops = stop_latencies(server, folder)
        print(f"stop latency, cut to silence at the speaker: p50 {pct(stops, 50):.0f} ms, "
              f"p95 {pct(stops, 95):.0f} ms, max {max(stops):.0f} ms over {len(stops)} cuts (target 50 ms)")

        routine = folder / "timing.yaml"
        routine.write_text(long_routine(args.minutes))
        recording = server.record(folder / "timing.wav")
        sink_clock = SinkClock()
        launched, cpu = run_coach(server, folder, cache, routine, folder / "timing.jsonl")
        wall = time.monotonic() - launched
        ratio = sink_clock.ratio()
        events = read_log(folder / "timing.jsonl")
        recorded = Clip.read_wav(recording.stop())
        raw_drift = np.mean(onset_errors(recorded, events)[-10:])
        errors = onset_errors(recorded, events, ratio)
        absolute = [abs(e) for e in errors]
        minutes = events[-1]["t"] / 60
        print(f"cue onset error ({len(errors)} cues, {minutes:.1f} min): p50 {pct(absolute, 50):.0f} ms, "
              f"p95 {pct(absolute, 95):.0f} ms, max {max(absolute):.0f} ms (target p95 30 ms; "
              "10 ms frames)")
        print(f"drift at the end (mean error of the last 10 cues): {np.mean(errors[-10:]):+.0f} ms in wall-clock "
              f"time (target 50 ms); {raw_drift:+.0f} ms in the virtual sink's own clock, which ran "
              f"{(ratio - 1) * 1e6:+.0f} ppm against the system clock")
        print(f"CPU while speaking: {100 * cpu / wall:.1f}% of one core over {wall:.0f} s "
              "(whole process, including start-up)")
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
