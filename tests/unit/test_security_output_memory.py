"""Bounded build output in memory (issue 21, item 12): a build process's lines go to the parsers as they
arrive and the run keeps only a bounded tail, so what bench holds is the size of what the parsers keep,
not the size of what the build printed. Real processes (`python -c` printing the output, no Docker), the
real runner (bench/builders/process.py) and the real parsers and builders."""

from __future__ import annotations

import base64
import json
import sys
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from python_on_whales import DockerClient

from bench.builders.buildkit import BuildKitBuilder
from bench.builders.legacy_log import LegacyLogParser
from bench.builders.process import STDERR, LineConsumer, ProcessRun, run_timed
from bench.builders.records import BuildRequest, Outcome
from bench.safe.output_cap import LINE_BYTES, TAIL_LINES

pytestmark = pytest.mark.security

MB = 1024 * 1024
#: 200,000 lines of 1 KiB and one line of 50 MB: 250 MB printed.
PRINTED = 200_000 * 1024 + 50 * MB
#: The most traced memory a run may reach: far below what it printed (tracemalloc counts every Python
#: allocation of every thread, the runner's reader threads included).
PEAK_MAX = 20 * MB
#: The most bytes a run's kept lines may hold: TAIL_LINES lines of LINE_BYTES.
KEPT_MAX = TAIL_LINES * LINE_BYTES
FAILURE = "The command '/bin/sh -c make' returned a non-zero code: 2"

LEGACY_PRINTER = (
    "import sys\n"
    "w = sys.stdout.write\n"
    "w('Step 1/2 : FROM busybox\\n ---> 0123456789ab\\nStep 2/2 : RUN make\\n')\n"
    "line = 'x' * 1023 + '\\n'\n"
    "for _ in range(200_000):\n"
    "    w(line)\n"
    "sys.stdout.flush()\n"
    f"sys.stderr.write('a' * {50 * MB} + '\\n')\n"
    f"sys.stderr.write({FAILURE!r} + '\\n')\n"
    "sys.exit(2)\n"
)


def _traced(action: Callable[[], object]) -> tuple[object, int]:
    """What `action` returned and the peak of traced memory while it ran."""
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _kept_bytes(run: ProcessRun) -> int:
    return sum(len(line.data) for line in run.lines)


def test_a_run_printing_250_mb_keeps_a_bounded_tail_and_streams_to_the_parser() -> None:
    """The legacy parser reads every line as it arrives; the run keeps its last non-blank lines only."""
    parser = LegacyLogParser()
    run, peak = _traced(lambda: run_timed([sys.executable, "-c", LEGACY_PRINTER], {}, parser.feed))
    assert isinstance(run, ProcessRun)
    log = parser.finish(run.wall_s)
    kept = _kept_bytes(run)
    print(f"printed {PRINTED} bytes; kept {len(run.lines)} lines, {kept} bytes; peak {peak / MB:.1f} MB")
    assert run.exit_code == 2
    assert len(run.lines) <= TAIL_LINES and kept <= KEPT_MAX
    assert run.lines_dropped == 200_005 - len(run.lines), "every line went by, only the tail stayed"
    stderr = [line.text for line in run.lines if line.source == STDERR]
    assert stderr[-1] == FAILURE and "bytes cut" in stderr[-2] and len(stderr[-2].encode()) <= LINE_BYTES
    assert len(log.output) <= TAIL_LINES and sum(len(text.encode()) for text in log.output) <= KEPT_MAX
    assert [(step.name, step.error) for step in log.steps] == [("FROM busybox", None), ("RUN make", FAILURE)]
    assert log.steps[-1].completed_s == run.wall_s
    assert peak < PEAK_MAX, f"peak traced memory {peak / MB:.1f} MB for {PRINTED / MB:.0f} MB printed"


def _rawjson_printer(log_lines: int) -> str:
    """A stand-in for `buildx build --progress=rawjson` whose RUN step prints `log_lines` lines of 1 KiB
    (one log chunk of 32 lines per SolveStatus, as BuildKit batches them), then fails."""
    digest = "sha256:" + "1" * 64
    vertex = {"digest": digest, "name": "[build 2/2] RUN make", "started": "2026-01-01T00:00:00Z"}
    chunk = base64.b64encode(b"".join(b"%07d " % i + b"y" * 1015 + b"\n" for i in range(32))).decode()
    status = json.dumps({"vertexes": [vertex], "logs": [{"vertex": digest, "data": chunk}]}, indent=2)
    failed = dict(vertex, completed="2026-01-01T00:00:09Z", error="process did not complete: exit code: 2")
    end = json.dumps({"vertexes": [failed]}, indent=2)
    return (
        "import sys\n"
        "w = sys.stderr.write\n"
        f"status = {status + chr(10)!r}\n"
        f"for _ in range({log_lines // 32}):\n"
        "    w(status)\n"
        f"w({end + chr(10)!r})\n"
        "w('ERROR: failed to solve: process did not complete: exit code: 2\\n')\n"
        "sys.exit(1)\n"
    )


class _Substitute:
    """The real runner on another argv: the builder's own command, consumer and parsing, a fake build."""

    def __init__(self, script: str) -> None:
        self.script = script
        self.run: ProcessRun | None = None

    def __call__(
        self, argv: Sequence[str], env: Mapping[str, str], on_line: LineConsumer | None = None
    ) -> ProcessRun:
        self.run = run_timed([sys.executable, "-c", self.script], env, on_line)
        return self.run


def test_a_buildkit_build_streams_its_rawjson_into_a_bounded_record(tmp_path: Path) -> None:
    """BuildKitBuilder.build parses rawjson as it arrives: 200 MB of step logs leave a bounded record."""
    docker = tmp_path / "docker"
    docker.write_text("#!/bin/sh\nexit 99\n")
    docker.chmod(0o755)
    runner = _Substitute(_rawjson_printer(200_000))
    builder = BuildKitBuilder(DockerClient(context="bench", client_call=[str(docker)]), runner=runner)
    request = BuildRequest(str(tmp_path), str(tmp_path / "Dockerfile"), "bench/x:1")
    record, peak = _traced(lambda: builder.build(request))
    assert runner.run is not None
    kept = _kept_bytes(runner.run)
    print(f"kept {len(runner.run.lines)} lines, {kept} bytes; peak {peak / MB:.1f} MB")
    assert record.outcome is Outcome.FAILED and record.exit_code == 1  # type: ignore[attr-defined]
    assert [(s.name, s.stage, s.error) for s in record.steps] == [  # type: ignore[attr-defined]
        ("RUN make", "build", "process did not complete: exit code: 2")
    ]
    tail = record.error_tail.splitlines()  # type: ignore[attr-defined]
    assert tail[0] == "[build] RUN make: process did not complete: exit code: 2"
    assert tail[1].startswith("0000024 y") and tail[-1].startswith("ERROR: failed to solve")
    assert len(runner.run.lines) <= TAIL_LINES and kept <= KEPT_MAX
    assert peak < PEAK_MAX, f"peak traced memory {peak / MB:.1f} MB"
