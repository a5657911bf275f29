from __future__ import annotations

import pytest

from audio_tests.pulse import PulseServer


@pytest.fixture(scope="session")
def pulse():
    """One private PulseAudio server for the whole run; this process's audio goes to it too."""
    server = PulseServer()
    server.use_in_this_process()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def speech_cache(tmp_path_factory):
    """Rendered speech shared by the run's tests (a cold cache is tested on its own)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch, speech_cache):
    """In-process code (and CliRunner) keeps away from the user's real folders."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(speech_cache))


def coach_env(pulse, folder, cache) -> dict:
    """Environment for a `coach` subprocess: this run's sound server, its own history and config."""
    return {**pulse.env, "COACH_DATA_DIR": str(folder / "data"), "XDG_CONFIG_HOME": str(folder / "config"),
            "XDG_CACHE_HOME": str(cache)}
