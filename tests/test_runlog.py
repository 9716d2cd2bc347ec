"""``--log FILE`` (issue #14, item 5): timestamped lines a cron job appends to.

The commands run through the CLI with the word-by-word test model; the log is read
back line by line and every field checked.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import run_cli

from pipeline.cli.runlog import document_results, field
from pipeline.steps.report import Problem, RunReport
from pipeline.steps.sources import Source

LINE = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) pipeline\[(?P<pid>\d+)\] "
    r"(?P<command>\w+) (?P<event>start|document|end)(?P<fields>( \w+=\S.*?)*)$"
)


FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def _fields(text: str) -> dict[str, str]:
    """logfmt fields: key=value, the value a JSON string when quoted."""
    assert FIELD.sub("", text).strip() == "", text  # nothing but fields
    return {
        key: json.loads(value) if value.startswith('"') else value
        for key, value in FIELD.findall(text)
    }


def _read(path: Path) -> list[tuple[str, str, dict[str, str], dt.datetime, int]]:
    """(command, event, fields, time, pid) of each line; every line must match."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = LINE.match(line)
        assert match, line
        moment = dt.datetime.strptime(match["time"], "%Y-%m-%dT%H:%M:%SZ")
        lines.append(
            (
                match["command"],
                match["event"],
                _fields(match["fields"]),
                moment.replace(tzinfo=dt.timezone.utc),
                int(match["pid"]),
            )
        )
    return lines


def test_a_batch_logs_start_each_document_and_end(workdir: Path, model_store: Path) -> None:
    Path("logs").mkdir()
    Path("second speech.txt").write_text("The peace process is fragile.\n", encoding="utf-8")
    Path("corrupt.txt").write_bytes(b"\x00\x01\x02 not text")
    began = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    result = run_cli("run", "--to", "fr", "--quiet", "--log", "logs/nightly.log")
    assert result.returncode == 2, result.stderr

    lines = _read(Path("logs/nightly.log"))
    assert [(command, event) for command, event, *_ in lines] == [
        ("run", "start"),
        *[("run", "document")] * 3,
        ("run", "end"),
    ]
    assert len({pid for *_, pid in lines}) == 1
    now = dt.datetime.now(dt.timezone.utc)
    assert all(began <= moment <= now for *_, moment, _ in lines)
    assert lines[0][2] == {"sources": "(whole project)", "documents": "3", "languages": "fr"}
    documents = {fields["name"]: fields for _, event, fields, *_ in lines if event == "document"}
    assert documents["transcript"] == {"name": "transcript", "status": "ok"}
    assert documents["second speech"]["status"] == "ok"
    assert documents["corrupt"]["status"] == "failed"
    assert documents["corrupt"]["problem"].endswith(
        "corrupt.txt: binary file (NUL byte at offset 0), not a transcript"
    )
    end = lines[-1][2]
    assert {k: end[k] for k in ("documents", "ok", "unchanged", "failed", "exit")} == {
        "documents": "3",
        "ok": "2",
        "unchanged": "0",
        "failed": "1",
        "exit": "2",
    }
    assert float(end["seconds"]) >= 0

    again = run_cli("extract", "transcript.txt", "--to", "fr", "--log", "logs/nightly.log")
    assert again.returncode == 0, again.stderr
    appended = _read(Path("logs/nightly.log"))[len(lines) :]
    assert [(c, e) for c, e, *_ in appended] == [
        ("extract", "start"),
        ("extract", "document"),
        ("extract", "end"),
    ]
    assert appended[1][2] == {"name": "transcript", "status": "unchanged"}  # built by `run`
    assert appended[0][2]["sources"] == "transcript.txt"
    assert appended[-1][2]["exit"] == "0" and "error" not in appended[-1][2]


def test_a_command_that_stops_logs_its_error_and_exit_status(
    workdir: Path, model_store: Path
) -> None:
    result = run_cli("publish", "--to", "xx", "--log", "run.log")
    assert result.returncode == 1
    (_, start, _, _, _), (_, end, fields, _, _) = _read(Path("run.log"))
    assert (start, end) == ("start", "end")
    assert fields["exit"] == "1"
    assert fields["error"] == result.stderr.removeprefix("error: ").strip()
    assert "unknown language code 'xx'" in fields["error"]


@pytest.mark.parametrize("where", ["missing/run.log", "."], ids=["no directory", "a directory"])
def test_a_log_that_cannot_be_written_stops_before_the_run(
    workdir: Path, model_store: Path, where: str
) -> None:
    result = run_cli("run", "--to", "fr", "--log", where)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: --log {where}: cannot write it (")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not Path("translations").exists() and not Path("output").exists()


def test_fields_are_quoted_when_they_need_it() -> None:
    assert field("name", "2019/nato") == "name=2019/nato"
    assert field("name", 'a "b" c') == r'name="a \"b\" c"'
    assert field("sources", "") == 'sources=""'
    assert field("problem", "x=y\tz") == r'problem="x=y\tz"'


def test_a_part_problem_fails_its_file_and_a_file_named_like_a_part_stays_itself() -> None:
    sources = [Source(Path("big.txt"), "big"), Source(Path("x.part-0001.txt"), "x.part-0001")]
    report = RunReport(documents=4)
    for document in ("big.part-0002", "big.part-0003", "x.part-0001"):
        report.problems.append(
            Problem(f"{document}.txt", 3, f"{document}: bad", "source", document)
        )
    results = document_results(report, sources)
    assert [(r.name, r.status, r.problems) for r in results] == [
        ("big", "failed", ("big.part-0002: bad", "big.part-0003: bad")),
        ("x.part-0001", "failed", ("x.part-0001: bad",)),
    ]
