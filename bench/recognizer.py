"""Recognizer figures on the held-out split of bench/corpus.py, beside SpeechRecognition's keyword path.

Prints, for coach's streaming recognizer and for `recognize_sphinx(keyword_entries=...)` on the
same files: recall per command and overall, substitutions, false alarms per hour of ordinary
speech, latency after the end of the command word (p50, p95) and real-time factor (CPU seconds
per second of audio, one core; decoder loading excluded, as it happens once per session).

Run: .venv/bin/python bench/corpus.py && .venv/bin/python bench/recognizer.py [--split test] [--peer-sample N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.audio.recognizer import CommandRecognizer, detect_in  # noqa: E402
from coach.audio.wavin import read_audio  # noqa: E402
from coach.phrases import PHRASES, command_in  # noqa: E402

CORPUS = ROOT / "bench" / "out" / "corpus"


def coach_detections(rows: list[dict]) -> tuple[dict, float]:
    recognizer = CommandRecognizer()
    found, cpu = {}, 0.0
    for row in rows:
        samples = read_audio(CORPUS / row["file"]).samples
        started = time.process_time()
        found[row["file"]] = [(h.command.value, h.time) for h in detect_in(samples, recognizer)]
        cpu += time.process_time() - started
    return found, cpu


def peer_detections(rows: list[dict], sensitivity: float) -> tuple[dict, float]:
    import speech_recognition as sr

    recognizer = sr.Recognizer()
    keywords = [(p, sensitivity) for phrases in PHRASES.values() for p in phrases]
    found, cpu = {}, 0.0
    for row in rows:
        with sr.AudioFile(str(CORPUS / row["file"])) as source:
            audio = recognizer.record(source)
        started = time.process_time()
        try:
            text = recognizer.recognize_sphinx(audio, keyword_entries=keywords)
        except sr.UnknownValueError:
            text = ""
        cpu += time.process_time() - started
        # The keyword path returns every keyword found, in order; each is one detection.
        found[row["file"]] = [(c.value, None) for c in map(command_in, _split_keywords(text, keywords)) if c]
    return found, cpu


def _split_keywords(text: str, keywords: list) -> list[str]:
    words, out = text.split(), []
    phrases = sorted((k for k, _ in keywords), key=lambda k: -len(k.split()))
    i = 0
    while i < len(words):
        for phrase in phrases:
            size = len(phrase.split())
            if " ".join(words[i:i + size]) == phrase:
                out.append(phrase)
                i += size
                break
        else:
            i += 1
    return out


def score(rows: list[dict], found: dict, cpu: float) -> dict:
    commands = [r for r in rows if r["kind"] == "command"]
    speech = [r for r in rows if r["kind"] == "speech"]
    per = defaultdict(list)
    substitutions, latencies = 0, []
    for row in commands:
        hits = [t for c, t in found[row["file"]] if c == row["command"]]
        per[row["command"]].append(bool(hits))
        substitutions += sum(1 for c, _ in found[row["file"]] if c != row["command"])
        if hits and row["word_end"] is not None and hits[0] is not None:
            latencies.append(hits[0] - row["word_end"])
    hours = sum(r["seconds"] for r in speech) / 3600
    audio = sum(r["seconds"] for r in rows)
    return {
        "recall": {c: float(np.mean(v)) for c, v in per.items()},
        "overall": float(np.mean([x for v in per.values() for x in v])),
        "substitutions": substitutions,
        "false_alarms_per_hour": sum(len(found[r["file"]]) for r in speech) / hours,
        "latency": (np.percentile(latencies, [50, 95]).tolist() if latencies else None),
        "rtf": cpu / audio,
        "files": len(rows),
    }


def show(name: str, result: dict) -> None:
    recall = "  ".join(f"{c} {v:.2f}" for c, v in result["recall"].items())
    latency = (f"p50 {result['latency'][0] * 1000:.0f} ms, p95 {result['latency'][1] * 1000:.0f} ms"
               if result["latency"] else "n/a (answers after whole phrases only)")
    print(f"{name} ({result['files']} files)\n"
          f"  recall overall {result['overall']:.3f}: {recall}\n"
          f"  substitutions {result['substitutions']}, false alarms {result['false_alarms_per_hour']:.0f} per hour\n"
          f"  latency after the command word: {latency}\n"
          f"  real-time factor {result['rtf']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Recognizer figures on the held-out split.")
    parser.add_argument("--split", default="test", help="test (held out, the default) or dev")
    parser.add_argument("--peer-sample", type=int, default=0,
                        help="Run the peer on a random sample of N files per kind (0: all; it is slow).")
    parser.add_argument("--by", action="store_true", help="Also break recall down by voice engine and condition.")
    parser.add_argument("--no-peer", action="store_true", help="Skip SpeechRecognition (it takes minutes).")
    args = parser.parse_args()
    manifest = [json.loads(line) for line in open(CORPUS / "manifest.jsonl")]
    rows = [r for r in manifest if r["split"] == args.split]
    hours = sum(r["seconds"] for r in rows if r["kind"] == "speech") / 3600
    print(f"split {args.split}: {sum(r['kind'] == 'command' for r in rows)} command files, "
          f"{hours * 60:.1f} min of ordinary speech\n")
    found, cpu = coach_detections(rows)
    show("coach (streaming, endpointed utterances, commands against competing words)", score(rows, found, cpu))
    if args.by:
        for key in ("voice", "condition"):
            groups = defaultdict(list)
            for r in rows:
                if r["kind"] == "command":
                    label = r[key].split(":")[0] if key == "voice" and ":" in r[key] else (
                        "espeak" if key == "voice" else r[key])
                    groups[label].append(any(c == r["command"] for c, _ in found[r["file"]]))
            print(f"  recall by {key}: " + "  ".join(f"{k} {np.mean(v):.2f}" for k, v in sorted(groups.items())))
    peer_rows = rows
    if args.peer_sample:
        rng = random.Random(3)
        peer_rows = [r for kind in ("command", "speech") for r in
                     rng.sample([x for x in rows if x["kind"] == kind],
                                min(args.peer_sample, sum(x["kind"] == kind for x in rows)))]
    if args.no_peer:
        return
    # SpeechRecognition writes each keyword's threshold as 1e(100 * sensitivity - 110):
    # sensitivity 1.0 is the strict 1e-10, 0.8 the permissive 1e-30.
    for sensitivity in (0.8, 1.0):
        found, cpu = peer_detections(peer_rows, sensitivity)
        threshold = f"1e{round(100 * sensitivity - 110)}"
        show(f"\nSpeechRecognition recognize_sphinx, keyword_entries sensitivity {sensitivity} "
             f"(threshold {threshold}), whole files", score(peer_rows, found, cpu))


if __name__ == "__main__":
    main()
