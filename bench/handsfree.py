"""Hands-free figures: real `coach run` sessions on a private PulseAudio server whose speaker
leaks into the microphone (module-loopback), with a scripted user (flite's slt; the coach is
eSpeak NG) speaking commands while the coach talks.

Prints, over --trials commands said over the coach's speech (first try only, no repeats):
- heard while the coach speaks: share acted on within 1.5 s of the end of the word;
- barge-in: end of the user's word to lasting silence at the speaker (the speaker's monitor and
  the microphone are recorded together and aligned on the coach's voice); negative means the
  coach was already quiet (it falls silent when the user starts speaking);
- pain to warning: end of "pain" to the first sound of the protocol;
- CPU of the coach process as a share of one core, and its peak memory.
With --own-speech: every built-in routine played whole through the leak, no user: commands the
coach took from its own voice, per hour of its speech.

Run: .venv/bin/python bench/handsfree.py [--trials 20] [--own-speech]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audio_tests.pulse import PulseServer  # noqa: E402
from audio_tests.room import Leak, ScriptedUser, start_session  # noqa: E402
from coach import content  # noqa: E402
from coach.audio.wavin import read_audio  # noqa: E402
from coach.catalog import entries  # noqa: E402

RATE = 16000
FRAME = 160
SILENT = 60.0  # rms of a 10 ms frame under which the coach counts as quiet
LASTING = 0.15  # quiet this long is a stop, not a gap between words
COMMANDS = ["repeat", "pause", "go back"]  # none ends the session early


def frames(samples: np.ndarray) -> np.ndarray:
    n = len(samples) // FRAME
    return np.sqrt(np.mean(samples[:n * FRAME].astype(np.float64).reshape(n, FRAME) ** 2, axis=1))


def locate(recording: np.ndarray, clip: np.ndarray, near: int, span: int) -> int:
    """Sample where `clip` starts in `recording`, searched within `span` of `near`."""
    lo, hi = max(0, near - span), min(len(recording), near + span + len(clip))
    window = recording[lo:hi].astype(np.float64)
    n = 1 << (len(window) + len(clip)).bit_length()
    score = np.fft.irfft(np.fft.rfft(window, n) * np.conj(np.fft.rfft(clip.astype(np.float64), n)), n)
    return lo + int(np.argmax(score[:len(window) - len(clip) + 1]))


def word_start(clip: np.ndarray) -> float:
    return np.nonzero(frames(clip) > 300)[0][0] * FRAME / RATE


def word_end(clip: np.ndarray) -> float:
    return (np.nonzero(frames(clip) > 300)[0][-1] + 1) * FRAME / RATE


def coach_quiet_from(coach: np.ndarray, start: float) -> float | None:
    """First time after `start` from which the coach's level stays under SILENT for LASTING."""
    levels = frames(coach)
    need = int(LASTING * RATE / FRAME)
    for i in range(max(0, int(start * RATE / FRAME)), len(levels) - need):
        if np.all(levels[i:i + need] < SILENT):
            return i * FRAME / RATE
    return None


def coach_sound_from(coach: np.ndarray, start: float) -> float | None:
    levels = frames(coach)
    loud = np.nonzero(levels[int(start * RATE / FRAME):] > 4 * SILENT)[0]
    return start + loud[0] * FRAME / RATE if len(loud) else None


def barge_in(pulse: PulseServer, folder: Path, trials: int) -> None:
    user = ScriptedUser(pulse, folder)
    clips = {w: read_audio(str(user.clip(w))).samples for w in COMMANDS + ["resume", "pain", "stop"]}
    cache = folder / "cache"
    recording = pulse.record(folder / "mic.wav", device="mic", rate=RATE)
    speaker = pulse.record(folder / "spk.wav", device="spk.monitor", rate=RATE)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process, log = start_session(pulse, folder, cache, "flare-up", "--no-rating", timeout=900)
    record_origin = log.origin - (started - 0.6)  # the microphone's parecord began ~0.6 s before `started`
    rng = random.Random(0)
    said = []
    try:
        for trial in range(trials):
            words = "pain" if trial == trials - 1 else COMMANDS[trial % len(COMMANDS)]
            cue = log.wait_for(lambda e: e["event"] == "speech_start" and len(e["text"]) > 25, 60, after=log.now())
            if cue is None:
                break
            time.sleep(rng.uniform(0.2, 0.6))
            for attempt in range(3 if words == "pain" else 1):  # pain is said until heard: it is timed
                spoken = user.say(words, log)
                acted = log.wait_for(lambda e: e["event"] == "command" and e["source"] == "voice",
                                     spoken.end + 1.5 - log.now(), after=spoken.start)
                said.append((words if attempt == 0 else "pain again", spoken, acted))
                if acted:
                    break
            if acted and acted["command"] == "pause":
                log.wait_for(lambda e: e["event"] == "cue_end", 10, after=acted["t"])  # "Paused. Say resume..."
                for _ in range(3):
                    if log.wait_for(lambda e: e["event"] == "command", 2.5, after=user.say("resume", log).start):
                        break
            time.sleep(2.5)
        if process.poll() is None:
            process.communicate("q\n", timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    wall = time.monotonic() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    mic = read_audio(str(recording.stop())).samples
    spk = read_audio(str(speaker.stop())).samples
    report_barge_in(mic, spk, clips, said, record_origin)
    cpu = (used.ru_utime - before.ru_utime) + (used.ru_stime - before.ru_stime)
    print(f"coach process: CPU {100 * cpu / wall:.0f}% of one core over {wall:.0f} s (includes the "
          f"recognizer's start-up); peak memory {used.ru_maxrss / 1024:.0f} MB")


def report_barge_in(mic, spk, clips, said, record_origin: float) -> None:
    """User words are found in the microphone recording, the coach's silences in the speaker's;
    the two are aligned on a stretch of the coach's voice that both hold."""
    piece = spk[8 * RATE:14 * RATE]
    offset = (locate(mic, piece, 8 * RATE, span=2 * RATE) - 8 * RATE) / RATE  # mic time = speaker time + offset
    heard, latencies, pain = 0, [], []
    for words, spoken, acted in said:
        again = words == "pain again"
        clip = clips["pain" if again else words]
        at = locate(mic, clip, int((spoken.start + record_origin) * RATE), span=RATE) / RATE - offset
        start, end = at + word_start(clip), at + word_end(clip)
        if acted and "pain" in words:
            warning = coach_sound_from(spk, end + 0.05)
            pain.append((warning - end if warning is not None else None, again))
        if not acted or again:
            continue
        heard += 1
        quiet = coach_quiet_from(spk, start)
        if quiet is not None:
            latencies.append(quiet - end)
    n = sum(words != "pain again" for words, *_ in said)
    print(f"commands said while the coach talks: {n}; acted on at the first try: {heard} ({heard / max(n, 1):.2f})")
    if latencies:
        p50, p95 = np.percentile(latencies, [50, 95])
        print(f"barge-in, end of the word to lasting silence at the speaker: p50 {1000 * p50:.0f} ms, "
              f"p95 {1000 * p95:.0f} ms (n={len(latencies)})")
    print("pain to the first warning word: " + (", ".join(
        f"{1000 * p:.0f} ms" + (" (said again)" if again else "") for p, again in pain if p is not None) or "not heard"))


def own_speech(pulse: PulseServer, folder: Path) -> None:
    """Every built-in routine, whole, through the leak with nobody else in the room."""
    taken, overheard, speech_seconds = 0, 0, 0.0
    for entry in [e for e in entries() if e.builtin]:
        run_folder = folder / entry.name
        run_folder.mkdir()
        process, log = start_session(pulse, run_folder, folder / "cache", entry.name, "--no-rating", timeout=900)
        out, err = process.communicate(timeout=1800)
        events = log.events()
        commands = [e for e in events if e["event"] == "command" and e["source"] == "voice"]
        taken += len(commands)
        overheard += sum(e["event"] == "overheard" for e in events)
        starts = {}
        for e in events:
            if e["event"] == "speech_start":
                starts[e["text"]] = e["t"]
            elif e["event"] == "cue_end" and e["text"] in starts:
                speech_seconds += e["t"] - starts.pop(e["text"])
        print(f"  {entry.name}: {len(commands)} commands from its own voice {[c['heard'] for c in commands]}",
              flush=True)
    hours = speech_seconds / 3600
    print(f"own speech: {speech_seconds / 60:.1f} min of the coach talking; commands it took from itself: {taken} "
          f"({taken / hours:.1f} per hour); speech it noticed and ignored: {overheard}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--own-speech", action="store_true")
    args = parser.parse_args()
    pulse = PulseServer()
    leak = Leak(pulse)
    folder = Path(tempfile.mkdtemp(prefix="coach-handsfree-"))
    try:
        if args.own_speech:
            own_speech(pulse, folder)
        else:
            barge_in(pulse, folder, args.trials)
    finally:
        leak.close()
        pulse.stop()


if __name__ == "__main__":
    main()
