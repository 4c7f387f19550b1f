"""Bounded output (issue 21, item 12): a build that prints 50 MB on one line, or a million lines, puts its
last TAIL_LINES lines of at most LINE_BYTES each into the row, and no more into memory than the parsers
need. Real processes (a shell printing the output), the real builders' record functions, real rows."""

from __future__ import annotations

import base64
import json
import sys

import pytest
from fakes import stored_row

from bench.builders.buildkit import buildkit_record
from bench.builders.legacy import legacy_record
from bench.builders.legacy_log import LegacyLogParser, parse_legacy_log
from bench.builders.process import STDERR, STDOUT, OutputLine, ProcessRun, run_timed
from bench.builders.rawjson import RawJsonParser
from bench.store.rows import StepRow

pytestmark = pytest.mark.security

BIG = 50 * 1024 * 1024
#: What TAIL_LINES (50) lines of LINE_BYTES (2 KiB) come to, with room for JSON escapes: the most one
#: field of tool output may hold.
FIELD_MAX = 50 * 2048 * 2
CAUSE = "write /var/lib/docker/x: no space left on device"


def _shell(script: str, parser: LegacyLogParser) -> ProcessRun:
    return run_timed([sys.executable, "-c", script], {}, parser.feed)


def test_a_50_mb_line_of_a_failed_legacy_build_is_not_kept(tmp_path) -> None:
    """A real process prints Step lines, one line of 50 MB and the legacy builder's error, then fails."""
    parser = LegacyLogParser()
    run = _shell(
        "import sys\n"
        "print('Step 1/2 : FROM busybox'); print('Step 2/2 : RUN make')\n"
        f"sys.stdout.write('a' * {BIG} + '\\n'); sys.stdout.flush()\n"
        "sys.stderr.write(\"The command '/bin/sh -c make' returned a non-zero code: 2\\n\"); sys.exit(2)\n",
        parser,
    )
    assert run.exit_code == 2
    assert max(len(line.data) for line in run.lines) <= 256 * 1024, "not 50 MB in memory"
    record = legacy_record(run, log=parser.finish(run.wall_s))
    assert record.error_tail is not None and len(record.error_tail.encode()) <= FIELD_MAX
    assert "returned a non-zero code: 2" in record.error_tail  # the streams interleave as they arrive
    assert "bytes cut" in record.error_tail
    row = json.dumps(stored_row(outcome="failed", error_tail=record.error_tail).to_json())
    assert len(row) < FIELD_MAX + 4096, "builds.jsonl gets a bounded row"


def test_a_million_lines_keep_only_the_tail() -> None:
    lines = [OutputLine(0.0, STDOUT, b"Step 1/1 : RUN yes")]
    lines += [OutputLine(0.1, STDOUT, f"line {i}".encode()) for i in range(1_000_000)]
    lines += [OutputLine(0.2, STDERR, b"the last word")]
    log = parse_legacy_log(lines)
    assert len(list(log.output)) <= 50 and list(log.output)[-1] == "the last word"
    assert [step.name for step in log.steps] == ["RUN yes"]


def _rawjson(digest: str, name: str, error: str, logs: list[str]) -> list[str]:
    status = {
        "vertexes": [
            {
                "digest": digest,
                "name": name,
                "started": "2026-01-01T00:00:00Z",
                "completed": "2026-01-01T00:00:01Z",
                "error": error,
            }
        ],
        "logs": [{"vertex": digest, "data": base64.b64encode(text.encode()).decode()} for text in logs],
    }
    return json.dumps(status, indent=2).splitlines()


def test_a_failed_buildkit_build_keeps_a_bounded_tail_with_the_cause() -> None:
    long_error = "process did not complete: " + "x" * 200_000 + " " + CAUSE
    logs = ["".join(f"log line {i}\n" for i in range(20_000)), "y" * 300_000 + "\n"]
    text = _rawjson("sha256:1", "[build 2/2] RUN make", long_error, logs)
    stderr = [*text, *(f"plain {i}" for i in range(10_000)), "ERROR: failed to solve: " + long_error]
    run = ProcessRun(["buildx"], {}, [OutputLine(0.0, STDERR, line.encode()) for line in stderr], 1.0, 1)
    record = buildkit_record(run)
    assert len(record.error_tail.encode()) <= FIELD_MAX
    assert record.error_tail.endswith(CAUSE), "the end of a long error chain is kept: the cause"
    step_error = StepRow(
        run_id="r", seq=0, cell="c", builder="buildkit", index=0, name="n", error=record.steps[0].error
    ).error
    assert len(step_error.encode()) <= 2048 and step_error.endswith(CAUSE)


def test_the_parser_keeps_bounded_text_and_logs() -> None:
    parser = RawJsonParser()
    for i in range(100_000):
        parser.feed(0.0, f"plain line {i}")
    for line in _rawjson("sha256:2", "RUN x", "", ["z\n" * 100_000]):
        parser.feed(0.0, line)
    assert len(list(parser.text_lines)) <= 50
    assert len(list(parser._vertices["sha256:2"].logs)) <= 50


def test_every_row_field_of_tool_output_is_capped() -> None:
    huge = "\n".join(f"{i} " + "e" * 5000 for i in range(10_000)) + "\n" + CAUSE
    row = stored_row(
        outcome="failed",
        error_tail=huge,
        goss_error=huge,
        image_files_error=huge,
        audit_error=huge,
        clone_error=huge,
        goss_failures=[huge] * 1000,
    ).to_json()
    for field in ("error_tail", "goss_error", "image_files_error", "audit_error", "clone_error"):
        assert len(row[field].encode()) <= FIELD_MAX, field
        assert row[field].endswith(CAUSE) and row[field].count("\n") < 50, field
    assert len(row["goss_failures"]) == 50
    assert all(len(item.encode()) <= FIELD_MAX for item in row["goss_failures"])
    assert len(json.dumps(row)) < 60 * FIELD_MAX


def test_buildx_metadata_is_bounded_naming_what_it_dropped(tmp_path) -> None:
    from bench.builders.metadata import read_metadata

    warnings = [{"detail": base64.b64encode(b"w" * 4000).decode()} for _ in range(1000)]
    path = tmp_path / "metadata.json"
    path.write_text(json.dumps({"containerimage.digest": "sha256:abc", "buildx.build.warnings": warnings}))
    kept = read_metadata(path)
    assert kept is not None and len(kept.encode()) <= 50 * 2048
    assert json.loads(kept) == {
        "containerimage.digest": "sha256:abc",
        "bench.dropped": ["buildx.build.warnings"],
    }
