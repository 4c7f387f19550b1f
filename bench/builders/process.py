"""Run one build process, timing it and handing every output line, timestamped on arrival, to a parser.

The timed span is the build process alone: from just before it is spawned to the end of its output and
its exit. Nothing else (inspects, cleanup) is inside. Two reader threads read stdout and stderr and stamp
each line as it arrives; this thread hands the lines, in arrival order, to the consumer the builder gives
(`on_line`: its parser's `feed`), so the parser's own time neither shifts a line's time nor, unless it lags
more than QUEUE_BYTES behind the build, the end of the span.

Memory stays bounded whatever the build prints (issue 21 item 12, bench/safe/output_cap.py): a line is cut to
READ_LINE_BYTES while it is read, lines waiting for the consumer hold at most QUEUE_BYTES (a lagging parser
makes the readers wait, and the build once its pipe is full, rather than memory grow), and the run keeps
only its last TAIL_LINES non-blank lines (`ProcessRun.lines`), for the error text. A parser keeps what it
needs as the lines go by. Only a recording (tests/fixtures/builds/record.py) keeps every line
(`keep_all=True`); saved as JSON lines, it is replayed through the same path (`replay_run`), so the
parsers are tested on real output with no engine.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from bench.safe.output_cap import LINE_BYTES, READ_LINE_BYTES, TAIL_LINES, LineCutter, cut_line, last_lines

STDOUT = "stdout"
STDERR = "stderr"
#: Bytes of output lines read but not yet handed to the consumer: bursts of output while the parser
#: catches up (a lagging parser is the only cost of a deeper queue, in memory).
QUEUE_BYTES = 4 * 1024 * 1024
#: What one waiting line costs beyond its bytes (the OutputLine and bytes objects), so that a flood of
#: empty lines is bounded too.
_LINE_COST = 200


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


LineConsumer = Callable[[OutputLine], None]
"""Takes each output line as it arrives: a parser's `feed`."""


@dataclass
class ProcessRun:
    """What one build process did: its command, output lines with arrival times, wall time and exit code.

    `lines` is every line of a recording (`load_run`, `run_timed(keep_all=True)`); of a streamed run
    (`tail_only`), the last TAIL_LINES non-blank lines, each cut to LINE_BYTES (the parsers saw all of
    them whole as they came), and `lines_dropped` says how many others went by.
    """

    argv: list[str]
    env: dict[str, str]
    lines: list[OutputLine]
    wall_s: float
    exit_code: int
    meta: dict[str, Any] = field(default_factory=dict)
    lines_dropped: int = 0
    tail_only: bool = False

    def texts(self, source: str | None = None) -> list[str]:
        """Decoded lines, of one stream or of both in arrival order."""
        return [line.text for line in self.lines if source is None or line.source == source]

    def all_lines(self) -> list[OutputLine]:
        """Every output line, for parsing a recording after the fact; a streamed run has only its tail."""
        if self.tail_only:
            raise ValueError(
                f"this run kept its last {len(self.lines)} lines only, cut ({self.lines_dropped} went by): "
                "parse it while it runs (run_timed's on_line), or record it with keep_all=True"
            )
        return self.lines


class Runner(Protocol):
    """Runs argv with extra environment variables, handing each output line to `on_line` as it arrives:
    `run_timed`, or a replay of a recording (`replay_run`) in tests."""

    def __call__(
        self, argv: Sequence[str], env: Mapping[str, str], on_line: LineConsumer | None = None
    ) -> ProcessRun: ...


def _blank(data: bytes) -> bool:
    """Whether the line's text is blank, decoding it only when its first byte that is not ASCII
    whitespace is not a printable ASCII character either (the text is then blank or not as Python
    says: U+00A0 and its kind are blank)."""
    stripped = data.strip()
    if not stripped or 0x21 <= stripped[0] <= 0x7E:
        return not stripped
    return not data.decode("utf-8", errors="replace").strip()


class _Sink:
    """Where each line goes: to the consumer, and into the run's bounded tail (or all of it, recording)."""

    def __init__(self, on_line: LineConsumer | None, keep_all: bool) -> None:
        self.tail_only = not keep_all
        self._on_line = on_line
        self._all: list[OutputLine] | None = [] if keep_all else None
        self._tail: deque[OutputLine] = deque(maxlen=TAIL_LINES)
        self.dropped = 0

    def take(self, line: OutputLine) -> None:
        if self._on_line is not None:
            self._on_line(line)
        if self._all is not None:
            self._all.append(line)
            return
        if _blank(line.data):  # every reader of the tail drops blank lines (`tail`)
            self.dropped += 1
            return
        if len(self._tail) == TAIL_LINES:
            self.dropped += 1
        if len(line.data) > LINE_BYTES:  # as `tail` would cut it: the same text, 2 KiB at most
            line = OutputLine(line.t, line.source, cut_line(line.text).encode("utf-8"))
        self._tail.append(line)

    def run(
        self, argv: Sequence[str], env: Mapping[str, str], wall_s: float, exit_code: int, meta: dict[str, Any]
    ) -> ProcessRun:
        """The run whose lines went through this sink: its tail (or every line), and what went by."""
        lines = self._all if self._all is not None else list(self._tail)
        return ProcessRun(list(argv), dict(env), lines, wall_s, exit_code, meta, self.dropped, self.tail_only)


class _Handoff:
    """Lines from the reader threads to this thread in arrival order, at most QUEUE_BYTES of them waiting.

    Once closed (the consumer raised, or Ctrl-C) it drops what it is given, so the readers keep draining
    the pipes and the process never blocks on a full one.
    """

    def __init__(self, budget: int = QUEUE_BYTES) -> None:
        self._items: deque[OutputLine | None] = deque()
        self._bytes = 0
        self._budget = budget
        self._closed = False
        self._ready = threading.Condition()

    @staticmethod
    def _cost(item: OutputLine | None) -> int:
        return _LINE_COST + (len(item.data) if item is not None else 0)

    def put(self, item: OutputLine | None) -> None:
        """Queue a line (None: one pipe ended), waiting while the queue is full (one always fits)."""
        cost = self._cost(item)
        with self._ready:
            while not self._closed and self._items and self._bytes + cost > self._budget:
                self._ready.wait()
            if self._closed:
                return
            self._items.append(item)
            self._bytes += cost
            self._ready.notify_all()

    def get(self) -> OutputLine | None:
        with self._ready:
            while not self._items:
                self._ready.wait()
            item = self._items.popleft()
            self._bytes -= self._cost(item)
            self._ready.notify_all()
            return item

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._items.clear()
            self._ready.notify_all()


def read_lines(pipe: IO[bytes], limit: int = READ_LINE_BYTES) -> Iterator[bytes]:
    """The lines of `pipe`, each cut to `limit` bytes as it is read (`cut_bytes`): a line of 50 MB
    costs twice `limit` here, never 50 MB."""
    while chunk := pipe.readline(limit):
        if len(chunk) < limit or chunk.endswith(b"\n"):
            yield chunk
            continue
        line = LineCutter(limit)
        line.add(chunk)
        while not chunk.endswith(b"\n") and (chunk := pipe.readline(limit)):
            line.add(chunk)
        yield line.value()


def _read(pipe: IO[bytes], source: str, start: float, handoff: _Handoff, ends: list[float]) -> None:
    """A reader thread: each line of one pipe, stamped on arrival; then None and the time it ended."""
    try:
        with pipe:
            for data in read_lines(pipe):
                handoff.put(OutputLine(time.monotonic() - start, source, data))
    finally:
        ends.append(time.monotonic())
        handoff.put(None)


def _wait(process: subprocess.Popen[bytes], ends: list[float]) -> None:
    """The waiter thread: the time the process exited (its pipes may close before, or after)."""
    process.wait()
    ends.append(time.monotonic())


def run_timed(
    argv: Sequence[str],
    env: Mapping[str, str],
    on_line: LineConsumer | None = None,
    *,
    keep_all: bool = False,
) -> ProcessRun:
    """Run `argv`, handing each output line to `on_line` as it arrives; never raises for a non-zero exit.

    `env` holds only the variables the harness sets; they are added to the inherited environment. The
    run keeps its bounded tail of lines; `keep_all` keeps every line, for recordings only.
    """
    sink = _Sink(on_line, keep_all)
    handoff = _Handoff()
    ends: list[float] = []
    start = time.monotonic()
    process = subprocess.Popen(
        [str(word) for word in argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ | dict(env),
    )
    waiter = threading.Thread(target=_wait, args=(process, ends), daemon=True)
    readers = [
        threading.Thread(target=_read, args=(pipe, source, start, handoff, ends), daemon=True)
        for pipe, source in ((process.stdout, STDOUT), (process.stderr, STDERR))
    ]
    for thread in (waiter, *readers):
        thread.start()
    try:
        open_pipes = len(readers)
        while open_pipes:
            line = handoff.get()
            if line is None:
                open_pipes -= 1
            else:
                sink.take(line)
    finally:
        handoff.close()  # a consumer that raised leaves the readers draining the pipes
    waiter.join()
    wall_s = max(ends) - start
    return sink.run(argv, env, wall_s, process.returncode, {})


def replay_run(
    recorded: ProcessRun,
    on_line: LineConsumer | None = None,
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> ProcessRun:
    """A recorded run as `run_timed` returns it: each line handed to `on_line` in order, the bounded tail
    kept (a `Runner` in tests: the builders then parse as they do in a real build)."""
    sink = _Sink(on_line, keep_all=False)
    for line in recorded.all_lines():
        sink.take(line)
    return sink.run(
        recorded.argv if argv is None else argv,
        recorded.env if env is None else env,
        recorded.wall_s,
        recorded.exit_code,
        dict(recorded.meta),
    )


def tail(texts: Iterable[str], count: int = 20) -> str:
    """The last `count` non-blank lines, joined: the part of a failed build's output worth keeping, bounded
    as every row field of tool output is (at most TAIL_LINES lines of LINE_BYTES:
    bench/safe/output_cap.py)."""
    return "\n".join(last_lines((text for text in texts if text.strip()), count))


def save_run(run: ProcessRun, path: str | Path) -> None:
    """Write a run as JSON lines: a header object, then one {t, source, line} object per line.

    Lines are decoded with `surrogateescape`, so bytes that are not UTF-8 survive the round trip. Only a
    run with every line (`run_timed(keep_all=True)`) makes a recording.
    """
    lines = run.all_lines()
    header = {
        "argv": run.argv,
        "env": run.env,
        "wall_s": run.wall_s,
        "exit_code": run.exit_code,
        "meta": run.meta,
    }
    with Path(path).open("w", encoding="utf-8") as out:
        out.write(json.dumps(header) + "\n")
        for line in lines:
            text = line.data.decode("utf-8", errors="surrogateescape")
            out.write(json.dumps({"t": round(line.t, 6), "source": line.source, "line": text}) + "\n")


def load_run(path: str | Path) -> ProcessRun:
    """Read a run written by `save_run`: every line it recorded."""
    with Path(path).open(encoding="utf-8") as source:
        header = json.loads(source.readline())
        lines = [
            OutputLine(item["t"], item["source"], item["line"].encode("utf-8", errors="surrogateescape"))
            for item in map(json.loads, source)
        ]
    return ProcessRun(
        header["argv"], header["env"], lines, header["wall_s"], header["exit_code"], header.get("meta", {})
    )
