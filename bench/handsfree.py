"""Hands-free figures: real `coach run` sessions on a private PulseAudio server whose speaker
leaks into the microphone (module-loopback), with a scripted user (flite's slt; the coach is
eSpeak NG) speaking commands while the coach talks.

Prints, over --trials commands said over the coach's speech (said again, as people do, when not
acted on within 1.5 s; at most three times):
- heard while the coach speaks: share taken as the command said at the first try, and within
  three, and the tries taken as another command;
- barge-in: end of the user's first word to lasting silence at the speaker (the speaker's monitor
  and the microphone are recorded together and aligned on a click played into both); negative means the
  coach was already quiet (it falls silent when the user starts speaking);
- pain to warning: end of the "pain" acted on to the first sound of the protocol;
- CPU of the coach process as a share of one core, and its peak memory.
With --own-speech: every built-in routine played whole through the leak, no user: commands the
coach took from its own voice, per hour of its speech.

With --turns-log FILE, the session writes what turn-taking heard and decided there (the
recording tests/test_turns.py replays was made so). With --ears DIR, what the echo-cancelled ear
heard is recorded too, with when each command was said (for bench/over_coach.py).

Run: .venv/bin/python bench/handsfree.py [--trials 20] [--own-speech] [--turns-log FILE] [--ears DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audio_tests.pulse import PulseServer  # noqa: E402
from audio_tests.room import Leak, ScriptedUser, start_session  # noqa: E402
from coach.audio.chunk import RATE  # noqa: E402
from coach.audio.clip import Clip  # noqa: E402
from coach.audio.echo import SOURCE as ECHO_FREE_SOURCE  # noqa: E402
from coach.audio.wavin import read_audio  # noqa: E402
from coach.catalog import entries  # noqa: E402
from coach.phrases import command_in  # noqa: E402

FRAME = 160
SILENT = 60.0  # rms of a 10 ms frame under which the coach counts as quiet
LASTING = 0.15  # quiet this long is a stop, not a gap between words
COMMANDS = ["repeat", "wait", "go back"]  # none ends the session early; "wait" pauses
ROUTINE = "bird-dog"  # the longest built-in: room for every trial
PAIN_TRIAL = 7  # pain is said mid-session; the bench then says resume after the warnings
# As the user in audio_tests/test_hands_free.py: not acted on within ANSWER_WITHIN, say it again.
TRIES = 3
ANSWER_WITHIN = 1.5


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


def barge_in(pulse: PulseServer, folder: Path, trials: int, extra: list[str], ears: Path | None) -> None:
    user = ScriptedUser(pulse, folder)
    clips = {w: read_audio(str(user.clip(w))).samples for w in COMMANDS + ["resume", "pain", "stop"]}
    cache = folder / "cache"
    recording = pulse.record(folder / "mic.wav", device="mic", rate=RATE)
    speaker = pulse.record(folder / "spk.wav", device="spk.monitor", rate=RATE)
    mic_began = time.monotonic() - 0.6  # each recording waits 0.3 s once started
    time.sleep(1.0)
    mark_both(pulse, folder)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process, log = start_session(pulse, folder, cache, ROUTINE, "--no-rating", *extra, timeout=900)
    record_origin = log.origin - mic_began
    if ears:  # the canceller is loaded by now
        echo_free = pulse.record(ears / "echo-free.wav", device=ECHO_FREE_SOURCE, rate=RATE)
        echo_free_origin = log.origin - (time.monotonic() - 0.3)
    rng = random.Random(0)
    said = []
    try:
        for trial in range(trials):
            words = "pain" if trial == PAIN_TRIAL else COMMANDS[trial % len(COMMANDS)]
            cue = log.wait_for(lambda e: e["event"] == "speech_start" and len(e["text"]) > 25, 60, after=log.now())
            if cue is None:
                break
            time.sleep(rng.uniform(0.2, 0.6))
            acted = say_until_acted(user, log, words, said)
            if acted and acted["command"] in ("pause", "pain"):  # wait for the question, then carry on
                log.wait_for(lambda e: e["event"] == "state" and e["state"] in ("paused", "pain"), 5, after=acted["t"])
                log.wait_for(lambda e: e["event"] == "cue_end" and "resume" in e["text"], 90, after=acted["t"])
                resume(user, log)
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
    if ears:
        echo_free.stop()
        keep_said(ears / "said.json", said, echo_free_origin)
    report_barge_in(mic, spk, clips, said, record_origin)
    cpu = (used.ru_utime - before.ru_utime) + (used.ru_stime - before.ru_stime)
    print(f"coach process: CPU {100 * cpu / wall:.0f}% of one core over {wall:.0f} s (includes the "
          f"recognizer's start-up); peak memory {used.ru_maxrss / 1024:.0f} MB")


def keep_said(path: Path, said: list, origin: float) -> None:
    """Each command said: its words, which try, and when it started and ended in a recording
    that began `origin` seconds before the session (give or take the recording's start-up)."""
    path.write_text(json.dumps([{"words": words, "try": attempt, "start": spoken.start + origin,
                                 "end": spoken.end + origin, "acted": bool(acted)}
                                for words, attempt, spoken, acted in said], indent=1))


def mark_both(pulse: PulseServer, folder: Path) -> None:
    """One click played into the speaker and the microphone at once (a combined sink): where it
    lands in the two recordings tells how far apart their clocks are. (Aligning them on the coach's
    voice instead would count the room's leak delay as well: about 35 ms here.)"""
    click = folder / "click.wav"
    t = np.arange(int(0.05 * RATE)) / RATE
    Clip((8000 * np.sin(2 * np.pi * 1000 * t)).astype(np.int16), RATE).write_wav(click)
    module = pulse.pactl("load-module", "module-combine-sink", "sink_name=both", "slaves=spk,micsink").strip()
    try:
        subprocess.run(["paplay", "--device=both", str(click)], env=pulse.env, check=True, timeout=10)
        time.sleep(0.5)
    finally:
        pulse.pactl("unload-module", module)


def resume(user: ScriptedUser, log) -> None:
    """Say resume until it is taken: a word taken for another command leaves the session waiting."""
    for _ in range(TRIES):
        acted = say_until_acted(user, log, "resume", [])
        if acted is None or taken_as_said("resume", acted):
            return


def taken_as_said(words: str, acted: dict | None) -> bool:
    """Whether the coach acted on `words` as the command they say."""
    return acted is not None and acted["command"] == command_in(words).value


def say_until_acted(user: ScriptedUser, log, words: str, said: list) -> dict | None:
    """Say `words` until the coach acts (at most TRIES times, each answer awaited ANSWER_WITHIN)."""
    ends = word_end(read_audio(str(user.clip(words))).samples)
    for attempt in range(TRIES):
        spoken = user.say(words, log)
        acted = log.wait_for(lambda e: e["event"] == "command" and e["source"] == "voice",
                             spoken.end + ANSWER_WITHIN - log.now(), after=spoken.start)
        if acted and acted["t"] < spoken.start + ends + 0.1 and attempt > 0:  # hearing a word takes 0.2 s
            said[-1] = (*said[-1][:3], acted)  # a late answer to the try before, heard while this one was said
            return acted
        said.append((words, attempt, spoken, acted))
        if acted:
            return acted
    return None


def report_barge_in(mic, spk, clips, said, record_origin: float) -> None:
    """User words are found in the microphone recording, the coach's silences in the speaker's;
    the two are aligned on the click that mark_both played into both at once."""
    offset = first_sound(mic) - first_sound(spk)  # the click: mic time = speaker time + offset
    first_try, acted_at, latencies, pain = 0, [], [], []
    commands = [i for i, (_, attempt, *_) in enumerate(said) if attempt == 0]
    for n, i in enumerate(commands):
        words, _, spoken, acted = said[i]
        start, end = _word_span(mic, clips[words], spoken, record_origin, offset)
        talking = coach_sound_from(spk, start - 0.3)
        if talking is not None and talking < start:
            quiet = coach_quiet_from(spk, start)  # the coach was talking: when did it fall silent?
            if quiet is not None:
                latencies.append(quiet - end)
        tries = said[i:commands[n + 1] if n + 1 < len(commands) else len(said)]
        done = [(attempt, s, a) for _, attempt, s, a in tries if taken_as_said(words, a)]
        first_try += bool(done and done[0][0] == 0)
        if done:
            acted_at.append(done[0][0] + 1)
            if words == "pain":
                _, last_end = _word_span(mic, clips[words], done[0][1], record_origin, offset)
                warning = coach_sound_from(spk, last_end + 0.05)
                pain.append((warning - last_end if warning is not None else None, done[0][0] + 1))
    n = len(commands)
    wrong = [(words, acted["command"]) for words, _, _, acted in said
             if acted and not taken_as_said(words, acted)]
    print(f"commands said while the coach talks: {n}; acted on at the first try: {first_try} ({first_try / max(n, 1):.2f}); "
          f"within {TRIES} tries: {len(acted_at)} ({len(acted_at) / max(n, 1):.2f}), "
          f"tries needed: {dict(sorted(Counter(acted_at).items()))}; taken as another command: {len(wrong)} {wrong}")
    if latencies:
        p50, p95 = np.percentile(latencies, [50, 95])
        print(f"barge-in, end of the user's first word to lasting silence at the speaker: p50 {1000 * p50:.0f} ms, "
              f"p95 {1000 * p95:.0f} ms (n={len(latencies)}; negative: silent before the word ended)")
    print("pain to the first warning word (from the end of the \"pain\" that was acted on): " + (", ".join(
        f"{1000 * p:.0f} ms (try {tries})" for p, tries in pain if p is not None) or "not heard"))


def first_sound(samples: np.ndarray) -> float:
    return np.nonzero(frames(samples) > 1000)[0][0] * FRAME / RATE


def _word_span(mic, clip, spoken, record_origin: float, offset: float) -> tuple[float, float]:
    """Where the user's word starts and ends, in speaker time."""
    at = locate(mic, clip, int((spoken.start + record_origin) * RATE), span=RATE) / RATE - offset
    return at + word_start(clip), at + word_end(clip)


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
    parser.add_argument("--turns-log", type=Path, help="Where the session writes its turn-taking facts.")
    parser.add_argument("--ears", type=Path, help="Where to keep what the echo-cancelled ear heard.")
    args = parser.parse_args()
    extra = ["--turns-log", str(args.turns_log.resolve())] if args.turns_log else []
    pulse = PulseServer()
    leak = Leak(pulse)
    folder = Path(tempfile.mkdtemp(prefix="coach-handsfree-"))
    try:
        if args.own_speech:
            own_speech(pulse, folder)
        else:
            if args.ears:
                args.ears.mkdir(parents=True, exist_ok=True)
            barge_in(pulse, folder, args.trials, extra, args.ears and args.ears.resolve())
    finally:
        leak.close()
        pulse.stop()


if __name__ == "__main__":
    main()
