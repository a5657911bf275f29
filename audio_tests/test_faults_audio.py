"""Devices lost mid-session, a kill, and no network: the session goes on and nothing is lost.

Each test has its own sound server, so removing its devices spares the other tests.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from audio_tests.conftest import coach_env
from audio_tests.pulse import PulseServer
from audio_tests.room import ScriptedUser, start_session

ECHO_CANCEL = "module-echo-cancel"


@pytest.fixture()
def server():
    own = PulseServer()
    yield own
    own.stop()


def _module(server: PulseServer, name: str) -> str | None:
    for line in server.pactl("list", "short", "modules").splitlines():
        if line.split("\t")[1] == name or name in line.split("\t")[2]:
            return line.split("\t")[0]
    return None


def _history(server, tmp_path, speech_cache) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "coach", "history", "--json"], capture_output=True, text=True,
                          env=coach_env(server, tmp_path, speech_cache), check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("removed, said", [("source_name=mic", "the microphone mic was removed"),
                                           (ECHO_CANCEL, "the echo canceller (coach_microphone_echo_cancel) was unloaded")])
def test_a_device_removed_mid_session_ends_listening_and_the_session_goes_on(server, tmp_path, speech_cache,
                                                                            removed, said):
    process, log = start_session(server, tmp_path, speech_cache, "pelvic-tilt-90-90", "--no-rating")
    try:
        assert log.wait_for(lambda e: e["event"] == "speech_start", 30)
        server.pactl("unload-module", _module(server, removed))
        lost = log.wait_for(lambda e: e["event"] == "listening_lost", 5)
        assert lost and lost["error"] == f"{said}; keys still work."
        assert log.wait_for(lambda e: e["event"] == "speech_start", 15, after=lost["t"]), "speech stopped too"
        out, _ = process.communicate("q\n", timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    err = (tmp_path / "stderr.txt").read_text()
    assert process.returncode == 0 and "Traceback" not in err
    assert f"Note: {said}; keys still work." in err
    [session] = _history(server, tmp_path, speech_cache)
    assert session["outcome"] == "stopped"
    assert _module(server, ECHO_CANCEL) is None


def test_sigterm_mid_session_saves_it_and_unloads_the_echo_canceller(server, tmp_path, speech_cache):
    process, log = start_session(server, tmp_path, speech_cache, "pelvic-tilt-90-90", "--no-rating")
    try:
        assert log.wait_for(lambda e: e["event"] == "speech_start", 30)
        assert _module(server, ECHO_CANCEL) is not None
        time.sleep(2.0)
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143
    assert _module(server, ECHO_CANCEL) is None
    [session] = _history(server, tmp_path, speech_cache)
    assert session["outcome"] == "interrupted" and session["seconds"] >= 2.0


AUDITED = """
import socket, sys
connects = open(sys.argv[1], "w")
def audit(event, args):
    if event == "socket.connect":
        connects.write(f"{args[0].family.name} {args[1]}\\n")
        connects.flush()
sys.addaudithook(audit)
control = socket.socket(socket.AF_UNIX)  # proves the hook sees a connect: the sound server's socket
control.connect(__import__("os").environ["PULSE_SERVER"].removeprefix("unix:"))
control.close()
sys.argv = ["coach", *sys.argv[2:]]
from coach.cli import main
main()
"""


def test_a_hands_free_session_runs_with_no_network_and_opens_no_internet_socket(server, tmp_path, speech_cache):
    user = ScriptedUser(server, tmp_path)
    user.clip("end session")  # said over the coach: "stop now" loses its start there (test_hands_free.py)
    connects = tmp_path / "connects.txt"
    log_path = tmp_path / "session.jsonl"
    process = subprocess.Popen(
        ["unshare", "-n", sys.executable, "-c", AUDITED, str(connects), "run", "pelvic-tilt-90-90", "--no-rating",
         "--log", str(log_path)],
        env=coach_env(server, tmp_path, speech_cache), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    from audio_tests.room import SessionLog

    log = SessionLog(log_path)
    try:
        assert log.wait_for(lambda e: e["event"] == "cue_end", 120), "the session did not start"
        for _ in range(5):
            said = user.say("end session", log)
            heard = log.wait_for(lambda e: e["event"] == "command", 2, after=said.start)
            if heard:
                assert heard["command"] == "stop", heard
                break
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    commands = [e for e in log.events() if e["event"] == "command"]
    assert [(e["command"], e["source"]) for e in commands] == [("stop", "voice")]
    opened = connects.read_text().splitlines()
    assert opened and all(line.startswith("AF_UNIX") for line in opened), opened


def test_a_bad_option_leaves_no_echo_canceller_behind(server, tmp_path, speech_cache):
    done = subprocess.run([sys.executable, "-m", "coach", "run", "bird-dog", "--tones", "--no-rating"],
                          env=coach_env(server, tmp_path, speech_cache), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "--tones paces breaths" in done.stderr
    assert _module(server, ECHO_CANCEL) is None


def test_doctor_leaves_a_running_sessions_echo_canceller_alone(server, tmp_path, speech_cache):
    process, log = start_session(server, tmp_path, speech_cache, "pelvic-tilt-90-90", "--no-rating")
    try:
        assert log.wait_for(lambda e: e["event"] == "speech_start", 30)
        doctor = subprocess.run([sys.executable, "-m", "coach", "doctor"], env=coach_env(server, tmp_path, speech_cache),
                                capture_output=True, text=True, timeout=120)
        assert "echo canceller: module-echo-cancel is loaded by a running coach session" in doctor.stdout
        time.sleep(1.5)  # the session's watcher would have seen its source go
        assert not [e for e in log.events() if e["event"] == "listening_lost"]
        process.communicate("q\n", timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0


def test_a_machine_whose_only_input_is_the_speakers_monitor_has_no_microphone(server, tmp_path, speech_cache):
    server.pactl("set-default-source", "spk.monitor")
    done = subprocess.run([sys.executable, "-m", "coach", "run", "pelvic-tilt-90-90", "--no-rating"],
                          env=coach_env(server, tmp_path, speech_cache), input="\n" * 5 + "q\n", capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "no microphone: PulseAudio has no input to record from (its only input is the speaker's monitor); " \
           "going on with keys." in done.stdout
    assert "say pain" not in done.stdout
    assert _module(server, ECHO_CANCEL) is None
