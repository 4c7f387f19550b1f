"""Parse BuildKit's `--progress=rawjson` output into steps.

buildx 0.13.1 writes each SolveStatus as a pretty-printed, multi-line JSON object on stderr, with
`vertexes` (digest, name, started, completed, cached, error), `statuses` and `logs`. Other lines
(the error summary at the end of a failed build) are plain text between the objects.

Times: a vertex's `started`/`completed` are the daemon's RFC3339 wall-clock timestamps. Durations and
overlaps come from them, because they are exact and unaffected by pipe buffering. To put them on the
process's own timeline (seconds since the build process started, as every Step is), the earliest
timestamp seen is pinned to the arrival time of the first JSON object. That object announces the
first vertex, and the update that starts it arrives within a millisecond (seen in the recordings), so
the alignment is off by the CLI's output latency only. The time before it (0.2-0.4 s of buildx
start-up and connection in the recordings) belongs to no step.

A vertex may run more than once in one build (BuildKit reuses one vertex for identical `FROM`s of
several stages): each (digest, started) pair is one interval; a step spans from its first start to
its last completion, and counts as cached only when every completed interval was cached. An interval
cached after an uncached one of the same vertex had completed took what this solve had just made: the
step is `reused_in_build` (bench/builders/records.py Step), no cache from before the build. Identical
instructions that begin several stages (`WORKDIR /src` after the same `FROM`) are one vertex of the
graph, run once: no step of them is cached at all (tests/fixtures/builds/buildkit-shared-nocache.jsonl).
"""

from __future__ import annotations

import base64
import json
import re
from calendar import timegm
from dataclasses import dataclass, field, replace
from typing import Any

from bench.builders.process import STDERR, OutputLine
from bench.builders.records import Step
from bench.safe.output_cap import LineTail

_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([Zz])|([+-])(\d\d):(\d\d))$"
)
_PREFIX = re.compile(r"^\[(?P<inner>[^\]]*)\]\s+(?P<rest>.*)$", re.DOTALL)
_POSITION = re.compile(r"\d+/\d+")
_CANCELED = "context canceled"
_IN_STRING = '"\\'  # what ends a JSON string, or escapes the character after it
_OUTSIDE = '{}"'  # what opens and closes an object or a string


def parse_rfc3339(stamp: str) -> float:
    """Seconds since the epoch of an RFC3339 timestamp, keeping nanoseconds (fromisoformat drops them)."""
    match = _RFC3339.match(stamp)
    if match is None:
        raise ValueError(f"not an RFC3339 timestamp: {stamp!r}")
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    seconds = float(timegm((year, month, day, hour, minute, second, 0, 0, 0)))
    if match.group(7):
        seconds += int(match.group(7)) / 10 ** len(match.group(7))
    if match.group(9):
        offset = int(match.group(10)) * 3600 + int(match.group(11)) * 60
        seconds -= offset if match.group(9) == "+" else -offset
    return seconds


def split_vertex_name(name: str) -> tuple[str | None, str | None, str]:
    """(stage, platform, instruction) from a vertex name such as `[linux/arm64 build-a 3/4] RUN make`.

    Names without a `N/M` position (`[internal] load ...`, `[auth] ...`, `exporting to image`) are
    not Dockerfile steps: they get no stage and keep their full name.
    """
    match = _PREFIX.match(name)
    if match is None:
        return None, None, name
    words = match.group("inner").split()
    if not words or not _POSITION.fullmatch(words[-1]):
        return None, None, name
    labels = words[:-1]
    platform = next((w for w in labels if "/" in w), None)
    names = [w for w in labels if "/" not in w]
    return (names[-1] if names else None), platform, match.group("rest")


@dataclass
class _Vertex:
    """Everything learned about one vertex (one digest) across status updates."""

    digest: str
    order: int
    name: str = ""
    # started -> (completed, cached): one entry per run of the vertex
    intervals: dict[str, tuple[str | None, bool]] = field(default_factory=dict)
    error: str | None = None
    logs: LineTail = field(default_factory=LineTail)  # the last lines its steps printed (bounded)


class _Syntax:
    """Where the next of some characters is in one line, each looked up once per occurrence (`str.find`
    again only once the cursor passed it): one pass over the line in all, however many strings it has."""

    def __init__(self, line: str) -> None:
        self._line = line
        self._found = dict.fromkeys(_IN_STRING + _OUTSIDE, -2)  # -1: no more of it; -2: not looked up

    def next(self, chars: str, at: int) -> int:
        """The index of the first of `chars` at or after `at`, -1 when there is none."""
        best = -1
        for char in chars:
            found = self._found[char]
            if -1 != found < at:
                found = self._found[char] = self._line.find(char, at)
            if found >= 0 and (best < 0 or found < best):
                best = found
        return best


def _items(value: object) -> list[dict[str, Any]]:
    """The objects of a JSON list field (BuildKit's `vertexes`, `logs`); anything else has none."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _stamp(value: object) -> str | None:
    """An RFC3339 timestamp as BuildKit writes it, or None for anything else (so steps() cannot fail)."""
    if not isinstance(value, str):
        return None
    try:
        parse_rfc3339(value)
    except ValueError:  # no timestamp, or one of a month or day that does not exist
        return None
    return value


def _decoded(data: object) -> str:
    """A log entry's base64 `data` as text; not base64 at all is no text."""
    if not isinstance(data, str):
        return ""
    try:
        return base64.b64decode(data).decode("utf-8", errors="replace")
    except ValueError:  # binascii.Error
        return ""


def _reused_in_solve(vertex: _Vertex) -> bool:
    """Whether a cached run of the vertex completed no earlier than an uncached run of it had: the cache
    it hit was made by this solve."""
    done = [(parse_rfc3339(end), cached) for end, cached in vertex.intervals.values() if end]
    first_made = min((at for at, cached in done if not cached), default=None)
    return first_made is not None and any(cached and at >= first_made for at, cached in done)


class RawJsonParser:
    """Incremental parser: `feed()` output lines as they arrive, then read `steps()` and friends."""

    def __init__(self) -> None:
        self._buffer: list[str] = []
        self._depth = 0
        self._in_string = False
        self._escaped = False
        self._object_arrival: float | None = None
        self._vertices: dict[str, _Vertex] = {}
        self.first_object_t: float | None = None
        self.objects = 0
        self.text_lines = LineTail()  # the last lines outside JSON objects (buildx's own error summary)
        self.bad_objects = LineTail()

    def feed_output(self, line: OutputLine) -> None:
        """A build process's line as it arrives (run_timed's on_line): buildx writes rawjson on stderr."""
        if line.source == STDERR:
            self.feed(line.t, line.text)

    def feed(self, t: float, line: str) -> None:
        """Add one line (without line ending) that arrived `t` seconds after the process started."""
        if self._depth == 0:
            if line.strip() != "{":  # objects start with a lone "{"; anything else is plain text
                self.text_lines.append(line)
                return
            self._object_arrival = t
        self._buffer.append(line)
        self._scan(line)
        if self._depth <= 0:  # below 0: more closing braces than opening ones, not JSON either way
            self._finish_object()

    def _scan(self, line: str) -> None:
        """Track brace depth, ignoring braces inside JSON strings.

        Only braces, quotes and backslashes matter, and `str.find` jumps to the next one at C speed: a log
        chunk's 44 KiB of base64 costs microseconds while the build runs (bench/builders/process.py). A
        backslash in a string escapes the character after it, even one on the next line.
        """
        syntax = _Syntax(line)
        at = 0
        if self._escaped and line:
            self._escaped, at = False, 1
        while not self._escaped and (at := syntax.next(_IN_STRING if self._in_string else _OUTSIDE, at)) >= 0:
            char = line[at]
            if char == "\\":
                self._escaped = at + 1 == len(line)
                at += 2
                continue
            if char == '"':
                self._in_string = not self._in_string
            elif char == "{":
                self._depth += 1
            else:
                self._depth -= 1
            at += 1

    def _finish_object(self) -> None:
        text = "\n".join(self._buffer)
        self._buffer, self._depth, self._in_string, self._escaped = [], 0, False, False
        try:
            status = json.loads(text)
        except json.JSONDecodeError:
            self.bad_objects.append(text)
            return
        if not isinstance(status, dict):
            self.bad_objects.append(text)
            return
        if self.first_object_t is None:
            self.first_object_t = self._object_arrival
        self.objects += 1
        self._merge(status)

    def _vertex(self, digest: str) -> _Vertex:
        if digest not in self._vertices:
            self._vertices[digest] = _Vertex(digest, len(self._vertices))
        return self._vertices[digest]

    def _merge(self, status: dict[str, Any]) -> None:
        """Fold one SolveStatus in; a field of another type than BuildKit writes is skipped, not fatal."""
        for update in _items(status.get("vertexes")):
            digest = _text(update.get("digest"))
            if digest is None:
                continue
            vertex = self._vertex(digest)
            vertex.name = _text(update.get("name")) or vertex.name
            started = _stamp(update.get("started"))
            if started:
                completed, cached = vertex.intervals.get(started, (None, False))
                vertex.intervals[started] = (
                    _stamp(update.get("completed")) or completed,
                    update.get("cached") is True or cached,
                )
            error = update.get("error")
            if error:
                vertex.error = error if isinstance(error, str) else json.dumps(error)
        for log in _items(status.get("logs")):
            digest = _text(log.get("vertex"))
            if digest is None:
                continue
            self._vertex(digest).logs.extend(_decoded(log.get("data")).splitlines())

    @property
    def vertex_count(self) -> int:
        """How many distinct vertices were seen: the evidence that BuildKit ran."""
        return len(self._vertices)

    def _origin(self) -> float | None:
        stamps = [
            parse_rfc3339(stamp)
            for vertex in self._vertices.values()
            for started, (completed, _cached) in vertex.intervals.items()
            for stamp in (started, completed)
            if stamp
        ]
        return min(stamps) if stamps else None

    def steps(self) -> list[Step]:
        """One Step per vertex, ordered by start time (never-started ones last, in order of appearance).

        BuildKit announces vertices in reverse dependency order, so order of appearance alone reads
        backwards; start time gives the order things happened.
        """
        origin = self._origin()
        anchor = self.first_object_t or 0.0
        unordered: list[tuple[float, int, Step]] = []
        for vertex in self._vertices.values():
            if not vertex.name:  # only ever mentioned by a log line
                continue
            stage, platform, name = split_vertex_name(vertex.name)
            started_s = completed_s = None
            cached = False
            if vertex.intervals and origin is not None:
                starts = [parse_rfc3339(s) for s in vertex.intervals]
                ends = [c for c, _cached in vertex.intervals.values()]
                started_s = min(starts) - origin + anchor
                if all(ends):
                    completed_s = max(parse_rfc3339(c) for c in ends if c) - origin + anchor
                flags = [was_cached for done, was_cached in vertex.intervals.values() if done]
                cached = bool(flags) and all(flags)
            reused = not cached and _reused_in_solve(vertex)
            key = started_s if started_s is not None else float("inf")
            step = Step(0, name, stage, started_s, completed_s, cached, vertex.error, platform, reused)
            unordered.append((key, vertex.order, step))
        unordered.sort(key=lambda item: (item[0], item[1]))
        return [replace(step, index=i) for i, (_key, _order, step) in enumerate(unordered)]

    def failure(self) -> tuple[str, str | None, str, list[str]] | None:
        """(step name, stage, error, last log lines) of the vertex that failed the build, if any.

        Siblings cancelled because of it report `context canceled`; they are only picked when
        nothing else failed.
        """
        failed = [v for v in self._vertices.values() if v.error]
        if not failed:
            return None
        real = [v for v in failed if _CANCELED not in (v.error or "")]
        vertex = (real or failed)[0]
        stage, _platform, name = split_vertex_name(vertex.name)
        return name, stage, vertex.error or "", vertex.logs[-10:]
