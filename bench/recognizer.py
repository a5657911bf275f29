"""Recognizer figures on the held-out split of bench/corpus.py, beside SpeechRecognition's keyword path.

Prints, for coach's streaming recognizer and for `recognize_sphinx(keyword_entries=...)` on the
same files: recall per command and overall, substitutions, false alarms per hour of ordinary
speech, latency after the end of the command word (p50, p95) and real-time factor (CPU seconds
per second of audio, one core; decoder loading excluded, as it happens once per session).
False alarms are split: some sentences of ordinary speech really say a command word in a short
phrase (the coach's own "chest pain", "next up"); a hearing there is not made up, and in a
session the echo design, not the recognizer, keeps the coach from obeying its own voice.
With --ceiling: the same endpointing and decoder, but free to hear only commands (a grammar of
the command phrases and carrier words): the recall no rejection rule on top of this acoustic
model could exceed.

Run: .venv/bin/python bench/corpus.py && .venv/bin/python bench/recognizer.py [--split test] [--peer-sample N]
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import sys
import tempfile
from dataclasses import replace
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.audio.classifier import CommandModel  # noqa: E402
from coach.audio.recognizer import (THRESHOLDS, CommandRecognizer, close_call, command_past_its_bar,  # noqa: E402
                                    confirmed, detect_in)
from bench.sphinx import CMN_INIT, SphinxRecognizer  # noqa: E402
from coach.audio.wavin import read_audio  # noqa: E402
from coach.audio.whisper import Transcriber, WhisperRecognizer, hint, meaning_in  # noqa: E402
from coach.events import Command  # noqa: E402
from coach.phrases import CARRIER_WORDS, COMMANDS, PHRASES, command_in  # noqa: E402

CORPUS = ROOT / "bench" / "out" / "corpus"
# A hearing this long after a sentence that says the command ends is of that sentence.
SAID_SLACK = 1.0
# The classifier decides up to two 80 ms steps after the endpointer's end, where PocketSphinx decides.
SECOND_SLACK = 0.4
# PocketSphinx as a second opinion on the classifier (--pocketsphinx): each rule's settings of replayed().
SECOND_OPINIONS = {"confirms close calls over 0.3": {"confirm_from": 0.3},
                   "vetoes what the classifier takes under 0.8": {"veto_below": 0.8},
                   "vetoes what the classifier takes under 0.9": {"veto_below": 0.9},
                   "confirms over 0.3 and vetoes under 0.8": {"confirm_from": 0.3, "veto_below": 0.8}}


def closed_set_recognizer() -> SphinxRecognizer:
    """The coach's recognizer with a decoder that can hear nothing but a command with carriers."""
    from pocketsphinx import Decoder

    phrases = " | ".join(p for group in PHRASES.values() for p in group)
    grammar = (f"#JSGF V1.0;\ngrammar commands;\n"
               f"public <said> = [<carrier> [<carrier>]] ( {phrases} ) [<carrier> [<carrier>]];\n"
               f"<carrier> = {' | '.join(CARRIER_WORDS)};\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "commands.gram"
        path.write_text(grammar, encoding="utf-8")
        decoder = Decoder(jsgf=str(path), cmninit=CMN_INIT, loglevel="FATAL")
    everything = replace(COMMANDS, max_around=len(CARRIER_WORDS))  # no transcript is taken for talk
    return SphinxRecognizer(everything, decoder=decoder)


def coach_detections(rows: list[dict], recognizer, verdicts: dict | None = None) -> tuple[dict, float]:
    """Each file's detections as (command, time); with `verdicts`, also each utterance's scores per
    file, with Whisper's transcript wherever a command got its CONFIRM_FROM (past its bar or not,
    so that the curve can replay the rule at other bars)."""
    found, cpu, second = {}, 0.0, Transcriber(hint(COMMANDS))
    for row in rows:
        samples = read_audio(CORPUS / row["file"]).samples
        decided = []
        if verdicts is not None:
            recognizer.verdicts = lambda t, best: decided.append((t, best.copy(), recognizer.utterance()))
        started = time.process_time()
        found[row["file"]] = [(h.command.value, h.time) for h in detect_in(samples, recognizer)]
        cpu += time.process_time() - started
        if verdicts is not None:  # transcribed outside the timing: the recognizer only asks on close calls
            verdicts[row["file"]] = [(t, best, second(audio) if close_call(best, recognizer.classes) else None)
                                     for t, best, audio in decided]
    return found, cpu


@functools.cache
def scored_commands() -> list[Command]:
    """The commands in the order of the classifier's scores (after "other")."""
    return [Command(name) for name in CommandModel().classes[1:]]


def scored_classes() -> tuple[str, ...]:
    """The classifier's classes: "other", then the commands."""
    return ("other", *(c.value for c in scored_commands()))


def replayed(verdicts: dict, scale: float, second: dict | None = None, confirm_from: float | None = None,
             veto_below: float = 0.0, whisper: bool = True) -> dict:
    """Detections the recognizer's rule would make with every threshold multiplied by `scale`
    (Whisper's second opinion on close calls included unless `whisper` is False); with `second`
    (PocketSphinx's detections), that rule with PocketSphinx as a second opinion: a command
    under its threshold is taken if PocketSphinx heard it too and the classifier gives it at least
    `confirm_from`; a command over it but under `veto_below` is taken only if PocketSphinx heard it."""
    commands = scored_commands()
    classes = scored_classes()
    limits = np.array([min(0.999, THRESHOLDS[c] * scale) for c in commands])
    pain = commands.index(Command.PAIN)
    found = {}
    for file, decided in verdicts.items():
        found[file] = []
        for t, best, written in decided:
            scores = best[1:]
            index = pain if scores[pain] >= limits[pain] else int(np.argmax(scores))
            taken = commands[index] if scores[index] >= limits[index] else None
            if taken is None and whisper and written is not None:
                taken = confirmed(best, classes, written)
            if second is not None:
                other = _heard_at(second[file], t)
                if taken and scores[index] < veto_below and other is not taken:
                    taken = None
                if not taken and other and confirm_from is not None and scores[commands.index(other)] >= confirm_from:
                    taken = other
            if taken:
                found[file].append((taken.value, t))
    return found


def fusion_ceiling(rows: list[dict], verdicts: dict) -> float:
    """The recall no use of Whisper's transcripts could pass with the classifier's bars as shipped: a
    command file counts if the classifier took the right command past its bar, or Whisper, where it
    was asked, wrote that command (however unsure of its words, whatever the classifier gave it)."""
    classes = scored_classes()
    heard = []
    for row in rows:
        if row["kind"] != "command":
            continue
        said, decided = Command(row["command"]), verdicts[row["file"]]
        taken = any(command_past_its_bar(best, classes) == said for _, best, _ in decided)
        wrote = any(written is not None and meaning_in(written.text, COMMANDS) == said for _, _, written in decided)
        heard.append(taken or wrote)
    return float(np.mean(heard))


def _heard_at(detections: list, t: float) -> Command | None:
    """What PocketSphinx heard in the utterance the classifier decided at `t`: it decides at the
    endpointer's end, the classifier then or up to SECOND_SLACK later."""
    heard = [command for command, when in detections if t - SECOND_SLACK <= when <= t + 0.01]
    return Command(heard[-1]) if heard else None


def curve(rows: list[dict], verdicts: dict, **second_opinion) -> None:
    """Recall at 0.5, 2 and 10 false alarms an hour of ordinary speech, thresholds scaled together."""
    points = []
    for scale in np.concatenate([np.linspace(0.2, 1.0, 17), np.linspace(1.02, 1.99, 40)]):
        result = score(rows, replayed(verdicts, scale, **second_opinion), 0.0)
        points.append((result["false_alarms_per_hour"], result["overall"], result["recall"].get("pain", 0.0), scale))
    for budget in (0.5, 2.0, 10.0):
        within = [p for p in points if p[0] <= budget]
        if within:
            alarms, recall, pain, scale = max(within, key=lambda p: p[1])
            print(f"  at <= {budget:g} false alarms an hour: recall {recall:.3f} (pain {pain:.2f}), "
                  f"{alarms:.1f} an hour, thresholds x{scale:.2f}")
        else:
            print(f"  at <= {budget:g} false alarms an hour: no threshold gets there")


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
    timed = any(t is not None for r in speech for _, t in found[r["file"]])
    said = sum(_said(r, command, t) for r in speech for command, t in found[r["file"]]) if timed else None
    return {
        "said_per_hour": said / hours if said is not None else None,
        "recall": {c: float(np.mean(v)) for c, v in per.items()},
        "overall": float(np.mean([x for v in per.values() for x in v])),
        "substitutions": substitutions,
        "false_alarms_per_hour": sum(len(found[r["file"]]) for r in speech) / hours,
        "latency": (np.percentile(latencies, [50, 95]).tolist() if latencies else None),
        "rtf": cpu / audio,
        "files": len(rows),
    }


def _said(row: dict, command: str, time: float | None) -> bool:
    """Whether a hearing in ordinary speech falls on a sentence that said that command."""
    return time is not None and any(c == command and start <= time <= end + SAID_SLACK
                                    for c, start, end in row.get("said", []))


def _said_split(result: dict) -> str:
    said = result["said_per_hour"]
    if said is None:
        return ""
    return f" ({said:.0f} where it said the command's word, {result['false_alarms_per_hour'] - said:.0f} made up)"


def show(name: str, result: dict) -> None:
    recall = "  ".join(f"{c} {v:.2f}" for c, v in result["recall"].items())
    latency = (f"p50 {result['latency'][0] * 1000:.0f} ms, p95 {result['latency'][1] * 1000:.0f} ms"
               if result["latency"] else "n/a (answers after whole phrases only)")
    print(f"{name} ({result['files']} files)\n"
          f"  recall overall {result['overall']:.3f}: {recall}\n"
          f"  substitutions {result['substitutions']}, false alarms {result['false_alarms_per_hour']:.0f} per hour"
          f" of ordinary speech{_said_split(result)}\n"
          f"  latency after the command word: {latency}\n"
          + (f"  real-time factor {result['rtf']:.3f}" if result["rtf"] else "  (replayed: no time measured)"))


def show_by(rows: list[dict], found: dict) -> None:
    """Recall by voice engine, by condition, and by both (quiet: clean or reverberant; noisy: 10 dB SNR)."""
    labels = {
        "voice": lambda r: _engine(r),
        "speaker": lambda r: r["voice"] if ":" in r["voice"] else f"espeak {r['voice']}",
        "sex of the voice": lambda r: "female" if _female(r) else "male",
        "command": lambda r: r["command"],
        "condition": lambda r: r["condition"],
        "voice and room": lambda r: f"{_engine(r)}/{'noisy' if 'pink' in r['condition'] or 'white' in r['condition'] else 'quiet'}",
    }
    for key, label in labels.items():
        groups = defaultdict(list)
        for r in rows:
            if r["kind"] == "command":
                groups[label(r)].append(any(c == r["command"] for c, _ in found[r["file"]]))
        print(f"  recall by {key}: " + "  ".join(f"{k} {np.mean(v):.2f}" for k, v in sorted(groups.items())))
    pain = defaultdict(list)
    for r in rows:
        if r["kind"] == "command" and r["command"] == "pain":
            pain[labels["voice and room"](r)].append(any(c == "pain" for c, _ in found[r["file"]]))
    print("  pain recall by voice and room: " + "  ".join(f"{k} {np.mean(v):.2f} ({len(v)})" for k, v in sorted(pain.items())))


FEMALE = {"flite:slt", "festival:voice_cmu_us_slt_arctic_hts", "kokoro:jf_tebukuro"}
FEMALE_VARIANTS = {"female1", "female2", "female3", "female4", "female5", "Annie", "Belinda", "Linda", "Steph",
                   "grandma", "Alicia", "Andrea", "anika", "shelby", "Auntie"}


def _female(row: dict) -> bool:
    return row["voice"] in FEMALE or row.get("variant") in FEMALE_VARIANTS


def _engine(row: dict) -> str:
    """espeak (formant synthesis), flite / festival (recorded speakers), or kokoro (neural)."""
    return row["voice"].split(":")[0] if ":" in row["voice"] else "espeak"


def main() -> None:
    global CORPUS
    parser = argparse.ArgumentParser(description="Recognizer figures on the held-out split.")
    parser.add_argument("--split", default="test", help="test (held out, the default) or dev")
    parser.add_argument("--peer-sample", type=int, default=0,
                        help="Run the peer on a random sample of N files per kind (0: all; it is slow).")
    parser.add_argument("--by", action="store_true", help="Also break recall down by voice engine and condition.")
    parser.add_argument("--ceiling", action="store_true",
                        help="Also decode with commands alone: the recall this acoustic model allows.")
    parser.add_argument("--no-peer", action="store_true", help="Skip SpeechRecognition (it takes minutes).")
    parser.add_argument("--pocketsphinx", action="store_true",
                        help="Also run coach's previous recognizer, either of the two, and it as a second opinion.")
    parser.add_argument("--whisper", action="store_true",
                        help="Also run Whisper base alone over each short utterance (told what to expect).")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="bench/corpus.py's output (--out)")
    args = parser.parse_args()
    CORPUS = args.corpus
    manifest = [json.loads(line) for line in open(CORPUS / "manifest.jsonl")]
    rows = [r for r in manifest if r["split"] == args.split]
    hours = sum(r["seconds"] for r in rows if r["kind"] == "speech") / 3600
    print(f"split {args.split}: {sum(r['kind'] == 'command' for r in rows)} command files, "
          f"{hours * 60:.1f} min of ordinary speech\n")
    verdicts: dict = {}
    found, coach_cpu = coach_detections(rows, CommandRecognizer(), verdicts)
    show("coach (speech embedding + command classifier over endpointed utterances, Whisper base on close calls)",
         score(rows, found, coach_cpu))
    curve(rows, verdicts)
    ceiling = fusion_ceiling(rows, verdicts)
    print(f"  with these bars, no use of Whisper's transcripts could hear more than {ceiling:.3f} "
          "(the classifier's command past its bar, or Whisper's wherever it was asked)")
    if args.by:
        show_by(rows, found)
    show("\nthe classifier alone (no second opinion)", score(rows, replayed(verdicts, 1.0, whisper=False), 0.0))
    curve(rows, verdicts, whisper=False)
    if args.pocketsphinx:
        old, cpu = coach_detections(rows, SphinxRecognizer())
        show("\nPocketSphinx, endpointed utterances against competing words (coach's previous recognizer)",
             score(rows, old, cpu))
        either = {f: sorted(found[f] + old[f], key=lambda x: x[1]) for f in found}
        show("\neither of the two (a command heard by one or the other)", score(rows, either, 0.0))
        for name, rule in SECOND_OPINIONS.items():
            show(f"\nthe classifier, with PocketSphinx as a second opinion that {name}",
                 score(rows, replayed(verdicts, 1.0, old, **rule), coach_cpu + cpu))
            curve(rows, verdicts, second=old, **rule)
    if args.whisper:
        written, cpu = coach_detections(rows, WhisperRecognizer(transcriber=Transcriber(hint(COMMANDS))))
        show("\nWhisper base alone, each endpointed utterance written down", score(rows, written, cpu))
        if args.by:
            show_by(rows, written)
    if args.ceiling:
        closed, cpu = coach_detections(rows, closed_set_recognizer())
        show("\nceiling: the same, hearing only commands (no rejection at all)", score(rows, closed, cpu))
        if args.by:
            show_by(rows, closed)
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
