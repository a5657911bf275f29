"""The parts of hearing commands that are not audio devices: phrases, endpointing, WAV reading, the model."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from coach.audio.chunk import RATE, Chunk, level_dbfs, mean_square
from coach.audio.endpoint import HANGOVER, Endpointer
from coach.audio.wavin import NotAudio, read_audio, resample
from coach.events import Command
from coach.phrases import COMMANDS, NUMBERS, PHRASES, command_in
from coach.listening import meter


@pytest.mark.parametrize("text,command", [
    ("pause", Command.PAUSE), ("okay pause please", Command.PAUSE), ("go back", Command.BACK),
    ("say that again", Command.REPEAT), ("let's stop", Command.STOP), ("i feel pain", Command.PAIN),
    ("it hurts", Command.PAIN), ("carry on", Command.RESUME), ("paint the plain wall", None), ("", None),
])
def test_commands_are_found_in_phrases(text, command):
    assert command_in(text) is command


@pytest.mark.parametrize("text,spoken_to_coach", [
    ("can you say that again", True), ("okay stop now", True), ("i said go back", True), ("pause", True),
    ("lie on your back", False), ("the next one is easy", False),
])
def test_a_command_with_two_words_around_it_is_said_to_the_coach_more_is_talk(text, spoken_to_coach):
    assert command_in(text) is not None
    assert (COMMANDS.around(text) <= COMMANDS.max_around) is spoken_to_coach


def test_a_rating_may_have_three_words_around_it():
    assert NUMBERS.around("six out of ten") <= NUMBERS.max_around < NUMBERS.around("my pain is about a six")


def test_pain_wins_over_any_other_command_in_the_same_phrase():
    assert command_in("stop it hurts") is Command.PAIN
    assert command_in("pain stop") is Command.PAIN


def test_every_command_has_phrases():
    assert set(PHRASES) == set(Command)


def frames(signal: np.ndarray) -> list[np.ndarray]:
    return [signal[i:i + 160] for i in range(0, len(signal) - 159, 160)]


def burst_in_noise(rng, speech_seconds: float, noise_rms: float = 300.0) -> np.ndarray:
    noise = rng.normal(0, noise_rms, 16000 * 3)
    t = np.arange(int(16000 * speech_seconds)) / 16000
    noise[16000: 16000 + len(t)] += 6000 * np.sin(2 * np.pi * 220 * t)
    return noise.astype(np.int16)


def test_endpointer_finds_a_burst_in_steady_noise_and_ends_after_the_hangover():
    endpoint = Endpointer()
    changes = [(i, c) for i, f in enumerate(frames(burst_in_noise(np.random.default_rng(1), 0.5))) if (c := endpoint.feed(f))]
    assert [c.kind for _, c in changes] == ["start", "end"]
    (start_frame, start), (end_frame, end) = changes
    assert start.time == pytest.approx(1.0, abs=0.02) and end.time == pytest.approx(1.5, abs=0.02)
    assert (end_frame - 150) * 0.01 == pytest.approx(HANGOVER, abs=0.015)  # told as soon as the hangover passes


def burst_with_reverb_tail(rng, tail_db_per_second: float) -> np.ndarray:
    """A half-second burst at 1 s, then a tail that dies away at the given rate (a room's echo)."""
    signal = burst_in_noise(rng, 0.5, noise_rms=30.0).astype(np.float64)
    t = np.arange(16000) / 16000
    tail = 6000 * 10 ** (-tail_db_per_second * t / 20) * np.sin(2 * np.pi * 220 * t)
    signal[24000:40000] += tail
    return signal.astype(np.int16)


def test_a_short_utterance_ends_soon_after_the_word_even_in_a_reverberant_room():
    endpoint = Endpointer()
    tail = burst_with_reverb_tail(np.random.default_rng(3), tail_db_per_second=40)
    changes = [c for f in frames(tail) if (c := endpoint.feed(f))]
    assert [c.kind for c in changes] == ["start", "end"]  # the dying tail starts nothing new
    assert changes[1].time < 1.5 + 0.6  # 20 dB down after half a second; at the floor only, 0.77 s


def test_endpointer_never_starts_on_steady_noise_alone():
    endpoint = Endpointer()
    noise = np.random.default_rng(2).normal(0, 2000, 16000 * 5).astype(np.int16)
    assert [c for f in frames(noise) if (c := endpoint.feed(f))] == []


def write_wav(path, samples: np.ndarray, rate: int, width: int = 2, channels: int = 1) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())


def test_stereo_44k_is_read_as_16k_mono(tmp_path):
    t = np.arange(44100) / 44100
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    write_wav(tmp_path / "s.wav", np.repeat(tone, 2), 44100, channels=2)
    clip = read_audio(tmp_path / "s.wav")
    assert clip.rate == 16000 and len(clip.samples) == 16000
    spectrum = np.abs(np.fft.rfft(clip.samples.astype(float)))
    assert np.argmax(spectrum) == pytest.approx(440, abs=2)
    assert np.sqrt(np.mean(clip.samples[1000:-1000].astype(float) ** 2)) == pytest.approx(8000 / 2 ** 0.5, rel=0.05)


def test_8_bit_audio_is_scaled_to_16_bit(tmp_path):
    write_wav(tmp_path / "b.wav", np.array([128, 255, 0, 128] * 4000, np.uint8), 16000, width=1)
    samples = read_audio(tmp_path / "b.wav").samples
    assert samples.max() > 32000 and samples.min() == -32768


def test_resampling_does_not_fold_high_frequencies_into_the_speech_band():
    t = np.arange(22050) / 22050
    high = 10000 * np.sin(2 * np.pi * 9500 * t)  # above 16 kHz audio's 8 kHz limit
    out = resample(high, 22050, 16000)
    assert np.sqrt(np.mean(out[500:-500] ** 2)) < 10000 * 0.05  # plain interpolation leaves ~0.7 of it at 6.5 kHz


@pytest.mark.parametrize("content", [b"", b"hello, not audio", b"RIFF\x00\x00"])
def test_files_that_are_not_audio_are_one_clear_error(tmp_path, content):
    path = tmp_path / "x.wav"
    path.write_bytes(content)
    with pytest.raises(NotAudio, match=r"x\.wav: not an audio file coach can read"):
        read_audio(path)


def test_meter_runs_from_empty_to_full():
    assert meter(np.zeros(800, np.int16)).startswith("[" + " " * 30 + "]")
    assert meter(np.full(800, 32767, np.int16)).startswith("[" + "#" * 30 + "]")


@pytest.mark.parametrize("subtype, extension", [("PCM_24", "wav"), ("PCM_32", "wav"), ("FLOAT", "wav"),
                                                ("PCM_U8", "wav"), ("PCM_16", "flac")])
def test_every_width_and_format_is_read_at_the_same_level(tmp_path, subtype, extension):
    import soundfile

    t = np.arange(22050) / 22050
    tone = 0.25 * np.sin(2 * np.pi * 440 * t)
    path = tmp_path / f"tone.{extension}"
    soundfile.write(path, tone, 22050, subtype=subtype)
    clip = read_audio(path)
    assert clip.rate == 16000 and abs(len(clip.samples) - 16000) <= 1
    level = np.sqrt(np.mean(clip.samples[500:-500].astype(float) ** 2))
    assert level == pytest.approx(0.25 * 32768 / 2 ** 0.5, rel=0.03)


def test_a_blocks_level_and_energy_are_measured_one_way():
    full = np.full(1600, 32767, np.int16)
    assert level_dbfs(full) == pytest.approx(0.0, abs=0.01)
    assert level_dbfs(full // 10) == pytest.approx(-20.0, abs=0.01)
    assert level_dbfs(np.zeros(1600, np.int16)) < -90 and level_dbfs(np.zeros(0, np.int16)) < -90
    assert mean_square(np.array([3, -4], np.int16)) == 12.5 and mean_square(np.zeros(0, np.int16)) == 0.0


def test_a_chunk_carries_its_format_and_when_it_was_heard():
    chunk = Chunk(np.zeros(320, np.int16), RATE, heard_at=12.5)
    assert (chunk.seconds, chunk.width, chunk.channels, chunk.heard_at) == (0.02, 2, 1, 12.5)
