"""The command line through click's CliRunner, with real files and a real history."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from coach.cli import main

GOOD = "title: Mine\nexercises:\n  - {name: Hug, hold: 5}\n"


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_list_shows_builtins_with_kind_and_minutes():
    result = invoke("list")
    assert result.exit_code == 0
    line = next(l for l in result.output.splitlines() if l.startswith("breathing-4-7-8"))
    assert "breathing" in line and "min" in line and "built-in" in line


def test_list_includes_user_routines_from_the_config_folder():
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "coach" / "routines"
    folder.mkdir(parents=True)
    (folder / "my-stretch.yaml").write_text(GOOD)
    result = invoke("list")
    assert any(l.startswith("my-stretch") and "yours" in l for l in result.output.splitlines())
    assert invoke("show", "my-stretch").exit_code == 0


def test_show_prints_cues_with_times():
    result = invoke("show", "pelvic-tilt-90-90")
    assert result.exit_code == 0
    assert "00:00  Let's begin: 90-90 pelvic tilt." in result.output


def test_show_json_is_the_compiled_timeline():
    data = json.loads(invoke("show", "dead-bug", "--json").output)
    assert data["routine"] == "dead-bug" and data["cues"][0]["at"] == 0


def test_unknown_routine_suggests_a_name_and_exits_1():
    result = CliRunner().invoke(main, ["show", "bird-dgo"])
    assert result.exit_code == 1
    assert result.output.strip() == 'Error: no routine named "bird-dgo"; did you mean "bird-dog"?'


def test_validate_reports_every_problem_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nexercises:\n  - {name: a, reps: ten}\n  - {name: b, hold: 0}\n")
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    result = CliRunner().invoke(main, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{good}: ok"
    assert lines[1] == f'{bad}:3: exercises[0].reps: must be a whole number from 1 to 50, got "ten"'
    assert lines[2].startswith(f"{bad}:4: exercises[1].hold: must be a number of seconds from 1 to 300")
    assert invoke("validate", str(good)).exit_code == 0


def test_run_of_a_bad_file_is_one_line_and_no_traceback(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("title: [oops\n")
    result = CliRunner().invoke(main, ["run", str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bad}:") and "Traceback" not in result.output


def test_run_a_whole_session_records_ratings_and_history():
    result = invoke("run", "pelvic-tilt-90-90", "--text", "--speed", "500", input="3\n" + "\n" * 5 + "\n")
    assert result.exit_code == 0, result.output
    assert "That's the end of the session" in result.output
    assert result.output.count("does not replace a doctor") == 1
    again = invoke("run", "pelvic-tilt-90-90", "--text", "--no-rating", "--speed", "500", input="\n")
    assert "does not replace a doctor" not in again.output
    history = json.loads(invoke("history", "--json").output)
    assert history[-1]["routine"] == "pelvic-tilt-90-90" and history[-1]["outcome"] == "completed"
    assert history[-1]["pain_before"] == 3


def test_bedtime_asks_no_rating_ends_quietly_and_counts_the_week():
    result = invoke("run", "breathing-4-7-8", "--text", "--bedtime", "--minutes", "1", "--speed", "500")
    assert result.exit_code == 0, result.output
    assert "How is your pain" not in result.output
    assert "That's the end of the session" not in result.output
    assert "Sessions this week (since Monday; completed, or a minute or more): 1." in result.output
    record = json.loads(invoke("history", "--json").output)[0]
    assert record["pain_before"] is None and record["outcome"] == "completed"


def test_bedtime_rating_when_asked_for():
    result = invoke("run", "breathing-4-7-8", "--text", "--bedtime", "--rating", "--speed", "500", input="4\n\n")
    assert "How is your pain" in result.output
    assert json.loads(invoke("history", "--json").output)[0]["pain_before"] == 4


def test_minutes_on_an_exercise_routine_is_one_line():
    result = invoke("run", "bird-dog", "--text", "--minutes", "5")
    assert result.exit_code == 1
    assert result.output == "Error: --minutes sets how long to breathe, and bird-dog has no breathing exercise\n"


def test_pain_key_records_the_event_and_says_the_warnings():
    result = invoke("run", "dead-bug", "--text", "--no-rating", "--speed", "100", input="\n" * 20 + "p\nq\n")
    assert "Get emergency help now" in result.output
    record = json.loads(invoke("history", "--json").output)[0]
    assert record["outcome"] == "pain" and len(record["pain_events"]) == 1
    assert "pain at" in invoke("history").output


def test_history_is_empty_at_first():
    assert "No sessions yet" in invoke("history").output


def test_warnings_lists_emergency_and_urgent_signs():
    output = invoke("warnings").output
    assert "Get emergency help now" in output and "urgent doctor's appointment" in output
    assert output.index("both legs") < output.index("high temperature")


def test_a_text_session_does_not_read_speech_settings_it_does_not_use():
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "coach" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[speech]\nvolume = 7\n")
    result = invoke("run", "pelvic-tilt-90-90", "--text", "--no-rating", "--speed", "500")
    assert result.exit_code == 0, result.output


def test_rate_and_volume_options_are_checked_before_anything_runs():
    result = CliRunner().invoke(main, ["run", "bird-dog", "--volume", "7"])
    assert result.exit_code == 2 and "'--volume': 7.0 is not in the range 0.0<=x<=1.0" in result.output


def test_data_dir_works_after_the_subcommand_too(tmp_path):
    result = invoke("run", "pelvic-tilt-90-90", "--text", "--no-rating", "--speed", "500",
                    "--data-dir", str(tmp_path / "mine"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mine" / "history.sqlite3").exists()
    assert json.loads(invoke("history", "--json", "--data-dir", str(tmp_path / "mine")).output)[0]["routine"] == \
        "pelvic-tilt-90-90"
    assert json.loads(invoke("--data-dir", str(tmp_path / "mine"), "history", "--json").output) != []
    assert json.loads(invoke("history", "--json").output) == []


def test_tones_on_a_routine_with_no_breathing_is_one_line():
    result = invoke("run", "bird-dog", "--text", "--tones")
    assert result.exit_code == 1
    assert result.output == "Error: --tones paces breaths, and bird-dog has no breathing exercise\n"


def test_version_has_a_short_flag():
    assert invoke("-V").output == invoke("--version").output
    assert invoke("-V").output.startswith("coach ")


def test_the_closing_line_is_a_sentence():
    result = invoke("run", "dead-bug", "--text", "--no-rating", "--speed", "100", input="\n" * 20 + "p\nq\n")
    assert "Session ended for pain. It is saved in your history" in result.output


def test_a_user_routine_with_a_builtins_name_is_one_row_marked_as_replacing_it():
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "coach" / "routines"
    folder.mkdir(parents=True)
    (folder / "bird-dog.yaml").write_text(GOOD)
    (folder / "aaa-first.yaml").write_text(GOOD)
    rows = invoke("list").output.splitlines()
    bird = [row for row in rows if row.startswith("bird-dog")]
    assert len(bird) == 1 and bird[0].endswith("yours, replaces the built-in")
    assert [row.split()[0] for row in rows] == sorted(row.split()[0] for row in rows)
    assert "Hug" in invoke("show", "bird-dog").output


def test_a_session_can_be_removed_from_history_after_a_confirmation():
    invoke("run", "dead-bug", "--text", "--no-rating", "--speed", "100", input="\n" * 20 + "p\nq\n")
    [record] = json.loads(invoke("history", "--json").output)
    kept = invoke("history", "--delete", str(record["id"]), input="n\n")
    assert "Remove this session from your history? [y/N]" in kept.output and "Nothing removed." in kept.output
    assert len(json.loads(invoke("history", "--json").output)) == 1
    removed = invoke("history", "--delete", str(record["id"]), input="y\n")
    assert f"Session {record['id']} removed." in removed.output
    assert json.loads(invoke("history", "--json").output) == []
    missing = invoke("history", "--delete", "99", "--yes")
    assert missing.exit_code == 1 and missing.output == \
        "Error: no session with id 99 in your history (see coach history --json)\n"


def test_shell_completion_offers_routine_names():
    import subprocess
    import sys

    env = {**os.environ, "_COACH_COMPLETE": "bash_complete", "COMP_WORDS": "coach run pel", "COMP_CWORD": "2"}
    done = subprocess.run([sys.executable, "-c", "from coach.cli import main; main(prog_name='coach')"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert "plain,pelvic-tilt-90-90" in done.stdout.splitlines()


def test_with_no_microphone_the_prompts_name_only_the_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/no-server")
    result = invoke("run", "pelvic-tilt-90-90", "--text", "--no-rating", "--speed", "500")
    assert result.exit_code == 0, result.output
    assert "going on with keys" in result.output
    assert "say pain" not in result.output and "If something hurts, press p at any time." in result.output


def test_help_summaries_are_whole_sentences_that_fit():
    commands = invoke("--help").output.split("Commands:")[1].splitlines()
    assert all(not line.endswith("...") and len(line) <= 80 for line in commands)
    assert any(line.split()[:1] == ["doctor"] for line in commands)


def test_history_says_a_missing_rating_in_words():
    invoke("run", "pelvic-tilt-90-90", "--text", "--no-rating", "--speed", "500")
    assert "no pain ratings" in invoke("history").output and "->" not in invoke("history").output
