"""A recognizer that fails, mid-stream or as it loads: listening ends with one line, keys go on, and
no microphone stream is left open. The real recognizer is made to fail (as onnxruntime or
CTranslate2 may raise); each test has its own sound server, whose streams it can count."""

from __future__ import annotations

import time

import pytest

from audio_tests.pulse import PulseServer
from coach.audio import voice
from coach.audio.recognizer import recognizer_for
from coach.errors import DeviceError
from coach.phrases import NUMBERS


@pytest.fixture()
def server(monkeypatch):
    own = PulseServer()
    for name, value in own.client_env.items():
        monkeypatch.setenv(name, value)
    yield own
    own.stop()


def _failing_mid_stream(vocabulary, personal=None):
    recognizer = recognizer_for(vocabulary, personal)

    def feed(samples):
        raise RuntimeError("the model's\nsession was lost")

    recognizer.feed = feed
    return recognizer


def _damaged(vocabulary, personal=None):
    raise ValueError("Whisper's weights are damaged")


def _listening_streams(server: PulseServer) -> int:
    return server.pactl("list", "source-outputs").count("coach-listen")


def test_a_recognizer_failing_mid_stream_ends_listening_once_and_says_why(server, monkeypatch):
    monkeypatch.setattr(voice, "recognizer_for", _failing_mid_stream)
    listening = voice.VoiceCommands("mic", vocabulary=NUMBERS)
    try:
        deadline = time.monotonic() + 10
        with pytest.raises(voice.ListeningLost) as lost:
            while time.monotonic() < deadline:
                listening.poll()
                time.sleep(0.05)
        assert str(lost.value) == ("listening stopped after an error (RuntimeError: the model's session was lost); "
                                   "keys still work.")
        assert listening.poll() == []  # said once
    finally:
        listening.close()
    assert _listening_streams(server) == 0


def test_a_recognizer_that_will_not_load_is_one_line_and_leaves_no_microphone_open(server, monkeypatch):
    monkeypatch.setattr(voice, "recognizer_for", _damaged)
    with pytest.raises(DeviceError) as failed:
        voice.VoiceCommands("mic", vocabulary=NUMBERS)
    assert str(failed.value) == ("the recognizer did not load (ValueError: Whisper's weights are damaged); "
                                 "run coach doctor")
    assert _listening_streams(server) == 0
