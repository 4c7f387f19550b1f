"""Parse the legacy builder's output (`DOCKER_BUILDKIT=0 docker build`) into steps.

The legacy builder prints `Step N/M : INSTRUCTION` when a step starts, ` ---> Using cache` when the
step's result came from the cache, ` ---> Running in ID` when it ran a container, ` ---> ID` for the
layer the step ends on, and `Successfully built ID` at the end. It prints no times, so a step starts at
the arrival of its `Step` line and completes at the arrival of the next one (or of `Successfully built`,
or at process end).
Meta `ARG`s before the first `FROM` are steps too (`Step 1/8 : ARG BASE=...`), with no stage.

It prints no stage names either. The legacy builder runs every stage up to the target in file order,
so the k-th `FROM` step opens the k-th stage of the Dockerfile; stages are labelled as BuildKit
labels them (`AS` name, else `stage-N`, none for a single-stage file) so both builders agree.

Its cache is every layer the engine holds, those this build has just made included: a cold build of two
stages that begin alike (`FROM base`, `WORKDIR /src`) makes the first stage's WORKDIR layer and then says
`Using cache` for the second's, with that layer's id. A `Using cache` step whose layer an earlier,
uncached step of this output made is `reused_in_build`, not `cached` (bench/builders/records.py Step).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bench.builders.dockerfile import FromLine, stage_label
from bench.builders.process import STDERR, OutputLine
from bench.builders.records import Step
from bench.safe.output_cap import LineTail

#: ASCII digits, at most 9: a container may print anything, and int() refuses 4,300 digits and more
_STEP = re.compile(r"^Step ([0-9]{1,9})/([0-9]{1,9}) : (.*)$")
_AS_NAME = re.compile(r"\s[Aa][Ss]\s+(\S+)\s*$")
_BUILT = re.compile(r"^Successfully built (\S+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LAYER = re.compile(r"^ ---> (?:sha256:)?([0-9a-f]{12,64})\s*$")  # the layer a step ends on
USING_CACHE = " ---> Using cache"
RUNNING_IN = " ---> Running in "
DEPRECATION = "DEPRECATED: The legacy builder is deprecated"


@dataclass
class _OpenStep:
    name: str
    stage: str | None
    started_s: float
    cached: bool = False
    layer: str | None = None  # the last ` ---> ID` line: a RUN's own output comes before it


@dataclass
class LegacyLog:
    """What the legacy output says: steps, the image built, and the lines that explain a failure."""

    steps: list[Step]
    image_id: str | None
    step_lines: int
    error: str | None
    output: LineTail = field(default_factory=LineTail)  # both streams' last lines, deprecation notice dropped


class LegacyLogParser:
    """Incremental parser: `feed()` each output line as it arrives (run_timed's on_line), then `finish()`.

    What it keeps is bounded by the build's steps and a tail of LineTail's size, never by its output: a
    step may print millions of lines (bench/safe/output_cap.py).
    """

    def __init__(self, stages: Sequence[FromLine] | None = None) -> None:
        """`stages` are the Dockerfile's FROM lines (see `dockerfile.from_lines`); without them stage names
        come from `AS name` in the FROM steps themselves."""
        self._known = list(stages) if stages is not None else None
        self._done: list[Step] = []
        self._current: _OpenStep | None = None
        self._stage: str | None = None  # meta ARGs before the first FROM belong to no stage
        self._made: set[str] = set()  # layers this build committed (its uncached steps but FROMs)
        self._froms_seen = 0
        self._image_id: str | None = None
        self._failed: str | None = None  # the first stderr line saying a RUN failed, else the last one
        self._last_error: str | None = None
        self._output = LineTail()
        self._in_notice = False
        self._last_t = 0.0

    def _close(self, at: float, error: str | None = None) -> None:
        if self._current is not None:
            c = self._current
            reused = c.cached and c.layer in self._made
            if not c.cached and c.layer is not None and c.name[:5].upper() != "FROM ":
                self._made.add(c.layer)
            cached = c.cached and not reused
            self._done.append(
                Step(len(self._done), c.name, c.stage, c.started_s, at, cached, error, reused_in_build=reused)
            )
            self._current = None

    def feed(self, line: OutputLine) -> None:
        """One line of either stream, in arrival order."""
        text = _ANSI.sub("", line.text)
        self._last_t = line.t
        if line.source == STDERR:
            self._feed_stderr(text)
        else:
            self._feed_stdout(line.t, text)

    def _feed_stderr(self, text: str) -> None:
        self._in_notice = self._in_notice or text.startswith(DEPRECATION)
        if self._in_notice:
            self._in_notice = bool(text.strip())  # the notice ends with a blank line
            return
        self._output.append(text)
        if text.strip():
            self._last_error = text.strip()
            if self._failed is None and "returned a non-zero code" in self._last_error:
                self._failed = self._last_error

    def _feed_stdout(self, t: float, text: str) -> None:
        self._output.append(text)
        step = _STEP.match(text)
        expected = len(self._done) + (self._current is not None) + 1  # output may look like a Step line
        if step is not None and int(step.group(1)) == expected:
            self._close(t)
            instruction = step.group(3)
            if instruction[:5].upper() == "FROM ":
                self._stage = _stage_for_from(instruction, self._froms_seen, self._known)
                self._froms_seen += 1
            self._current = _OpenStep(instruction, self._stage, t)
            return
        if self._current is not None and text.startswith(USING_CACHE):
            self._current.cached = True
        layer = _LAYER.match(text)
        if self._current is not None and layer is not None:
            self._current.layer = layer.group(1)
        built = _BUILT.match(text)
        if built is not None:
            self._image_id = built.group(1)
            self._close(t)

    def finish(self, end_s: float | None = None) -> LegacyLog:
        """What the output said; `end_s` (the process's wall time, else the last line's arrival) closes a
        step that was still running when the output ended, e.g. the step that failed."""
        error = self._failed or self._last_error
        self._close(end_s if end_s is not None else self._last_t, error)  # the open step failed
        return LegacyLog(self._done, self._image_id, len(self._done), error, self._output)


def parse_legacy_log(
    lines: Iterable[OutputLine], stages: Sequence[FromLine] | None = None, end_s: float | None = None
) -> LegacyLog:
    """Steps from the timestamped output of one legacy build, read after the fact (a recording)."""
    parser = LegacyLogParser(stages)
    for line in lines:
        parser.feed(line)
    return parser.finish(end_s)


def _stage_for_from(instruction: str, index: int, stages: list[FromLine] | None) -> str | None:
    """The label of the stage opened by the `index`-th FROM step."""
    if stages is not None and index < len(stages):
        return stage_label(stages, index)
    match = _AS_NAME.search(instruction)
    if match is not None:
        return match.group(1)
    return f"stage-{index}"
