"""The `coach` command: parses arguments, wires parts together, maps CoachError to exit codes."""

from __future__ import annotations

import contextlib
import json
import sys

import click

from coach.errors import CoachError


ENDINGS = {"completed": "Session completed.", "stopped": "Session stopped.",
           "pain": "Session ended for pain.", "interrupted": "Session interrupted."}


class CoachGroup(click.Group):
    """Turns CoachError into `Error: ...`, and Ctrl-C, SIGTERM and SIGHUP into 130, 143 and 129."""

    def invoke(self, ctx: click.Context):
        from coach.signals import ending_signals_interrupt, exit_code

        try:
            with ending_signals_interrupt():
                return super().invoke(ctx)
        except CoachError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt as interrupt:
            with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
                click.echo("\nInterrupted: the session is saved in your history as interrupted.", err=True)
            ctx.exit(exit_code(interrupt))


@click.group(cls=CoachGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "-V", "--version", package_name="coach", message="coach %(version)s")
@click.option("--data-dir", envvar="COACH_DATA_DIR", type=click.Path(file_okay=False),
              help="Where history is kept (default: your user data folder).")
@click.pass_context
def main(ctx: click.Context, data_dir: str | None) -> None:
    """coach: an offline, voice-guided exercise coach for back pain.

    coach does not diagnose and does not replace a doctor or physiotherapist.
    Stop any exercise that makes your symptoms worse or causes new pain.
    """
    ctx.obj = {"data_dir": data_dir}


def _routine_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of routine names (click's completion: see README, "Shell completion")."""
    from coach.catalog import entries

    return [entry.name for entry in entries() if entry.name.startswith(incomplete)]


def _data_dir_here(ctx: click.Context, _param, value: str | None) -> None:
    if value:
        ctx.ensure_object(dict)["data_dir"] = value


data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False), expose_value=False, callback=_data_dir_here,
    help="Where history is kept (the same as `coach --data-dir DIR ...`).")


@main.command("list")
@click.option("--kind", type=click.Choice(["exercise", "breathing"]), help="Only routines of this kind.")
@click.option("--max-minutes", type=click.FloatRange(0, min_open=True), help="Only routines this long or shorter.")
def list_routines(kind: str | None, max_minutes: float | None) -> None:
    """List built-in and your own routines."""
    from coach.catalog import load_all
    from coach.timeline import build_timeline

    for entry, routine in load_all():
        where = "built-in" if entry.builtin else "yours, replaces the built-in" if entry.replaces_builtin else "yours"
        if isinstance(routine, CoachError):
            if kind is None and max_minutes is None:
                click.echo(f"{entry.name:<22} {'(has problems: run coach validate ' + str(entry.path) + ')'}")
            continue
        minutes = build_timeline(routine).duration / 60
        if (kind and routine.kind.value != kind) or (max_minutes and minutes > max_minutes):
            continue
        click.echo(f"{routine.name:<22} {routine.title:<28} {routine.kind.value:<10} "
                   f"{minutes:4.1f} min  {where}")


@main.command()
@click.argument("routine", shell_complete=_routine_names)
@click.option("--json", "as_json", is_flag=True, help="Print the compiled timeline as JSON.")
def show(routine: str, as_json: bool) -> None:
    """Show ROUTINE's cue script with times, as it will be spoken."""
    from coach.catalog import resolve
    from coach.hands_free import LISTENING
    from coach.terminal import KEY_HELP
    from coach.timeline import build_timeline

    chosen = resolve(routine)
    timeline = build_timeline(chosen)
    if as_json:
        click.echo(json.dumps(timeline.to_json(), indent=2))
        return
    click.echo(f"{timeline.title}  ({_mmss(timeline.duration)})")
    for cue in timeline.cues:
        click.echo(f"{_mmss(cue.at)}  {cue.text}")
    click.echo(f"\nDuring the session: {LISTENING.removeprefix('Listening: ')}\nOr use the {KEY_HELP}.")
    click.echo("\nSources:")
    for line in _source_lines(chosen):
        click.echo(line)


def _source_lines(routine) -> list[str]:
    """Each exercise's source, then the routine's sources that no exercise names."""
    named = {}
    for exercise in routine.exercises:
        if exercise.source:
            named.setdefault(exercise.name, exercise.source)
    lines = [f"  {name}: {source.title}, {source.url}" for name, source in named.items()]
    rest = [s for s in routine.sources if s not in named.values()]
    label = "Also" if named else "All exercises"
    return lines + [f"  {label}: {source.title}, {source.url}" for source in rest]


@main.command(short_help="Check routine files and print every problem.")
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    """Check routine FILES; print every problem as FILE:LINE: field: message."""
    from coach.errors import RoutineError
    from coach.loader import load_routine

    failed = False
    for file in files:
        try:
            load_routine(file)
            click.echo(f"{file}: ok")
        except RoutineError as error:
            failed = True
            click.echo(str(error))
    sys.exit(1 if failed else 0)


@main.command(short_help="Run a session of a routine, hands-free.")
@click.argument("routine", required=False, shell_complete=_routine_names)
@click.option("--last", is_flag=True, help="Run the routine of your last session.")
@click.option("--exercise", metavar="NAME", help="Run only this exercise of the routine (see coach show).")
@click.option("--rating/--no-rating", default=None,
              help="Ask for a 0-10 pain rating at the start and end (default: yes, except at bedtime).")
@click.option("--bedtime", is_flag=True, help="Slower, softer voice that fades; sparser cues; a quiet end.")
@click.option("--minutes", type=click.FloatRange(1, 180), help="Breathe for this many minutes, then fall silent.")
@click.option("--tones", is_flag=True, help="Pace breaths with soft tones instead of words.")
@click.option("--text", is_flag=True, help="Follow the session on screen only, with no sound.")
@click.option("--no-listen", is_flag=True, help="Do not open the microphone; keys only.")
@click.option("--microphone", help="PulseAudio source to listen on (default: the default input).")
@click.option("--no-personal", is_flag=True, help="Do not use the voice learned by `coach learn`.")
@click.option("--voice", help="eSpeak NG voice id (see `coach voices`).")
@click.option("--rate", type=click.IntRange(80, 300), help="Speech rate in words per minute (80-300, default 160).")
@click.option("--volume", type=click.FloatRange(0.0, 1.0), help="Speech volume from 0.0 to 1.0.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Write events as JSON lines.")
@click.option("--turns-log", type=click.Path(dir_okay=False),
              help="Write what the microphone heard and who had the floor, as JSON lines (for replay).")
@click.option("--speed", type=click.FloatRange(0.1, 1000), default=1.0, hidden=True,
              help="Run the clock faster (for demos and tests).")
@data_dir_option
@click.pass_context
def run(ctx: click.Context, routine: str | None, last: bool, exercise: str | None, rating: bool | None,
        bedtime: bool, minutes: float | None, tones: bool, text: bool, no_listen: bool, microphone: str | None,
        no_personal: bool, voice: str | None, rate: int | None, volume: float | None,
        log_path: str | None, turns_log: str | None, speed: float) -> None:
    """Run a session of ROUTINE (a name from `coach list`, or a YAML file). With no ROUTINE, a
    short menu is shown and said: choose by number or name, by voice or keys.

    Say pause, resume, next, back, repeat, stop or pain at any time, or use the keys:
    space pause/resume, n next, b back, r repeat, q stop, p pain.
    """
    from coach.app import (RunOptions, choose_routine, data_dir, last_routine, next_suggestion, run_session,
                           week_line)
    from coach.audio.tts import VoiceSettings
    from coach.catalog import resolve
    from coach.content import NO_CHOICE
    from coach.selection import only_exercise
    from coach.settings import config_path, suggest_next, voice_settings
    from coach.terminal import Console
    from coach.timeline import TimelineOptions

    if routine and last:
        raise click.UsageError("give a ROUTINE or --last, not both")
    folder = data_dir(ctx.obj["data_dir"])
    settings = VoiceSettings() if text else voice_settings(config_path(), voice, rate, volume)  # --text says nothing
    suggest = suggest_next(config_path())
    console = Console()
    menu = RunOptions(folder, text_only=text, voice=settings, speed=speed, microphone=microphone,
                      timeline=TimelineOptions(listening=not no_listen))
    if routine or last:
        chosen = resolve(last_routine(folder) if last else routine)
    else:
        chosen = choose_routine(menu, console, sys.stderr)
    if chosen is None:
        click.echo(NO_CHOICE)
        return
    if exercise:
        chosen = only_exercise(chosen, exercise)
    bedtime = bedtime or chosen.bedtime
    options = RunOptions(folder, rating if rating is not None else not bedtime, log_path,
                         speed, text, settings.for_bedtime() if bedtime else settings,
                         timeline=TimelineOptions(bedtime, minutes, tones, listening=not no_listen),
                         microphone=microphone, personal=not no_personal, turns_log=turns_log)
    result = run_session(chosen, options, console, sys.stderr)
    for notice in result.notices:
        click.echo(f"Note: {notice}", err=True)
    if result.unsaved:
        raise CoachError(f"session {result.outcome.value}, but it could not be saved in your history: {result.unsaved}")
    click.echo(f"{ENDINGS[result.outcome.value]} It is saved in your history (coach history).")
    click.echo(week_line(options.data_dir))
    if result.outcome.value == "completed" and suggest:
        following = next_suggestion(folder, chosen.name)
        if following:
            click.echo(f"If you would like another, you could run: coach run {following}")


@main.command()
def voices() -> None:
    """List the installed eSpeak NG voices for --voice."""
    from coach.app import installed_voices

    for voice_id, name, languages in installed_voices():
        click.echo(f"{voice_id:<28} {name:<32} {languages}")


@main.command(short_help="Show recent sessions, pain ratings and the trend.")
@click.option("--json", "as_json", is_flag=True, help="Print sessions as JSON.")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True)
@click.option("--delete", "delete_id", type=int, metavar="ID",
              help="Remove the session with this id (see --json) and its pain events, after asking.")
@click.option("--yes", is_flag=True, help="With --delete: do not ask.")
@data_dir_option
@click.pass_context
def history(ctx: click.Context, as_json: bool, limit: int, delete_id: int | None, yes: bool) -> None:
    """Show recent sessions, pain before and after, pain events and the trend."""
    from coach.app import data_dir, open_history
    from coach.progress import pain_trend

    store = open_history(data_dir(ctx.obj["data_dir"]))
    try:
        if delete_id is not None:
            _delete_session(store, delete_id, yes)
            return
        records = store.recent(limit)
    finally:
        store.close()
    if store.notice:
        click.echo(store.notice, err=True)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in records], indent=2))
        return
    if not records:
        click.echo("No sessions yet. Start one with: coach run pelvic-tilt-90-90")
    for r in records:
        click.echo(_history_line(r))
    trend = pain_trend(records[::-1])
    if trend:
        click.echo(trend)


@main.command(short_help="Draw a picture (PNG) of your progress.")
@click.option("-o", "--out", default="coach-report.png", show_default=True, type=click.Path(dir_okay=False),
              help="Where to write it: PNG, or the format its extension names (.pdf, .svg).")
@data_dir_option
@click.pass_context
def report(ctx: click.Context, out: str) -> None:
    """Draw a PNG of pain ratings over time, sessions per week and pain events."""
    from coach.report import write_report

    click.echo(f"Report written to {write_report(_sessions(ctx), out)}")


@main.command(short_help="Write every session and pain event as CSV.")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV (the default and only format).")
@click.option("-o", "--out", default="-", type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write (default: standard output).")
@data_dir_option
@click.pass_context
def export(ctx: click.Context, as_csv: bool, out: str) -> None:
    """Export every session and pain event: one row each, opening in any spreadsheet."""
    from coach.export import write_csv

    records = _sessions(ctx)
    if out == "-":
        write_csv(records, sys.stdout)
        return
    try:
        with open(out, "w", encoding="utf-8", newline="") as file:
            rows = write_csv(records, file)
    except OSError as error:
        raise CoachError(f"cannot write {out}: {error.strerror or error}") from None
    click.echo(f"{rows} rows written to {out}")


def _sessions(ctx: click.Context) -> list:
    """Every session in the history, oldest first."""
    from coach.app import data_dir, open_history

    store = open_history(data_dir(ctx.obj["data_dir"]))
    try:
        return store.all_sessions()
    finally:
        store.close()
        if store.notice:
            click.echo(store.notice, err=True)


def _delete_session(store, session_id: int, yes: bool) -> None:
    record = store.session(session_id)
    if record is None:
        raise CoachError(f"no session with id {session_id} in your history (see coach history --json)")
    click.echo(_history_line(record))
    if not yes and not click.confirm("Remove this session from your history?", default=False):
        click.echo("Nothing removed.")
        return
    store.delete(session_id)
    click.echo(f"Session {session_id} removed.")


def _ratings(before: int | None, after: int | None) -> str:
    if before is not None and after is not None:
        return f"pain {before} -> {after}"
    if before is not None:
        return f"pain {before} before"
    return f"pain {after} after" if after is not None else "no pain ratings"


def _history_line(record) -> str:
    line = (f"{record.started_at:%Y-%m-%d %H:%M}  {record.routine:<20} {_mmss(record.seconds):>6}  "
            f"{record.outcome.value:<11} {_ratings(record.pain_before, record.pain_after)}")
    for pain in record.pain_events:
        line += f"\n    pain at {_mmss(pain.at_seconds)}" + (f" during {pain.exercise}" if pain.exercise else "")
    return line


@main.command(short_help="Print the commands heard in audio files.")
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per detection: file, command, time.")
@click.option("--no-personal", is_flag=True, help="Do not use the voice learned by `coach learn`.")
@data_dir_option
@click.pass_context
def detect(ctx: click.Context, files: tuple[str, ...], as_json: bool, no_personal: bool) -> None:
    """Stream audio FILES through the live recognizer and print each command heard.

    The time is the audio consumed when the command was heard. WAV of any width (8, 16, 24,
    32-bit, float), FLAC and OGG are read; other rates and channel counts are converted to 16 kHz
    mono. A file that cannot be read is reported and skipped.
    """
    from coach.app import data_dir, detect_in_files

    failed = False
    for file, detections in detect_in_files(data_dir(ctx.obj["data_dir"]), files, not no_personal):
        if isinstance(detections, str):
            click.echo(f"Error: {detections}", err=True)
            failed = True
            continue
        for heard in detections:
            if as_json:
                click.echo(json.dumps({"file": file, "command": heard.command.value, "time": round(heard.time, 3)}))
            else:
                click.echo(f"{file}\t{heard.time:7.2f} s\t{heard.command.value}\t(heard \"{heard.text}\")")
        if not detections and not as_json:
            click.echo(f"{file}: no command heard")
    sys.exit(1 if failed else 0)


@main.command(short_help="Check your microphone: print each command heard.")
@click.option("--microphone", "--device", "device", help="PulseAudio source to listen on (default: the default input).")
@click.option("--seconds", type=click.FloatRange(0.1), hidden=True, help="Stop after this long (for tests).")
@click.option("--no-personal", is_flag=True, help="Do not use the voice learned by `coach learn`.")
@data_dir_option
@click.pass_context
def listen(ctx: click.Context, device: str | None, seconds: float | None, no_personal: bool) -> None:
    """Listen to the microphone and print each command heard, with a level meter.

    Use it to check your microphone and room before a session. Ctrl-C ends it.
    """
    from coach.app import data_dir, listen_to_microphone

    listen_to_microphone(data_dir(ctx.obj["data_dir"]), device, seconds, not no_personal, click.get_text_stream("stdout"))


@main.command(short_help="Teach coach your voice, in about a minute.")
@click.option("--from", "source", type=click.Path(exists=True, file_okay=False),
              help="Learn from audio files in this folder (pause-1.wav, ..., other-1.wav) instead of the microphone.")
@click.option("--status", "show_status", is_flag=True, help="Say when your voice was learned, and from what.")
@click.option("--forget", "forget_it", is_flag=True, help="Remove your learned voice, and any audio kept.")
@click.option("--keep-audio", is_flag=True, help="Also keep the takes' audio (to learn again later).")
@click.option("--takes", type=click.IntRange(2, 5), default=3, show_default=True,
              help="Takes of each command asked for at the microphone.")
@click.option("--microphone", help="PulseAudio source to listen on (default: the default input).")
@data_dir_option
@click.pass_context
def learn(ctx: click.Context, source: str | None, show_status: bool, forget_it: bool, keep_audio: bool,
          takes: int, microphone: str | None) -> None:
    """Teach coach your voice: say each command three times, talk for 20 seconds, then be quiet
    for 10. coach keeps only numbers made from the sound (no audio, unless --keep-audio), in
    your data folder; its shipped model stays as it is."""
    from pathlib import Path

    from coach import teach
    from coach.app import data_dir

    if sum([bool(source), show_status, forget_it]) > 1:
        raise click.UsageError("give one of --from, --status and --forget")
    folder = data_dir(ctx.obj["data_dir"])
    out = click.get_text_stream("stdout")
    if show_status:
        teach.status(folder, out)
    elif forget_it:
        teach.forget(folder, out)
    elif source:
        teach.learn_from_folder(Path(source), folder, keep_audio, out)
    else:
        try:
            teach.learn_by_voice(folder, keep_audio, microphone, out, takes)
        except KeyboardInterrupt:  # not a session: the group's message would say one was saved
            click.echo("\nStopped: nothing learned; a voice learned before is kept as it was.", err=True)
            ctx.exit(130)


@main.command(short_help="Check that a hands-free session can run here.")
@data_dir_option
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check, in order, eSpeak NG, the sound server, a speaker (a short tone), a microphone
    (its level for 2 s), the echo canceller, the recognizer's model, the history file and the
    cache and config folders; print the fix for each failure. Exit 0 only when a hands-free
    session can run."""
    from coach.app import data_dir
    from coach.audio.cache import default_folder
    from coach.doctor import run_checks
    from coach.settings import config_path

    failed = False
    for finding in run_checks(data_dir(ctx.obj["data_dir"]), default_folder(), config_path()):
        click.echo(finding.line())
        failed = failed or finding.status == "fail"
    click.echo("A hands-free session cannot run yet: see the fixes above." if failed else
               "Ready for a hands-free session.")
    sys.exit(1 if failed else 0)


@main.command()
def warnings() -> None:
    """Print the warning signs that need urgent or emergency care."""
    from coach.content import warnings_text

    click.echo(warnings_text())


def _mmss(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"
