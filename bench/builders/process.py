"""Run one build process, timing it and timestamping every output line as it arrives.

The timed span is the build process alone: from just before python-on-whales spawns it (lazily, on
the first `next()`) to the end of its output and exit. Nothing else (inspects, cleanup) is inside.
Recorded runs are saved as JSON lines so the parsers can be tested on real output with no engine.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.safe.output_cap import READ_LINE_BYTES, cut_bytes, last_lines

STDOUT = "stdout"
STDERR = "stderr"


@dataclass(frozen=True)
class OutputLine:
    """One line of build output: `t` is seconds since the process started (monotonic clock)."""

    t: float
    source: str
    data: bytes

    @property
    def text(self) -> str:
        """The line decoded for parsing, without its line ending."""
        return self.data.decode("utf-8", errors="replace").rstrip("\r\n")


@dataclass
class ProcessRun:
    """What one build process did: its command, output with arrival times, wall time and exit code."""

    argv: list[str]
    env: dict[str, str]
    lines: list[OutputLine]
    wall_s: float
    exit_code: int
    meta: dict[str, Any] = field(default_factory=dict)

    def texts(self, source: str | None = None) -> list[str]:
        """Decoded lines, of one stream or of both in arrival order."""
        return [line.text for line in self.lines if source is None or line.source == source]


Runner = Callable[[Sequence[str], Mapping[str, str]], ProcessRun]
"""Runs argv with extra environment variables; `run_timed`, or a replay of a recording in tests."""


def run_timed(argv: Sequence[str], env: Mapping[str, str]) -> ProcessRun:
    """Run `argv` through python-on-whales' streaming runner; never raises for a non-zero exit.

    `env` holds only the variables the harness sets; they are added to the inherited environment. Each
    line is kept cut to READ_LINE_BYTES (bench/safe/output_cap.py): a step that prints 50 MB on one line
    costs that much here only while the line is read.
    """
    from python_on_whales.exceptions import DockerException
    from python_on_whales.utils import stream_stdout_and_stderr

    stream = iter(stream_stdout_and_stderr(list(argv), env=dict(env)))
    lines: list[OutputLine] = []
    exit_code = 0
    start = time.monotonic()
    try:
        for source, data in stream:
            lines.append(OutputLine(time.monotonic() - start, source, cut_bytes(data, READ_LINE_BYTES)))
    except DockerException as exc:
        exit_code = exc.return_code
    wall_s = time.monotonic() - start
    return ProcessRun(list(argv), dict(env), lines, wall_s, exit_code)


def tail(texts: Iterable[str], count: int = 20) -> str:
    """The last `count` non-blank lines, joined: the part of a failed build's output worth keeping, bounded
    as every row field of tool output is (at most TAIL_LINES lines of LINE_BYTES:
    bench/safe/output_cap.py)."""
    return "\n".join(last_lines((text for text in texts if text.strip()), count))


def save_run(run: ProcessRun, path: str | Path) -> None:
    """Write a run as JSON lines: a header object, then one {t, source, line} object per line.

    Lines are decoded with `surrogateescape`, so bytes that are not UTF-8 survive the round trip.
    """
    header = {
        "argv": run.argv,
        "env": run.env,
        "wall_s": run.wall_s,
        "exit_code": run.exit_code,
        "meta": run.meta,
    }
    with Path(path).open("w", encoding="utf-8") as out:
        out.write(json.dumps(header) + "\n")
        for line in run.lines:
            text = line.data.decode("utf-8", errors="surrogateescape")
            out.write(json.dumps({"t": round(line.t, 6), "source": line.source, "line": text}) + "\n")


def load_run(path: str | Path) -> ProcessRun:
    """Read a run written by `save_run`."""
    with Path(path).open(encoding="utf-8") as source:
        header = json.loads(source.readline())
        lines = [
            OutputLine(item["t"], item["source"], item["line"].encode("utf-8", errors="surrogateescape"))
            for item in map(json.loads, source)
        ]
    return ProcessRun(
        header["argv"], header["env"], lines, header["wall_s"], header["exit_code"], header.get("meta", {})
    )
