"""Hands-free sessions end to end: the coach plays into a virtual speaker that leaks into the
microphone, and a scripted user with another voice speaks commands, some while the coach talks.

A user whose command is not acted on says it again at once, as people do (the coach falls
silent when they speak and waits a moment for them); each command must take effect within
five tries (bench/handsfree.py prints how often the first one is enough). Every voice
command in the log must come from the user's words: one heard outside them is the coach
obeying itself. The user says "wait", "next one" and "end session", forms the recognizer hears in
this voice (README, "Hearing commands": "pause" and "stop" alone are sometimes missed). Said over
the warning signs, "stop now" was taken for back or pause in 5 of 7 runs: the echo canceller lets
the first 150 ms of words said over the coach through 40 dB down, and "(st)op now" is what is left;
"end session" was taken at the first try in 4 of 4.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time

import pytest

from audio_tests.conftest import coach_env
from audio_tests.room import Leak, ScriptedUser, start_session
from coach import content, turns
from coach.app import SessionMicrophones
from coach.catalog import entries, resolve
from coach.eventlog import EventLog
from coach.events import Playback
from coach.hands_free import HandsFree
from coach.phrases import command_in
from coach.timeline import TimelineOptions, build_timeline

TRIES = 5
# A command is acted on within this after the user's words end (the recognizer needs 0.2 s);
# a user who hears nothing by then says it again.
ANSWER_WITHIN = 1.0


@pytest.fixture()
def leak(pulse):
    room = Leak(pulse)
    yield room
    room.close()


def _is(kind, text=None):
    return lambda e: e["event"] == kind and (text is None or e.get("text", "").startswith(text))


def obey(user, log, words: str, command: str):
    """Say `words` until the coach acts on them (at most TRIES times); return the command event."""
    for _ in range(TRIES):
        said = user.say(words, log)
        heard = log.wait_for(lambda e: e["event"] == "command" and e["source"] == "voice",
                             said.end + ANSWER_WITHIN - log.now(), after=said.start)
        if heard:
            assert heard["command"] == command, (words, heard)
            return heard
    overheard = [e["heard"] for e in log.events() if e["event"] == "overheard"]
    pytest.fail(f"{words!r} was not acted on in {TRIES} tries; overheard: {overheard}")


def answer(user, log, question: str, words: str, rating: int) -> None:
    """Answer the pain question by voice, saying it again if it was not heard."""
    for _ in range(TRIES):
        user.say(words, log)
        given = log.wait_for(lambda e: e["event"] == "rating" and e["question"] == question, ANSWER_WITHIN + 1)
        if given:
            assert (given["rating"], given["source"]) == (rating, "voice")
            return
    pytest.fail(f"the rating {words!r} was not heard in {TRIES} tries")


def test_a_whole_session_by_voice_while_the_coach_talks(pulse, leak, tmp_path, speech_cache):
    user = ScriptedUser(pulse, tmp_path)
    # The last rating is "two out of ten": Whisper, which hears ratings, writes slt's lone "two" as
    # "Dove." (and "about two" as "About you."), as the README says: a number with words is heard.
    for words in ("six", "wait", "resume", "next one", "go back", "repeat", "pain", "end session", "two out of ten"):
        user.clip(words)
    process, log = start_session(pulse, tmp_path, speech_cache, "dead-bug", first="rating_asked")
    try:
        answer(user, log, content.RATING_BEFORE, "six", 6)
        setup = log.wait_for(_is("speech_start", "Lie on your back"), 60)
        assert setup, "the setup cue was never spoken"
        time.sleep(1.5)  # mid-sentence
        pause = obey(user, log, "wait", "pause")
        assert log.wait_for(_is("speech_stopped"), 2, after=pause["t"]), "speech went on after pause"

        log.wait_for(_is("cue_end", content.VOICE_PROMPTS.paused), 15, after=pause["t"])
        resume = obey(user, log, "resume", "resume")
        for words, command in (("next one", "next"), ("go back", "back"), ("repeat", "repeat")):
            log.wait_for(_is("cue_end"), 15, after=log.now())
            acted = obey(user, log, words, command)
            assert log.wait_for(lambda e: e["event"] == "moved" and e["command"] == command, 1, after=acted["t"])

        log.wait_for(_is("speech_start"), 20, after=log.now())  # the coach is talking
        pain = obey(user, log, "pain", "pain")
        recorded = log.wait_for(_is("pain"), 2, after=pain["t"])
        first_warning = log.wait_for(_is("speech_start", content.PAIN_HEARD), 3, after=pain["t"])
        assert recorded and first_warning and recorded["t"] <= first_warning["t"]

        log.wait_for(_is("speech_start", "Get emergency help"), 20, after=pain["t"])
        time.sleep(1.0)
        stop = obey(user, log, "end session", "stop")
        assert log.wait_for(_is("rating_asked"), 30, after=stop["t"])
        answer(user, log, content.RATING_AFTER, "two out of ten", 2)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    events = log.events()
    [end] = [e for e in events if e["event"] == "session_end"]
    assert end["outcome"] == "pain"
    assert resume["t"] > pause["t"]

    voice = [e for e in events if e["event"] == "command" and e["source"] == "voice"]
    # paplay takes a moment to start: a window of a second more than the user waits is fair.
    obeyed_itself = [e for e in voice if not any(s.start <= e["t"] <= s.end + ANSWER_WITHIN + 1 for s in user.said)]
    assert obeyed_itself == []

    history = subprocess.run([sys.executable, "-m", "coach", "history", "--json"], capture_output=True, text=True,
                             env=coach_env(pulse, tmp_path, speech_cache), check=True)
    [session] = json.loads(history.stdout)
    assert session["outcome"] == "pain" and len(session["pain_events"]) == 1
    assert (session["pain_before"], session["pain_after"]) == (6, 2)


def test_no_microphone_is_one_line_and_keys_still_work(pulse, tmp_path, speech_cache):
    done = subprocess.run([sys.executable, "-m", "coach", "run", "pelvic-tilt-90-90", "--no-rating",
                           "--microphone", "no_such_microphone"], input="\n" * 30 + "q\n",
                          capture_output=True, text=True, timeout=120, env=coach_env(pulse, tmp_path, speech_cache))
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if "microphone" in line]
    assert len(lines) == 1 and lines[0].startswith('no sound input named "no_such_microphone"; the inputs are: mic')
    assert lines[0].endswith("going on with keys.")
    assert "Session stopped" in done.stdout
    assert "Traceback" not in done.stderr


def own_speech() -> list[str]:
    """Every wording of the coach's that holds a command phrase (all built-in routines' cues and its
    announcements), once each: "3. Lean back." stands for every count of it. Speaking all 225
    distinct lines takes 13 minutes; bench/handsfree.py --own-speech plays every routine whole."""
    options = TimelineOptions(listening=True)
    texts = [c.played for entry in entries() if entry.builtin
             for c in build_timeline(resolve(entry.name), options=options).cues]
    wordings: dict[str, str] = {}
    for text in texts + content.all_spoken_lines(options.prompts):
        if command_in(text):
            wordings.setdefault(re.sub(r"\b(rep )?\d+( of \d+)?\.|\bhalfway\.|\blast one\.|\d+ seconds", "#",
                                       text.lower()), text)
    return list(wordings.values())


def say_giving_the_floor(speaker, voice, text: str) -> list:
    """Say `text`, giving the floor as the session loop does (every 20 ms), until it has been said;
    return what was heard meanwhile."""
    heard, deadline = [], time.monotonic() + 120
    speaker.say(text)
    while time.monotonic() < deadline:
        for item in voice.poll():
            if isinstance(item, turns.Release):
                speaker.release()
            elif isinstance(item, turns.FLOOR):
                speaker.hold(item.seconds)
            else:
                heard.append(item)
        if any(event.kind is Playback.END for event in speaker.events()):
            break
        time.sleep(0.02)
    return heard


def test_the_coach_never_obeys_its_own_voice(pulse, leak, tmp_path):
    from coach.audio.speech import build_speaker
    from coach.audio.tts import VoiceSettings

    hands_free = HandsFree(listening=True, audio_out=True, microphones=SessionMicrophones(None))
    assert hands_free.echo, "the sound server has an echo canceller here"
    speaker = build_speaker(VoiceSettings(), tmp_path / "cache")
    speaker.device = hands_free.speaker_device
    texts = own_speech()
    speaker.prepare(texts)
    [voice] = hands_free.listen(speaker, EventLog(None), io.StringIO())
    heard = []
    try:
        for text in texts:
            heard += say_giving_the_floor(speaker, voice, text)
        time.sleep(1.0)
        heard += [item for item in voice.poll() if not isinstance(item, turns.FLOOR)]
    finally:
        voice.close()
        speaker.close()
        hands_free.close()
    assert [h for h in heard if h.command is not None] == []  # speech it merely noticed is not obeyed


def test_sound_server_dying_mid_session_leaves_keys_and_history(tmp_path, speech_cache):
    from audio_tests.pulse import PulseServer

    server = PulseServer()  # its own, so killing it spares the other tests
    try:
        process, log = start_session(server, tmp_path, speech_cache, "pelvic-tilt-90-90", "--no-rating")
        assert log.wait_for(_is("speech_start"), 30)
        subprocess.run(["pulseaudio", "--kill"], env=server.env, timeout=10)
        assert log.wait_for(lambda e: e["event"] in ("speech_lost", "listening_lost"), 15)
        time.sleep(1.0)
        process.communicate("q\n", timeout=60)
    finally:
        server.stop()
    err = (tmp_path / "stderr.txt").read_text()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    events = log.events()
    assert {"speech_lost", "listening_lost"} <= {e["event"] for e in events}
    assert [e["outcome"] for e in events if e["event"] == "session_end"] == ["stopped"]
    notes = [line for line in err.splitlines() if line.startswith("Note:")]
    assert notes and all(len(line) < 200 for line in notes)
    history = subprocess.run([sys.executable, "-m", "coach", "history", "--json"], capture_output=True, text=True,
                             env=coach_env(server, tmp_path, speech_cache), check=True)
    [session] = json.loads(history.stdout)
    assert session["outcome"] == "stopped"
