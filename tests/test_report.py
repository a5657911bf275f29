"""coach report, export and history on a real SQLite history holding a generated year of sessions."""

from __future__ import annotations

import csv
import io
import os
import struct
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.history import History
from coach.report import SIZE, write_report
from tests.sample_history import fill_year


@pytest.fixture
def year() -> int:
    history = History(Path(os.environ["COACH_DATA_DIR"]) / "history.sqlite3")
    try:
        return fill_year(history)
    finally:
        history.close()


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_report_writes_a_png_of_the_stated_size(year, tmp_path):
    out = tmp_path / "report.png"
    result = invoke("report", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert png_size(out) == SIZE
    assert out.stat().st_size > 20_000  # three panels of drawn data, not an empty canvas


def test_a_year_of_sessions_is_drawn_in_under_a_second_of_cpu(year, tmp_path):
    history = History(Path(os.environ["COACH_DATA_DIR"]) / "history.sqlite3")
    records = history.all_sessions()
    write_report(records[:5], tmp_path / "warm-up.png")  # matplotlib's one-off import and font cache
    started = time.process_time()  # CPU time: a busy machine does not inflate it
    write_report(records, tmp_path / "year.png")
    assert time.process_time() - started < 1.0
    assert len(records) == year > 200


def test_report_with_no_history_is_one_line_and_exit_1(tmp_path):
    result = invoke("report", "-o", str(tmp_path / "r.png"))
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: no sessions yet")
    assert not (tmp_path / "r.png").exists()


def test_report_into_a_missing_folder_is_one_line(year, tmp_path):
    result = invoke("report", "-o", str(tmp_path / "no" / "such" / "r.png"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write the report")


def test_csv_has_a_row_per_session_and_pain_event(year, tmp_path):
    out = tmp_path / "all.csv"
    assert invoke("export", "--csv", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    sessions = [r for r in rows if r["record"] == "session"]
    pains = [r for r in rows if r["record"] == "pain_event"]
    assert len(sessions) == year
    assert pains and all(p["outcome"] == "" and float(p["pain_at_seconds"]) > 0 for p in pains)
    assert {s["session_id"] for s in sessions} >= {p["session_id"] for p in pains}
    assert all(0 <= int(s["pain_before"]) <= 10 for s in sessions)


def test_export_writes_csv_by_default(year):
    result = CliRunner().invoke(main, ["export"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("record,session_id")


def test_a_report_in_an_unknown_format_is_one_line_naming_the_formats(year, tmp_path):
    result = invoke("report", "-o", str(tmp_path / "out.txt"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write a report as .txt: use one of ") and ".pdf" in result.output
    assert result.output.count("\n") == 1 and not (tmp_path / "out.txt").exists()


def test_a_report_with_no_extension_says_the_file_it_wrote(year, tmp_path):
    result = invoke("report", "-o", str(tmp_path / "myreport"))
    assert result.output == f"Report written to {tmp_path / 'myreport.png'}\n"
    assert png_size(tmp_path / "myreport.png") == (1000, 800)


def test_history_shows_before_and_after_and_a_trend(year):
    result = invoke("history", "--limit", "30")
    lines = result.output.splitlines()
    assert len([l for l in lines if " pain " in l and "->" in l]) == 30
    assert lines[-1].startswith("Pain before sessions, oldest to newest: ")


def test_export_to_a_missing_folder_is_one_line(year, tmp_path):
    result = invoke("export", "--csv", "-o", str(tmp_path / "no" / "x.csv"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write") and "No such file" in result.output
