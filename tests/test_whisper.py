"""Whisper's transcripts read as commands and ratings, and the Whisper weights installed are the
ones coach was measured with (coach/audio/models/README.md)."""

import hashlib

import numpy as np
import pytest

import coach.audio.whisper_model as whisper_model
from coach.audio.recognizer import CONFIRM_FROM, MIN_LOGPROB, CommandRecognizer, close_call, confirmed, recognizer_for
from coach.audio.whisper import Transcript, WhisperRecognizer, hint, meaning_in
from coach.events import Command
from coach.phrases import COMMANDS, NUMBERS, PHRASES, menu_vocabulary

def test_the_installed_whisper_weights_are_the_measured_ones():
    assert hashlib.sha256(whisper_model.in_memory()["model.bin"]).hexdigest() == whisper_model.MODEL_SHA256


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_weights_are_joined_once_into_the_cache(tmp_path):
    folder = whisper_model.model_folder(tmp_path)
    written = (folder / "model.bin").stat().st_mtime_ns
    assert whisper_model.model_folder(tmp_path) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == written
    assert _digest(folder / "model.bin") == whisper_model.MODEL_SHA256
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_a_short_copy_in_the_cache_is_joined_again(tmp_path):
    folder = whisper_model.model_folder(tmp_path)
    (folder / "model.bin").write_bytes(b"cut short")
    (folder / "config.json").unlink()
    whisper_model.model_folder(tmp_path)
    assert _digest(folder / "model.bin") == whisper_model.MODEL_SHA256
    assert (folder / "config.json").is_file()


def test_a_damaged_copy_of_the_right_size_is_found_by_its_checksum_and_joined_again(tmp_path):
    folder = whisper_model.model_folder(tmp_path)
    with (folder / "model.bin").open("r+b") as stored:
        stored.seek(1 << 20)
        stored.write(bytes(64))
    assert whisper_model.model_folder(tmp_path) == folder  # the size is right: not noticed at a start
    assert whisper_model.repair(tmp_path)
    assert _digest(folder / "model.bin") == whisper_model.MODEL_SHA256
    assert not whisper_model.repair(tmp_path)


def test_a_cache_that_cannot_be_written_loads_the_model_from_memory(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    with pytest.raises(OSError):
        whisper_model.model_folder(blocked)
    assert whisper_model.load(blocked, device="cpu", compute_type="int8").is_multilingual


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
    told = hint(COMMANDS).lower()
    assert all(f"{phrase}." in told for phrases in PHRASES.values() for phrase in phrases)


def test_whispers_repeats_of_a_short_utterance_count_once():
    assert meaning_in("Please resume. Please resume. Please resume. Please", COMMANDS) is Command.RESUME
    assert meaning_in("Can you go back? Can you go back?", COMMANDS) is Command.BACK
    assert meaning_in("Stop. Stop, please.", COMMANDS) is Command.STOP


CLASSES = ("other", "pause", "resume", "next", "back", "repeat", "stop", "pain")


def scores(**given: float) -> np.ndarray:
    return np.array([given.get(name, 0.0) for name in CLASSES])


def test_a_close_call_is_confirmed_only_by_the_command_whisper_wrote_surely_enough():
    sure, unsure = MIN_LOGPROB[Command.BACK] + 0.1, MIN_LOGPROB[Command.BACK] - 0.1
    close = scores(other=0.7, back=0.2, pause=0.15)
    assert confirmed(close, CLASSES, Transcript("Go back.", sure)) is Command.BACK
    assert confirmed(close, CLASSES, Transcript("Go back.", unsure)) is None
    assert confirmed(close, CLASSES, Transcript("Next.", sure)) is None  # the classifier gave next nothing
    assert confirmed(close, CLASSES, Transcript("Lie on your back, then rest.", sure)) is None


def test_pain_is_confirmed_from_a_lower_score_than_the_other_commands():
    low = CONFIRM_FROM[Command.PAIN]
    assert low < CONFIRM_FROM[Command.STOP]
    assert confirmed(scores(pain=low, stop=low), CLASSES, Transcript("Pain.", -0.1)) is Command.PAIN
    assert confirmed(scores(pain=low, stop=low), CLASSES, Transcript("Stop.", -0.1)) is None
    assert close_call(scores(pain=low), CLASSES) and not close_call(scores(stop=low), CLASSES)


def test_pain_is_confirmed_from_words_whisper_is_less_sure_of():
    between = (MIN_LOGPROB[Command.PAIN] + MIN_LOGPROB[Command.STOP]) / 2
    assert MIN_LOGPROB[Command.PAIN] < between < MIN_LOGPROB[Command.STOP]
    close = scores(pain=0.2, stop=0.2)
    assert confirmed(close, CLASSES, Transcript("Pain.", between)) is Command.PAIN
    assert confirmed(close, CLASSES, Transcript("Stop.", between)) is None


def test_ratings_and_menu_choices_are_heard_by_whisper_commands_by_the_classifier():
    assert isinstance(recognizer_for(NUMBERS), WhisperRecognizer)
    assert isinstance(recognizer_for(COMMANDS), CommandRecognizer)


def test_a_menu_choice_is_read_from_whispers_words():
    menu = menu_vocabulary(["Bird dog", "Pelvic tilts", "Cat and camel"])
    assert [meaning_in(t, menu) for t in ("Number 2.", "Bird dog, please.", "Three.", "Hello there.")] == [2, 1, 3, None]
