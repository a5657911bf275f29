"""What the training corpus says: command phrases, and ordinary speech that is not a command.

Ordinary speech comes from Debian's `fortunes` files (short sentences people might say), the
coach's own cues, near-miss words and sentences, spoken numbers and carrier words alone. Each
fortune sentence belongs to one split by a hash of its text, so no sentence is in both.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

FORTUNES = Path("/usr/share/games/fortunes")
PLAIN_SENTENCE = re.compile(r"[A-Za-z ,;'.!?-]+")

# Commands with the words people use for them (coach.phrases.PHRASES), as the model's classes.
CLASSES = ("other", "pause", "resume", "next", "back", "repeat", "stop", "pain")

# Words alone that are not commands: carriers, numbers and near misses.
LONE_WORDS = ["okay", "please", "coach", "hey", "now", "yes", "no", "hello", "thanks", "right", "good", "fine",
              "sorry", "what", "hmm", "oh", "well", "alright", "ready", "done", "one", "two", "three", "four",
              "five", "six", "seven", "eight", "nine", "ten", "zero", "about a six", "maybe four", "breathe",
              "hold", "relax", "inhale", "exhale", "left", "right side", "paint", "plain", "main", "rain",
              "cane", "pace", "base", "text", "nest", "neck", "rest", "best", "step", "stock", "top", "pack",
              "report", "repair", "resort", "beck", "paws", "cause", "spot", "shop", "bat", "black", "peat",
              "consume", "press", "pen", "pan", "pin", "spain", "stomp", "stuff", "stuck", "bag", "buck",
              "bake", "neck", "necks", "nets", "sauce", "pose", "post", "posts", "wake", "weight", "wit",
              "repeal", "reveal", "refute", "resource", "assume", "exceed", "skim", "skit", "sip", "ouch no",
              "previously", "continent", "contain", "session", "hurts", "it's", "again", "say", "carry"]


# Words and short phrases that sound like a command, or are said around one, alone: the
# hardest false alarms for one-syllable commands, so the corpus says each of them many times.
NEAR_MISSES = ["paws", "pose", "cause", "pours", "pass", "purse", "boss", "applause", "pores", "result",
               "presume", "museum", "reason", "continent", "contain", "country", "neck", "nest", "text",
               "vex", "knack", "mix", "max", "skin", "ship", "slip", "script", "skit", "pack", "black", "bag",
               "bat", "buck", "track", "tack", "bark", "precious", "previews", "obvious", "repeal",
               "retreat", "complete", "receipt", "top", "shop", "stomp", "step", "stock", "spot", "drop",
               "stuck", "weight", "wade", "late", "great", "eight", "white", "bait", "paint", "plain",
               "main", "rain", "cane", "pane", "pen", "pan", "pin", "spain", "lane", "pay", "page",
               "couch", "pouch", "out", "owl", "house", "hearts", "shirts", "birds", "in session",
               "recession", "and so on", "confession", "carry out", "carol", "say it", "that again",
               "okay", "okay then", "thank you", "I'm fine", "not yet", "good morning", "yes please",
               "no thanks", "four", "six", "eight", "about a six", "maybe three", "it's a two", "ten",
               "hmm", "uh huh", "right", "ready", "breathe in", "breathe out", "hold", "relax", "good",
               "nice and slow", "one more", "that's it", "lovely", "well done", "okay coach", "hey coach"]


def fortune_sentences(split: str) -> list[str]:
    """Plain sentences of 3 to 18 words from the installed fortunes files, those of this split."""
    if not FORTUNES.is_dir():
        raise SystemExit(f"{FORTUNES} is missing: apt-get install fortunes")
    found: dict[str, None] = {}
    for path in sorted(FORTUNES.glob("*")):
        if path.suffix or not path.is_file():
            continue
        for entry in path.read_text(encoding="latin-1").split("\n%\n"):
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(entry.split())):
                if PLAIN_SENTENCE.fullmatch(sentence) and "-" not in sentence and 3 <= len(sentence.split()) <= 18:
                    found[sentence] = None
    return [s for s in found if split_of(s) == split]


# Words put around a command in training. The test split's carriers ("let's", "hey", "I said",
# "can you", "... that", "I feel ...") and their words are never among them, nor in COMMON_WORDS.
PREFIXES = ["okay", "please", "coach", "um", "uh", "oh", "so", "right", "alright", "now", "just", "and", "yes",
            "well", "okay coach", "please just", "um okay", "right then", "time to", "I want to", "we should",
            "I need to", "oh no", "okay now", "ah", "erm", "no", "yeah", "fine", "good", "sorry"]
SUFFIXES = ["please", "now", "it", "for me", "there", "coach", "then", "okay", "right now", "please coach"]
HELD_OUT_WORDS = {"let's", "hey", "said", "can", "you", "that", "feel", "i"}


def common_words(count: int = 300) -> list[str]:
    """The most frequent words of the development fortunes, less command and held-out words."""
    from collections import Counter

    from coach.phrases import command_words

    excluded = HELD_OUT_WORDS | set(command_words()) | {"session", "again", "carry", "go", "say", "end", "hurts"}
    words = Counter(w for s in fortune_sentences("dev") for w in re.findall(r"[a-z']+", s.lower()))
    return [w for w, _ in words.most_common() if w not in excluded and "you" not in w and len(w) > 1][:count]


def split_of(text: str) -> str:
    return "test" if hashlib.sha1(text.encode()).digest()[0] % 4 == 0 else "dev"
