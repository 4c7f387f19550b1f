"""Parse the legacy builder's output (`DOCKER_BUILDKIT=0 docker build`) into steps.

The legacy builder prints `Step N/M : INSTRUCTION` when a step starts, ` ---> Using cache` when the
step's result came from the cache, ` ---> Running in ID` when it ran a container, and
`Successfully built ID` at the end. It prints no times, so a step starts at the arrival of its `Step`
line and completes at the arrival of the next one (or of `Successfully built`, or at process end).
Meta `ARG`s before the first `FROM` are steps too (`Step 1/8 : ARG BASE=...`), with no stage.

It prints no stage names either. The legacy builder runs every stage up to the target in file order,
so the k-th `FROM` step opens the k-th stage of the Dockerfile; stages are labelled as BuildKit
labels them (`AS` name, else `stage-N`, none for a single-stage file) so both builders agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
USING_CACHE = " ---> Using cache"
RUNNING_IN = " ---> Running in "
DEPRECATION = "DEPRECATED: The legacy builder is deprecated"


@dataclass
class _OpenStep:
    name: str
    stage: str | None
    started_s: float
    cached: bool = False


@dataclass
class LegacyLog:
    """What the legacy output says: steps, the image built, and the lines that explain a failure."""

    steps: list[Step]
    image_id: str | None
    step_lines: int
    error: str | None
    output: LineTail = field(default_factory=LineTail)  # both streams' last lines, deprecation notice dropped


def parse_legacy_log(
    lines: Sequence[OutputLine], stages: Sequence[FromLine] | None = None, end_s: float | None = None
) -> LegacyLog:
    """Steps from the timestamped output of one legacy build.

    `stages` are the Dockerfile's FROM lines (see `dockerfile.from_lines`); without them stage names
    come from `AS name` in the FROM steps themselves. `end_s` (the process's wall time) closes a step
    that was still running when the output ended, e.g. the step that failed.
    """
    known = list(stages) if stages is not None else None
    done: list[Step] = []
    current: _OpenStep | None = None
    stage: str | None = None  # meta ARGs before the first FROM belong to no stage
    froms_seen = 0
    image_id: str | None = None
    failed: str | None = None  # the first stderr line saying a RUN failed, else the last stderr line
    last_error: str | None = None
    output = LineTail()  # a bounded tail: a step may print millions of lines
    in_notice = False
    last_t = 0.0

    def close(at: float, error: str | None = None) -> None:
        nonlocal current
        if current is not None:
            c = current
            done.append(Step(len(done), c.name, c.stage, c.started_s, at, c.cached, error))
            current = None

    for line in lines:
        text = _ANSI.sub("", line.text)
        last_t = line.t
        if line.source == STDERR:
            in_notice = in_notice or text.startswith(DEPRECATION)
            if in_notice:
                in_notice = bool(text.strip())  # the notice ends with a blank line
                continue
            output.append(text)
            if text.strip():
                last_error = text.strip()
                if failed is None and "returned a non-zero code" in last_error:
                    failed = last_error
            continue
        output.append(text)
        step = _STEP.match(text)
        expected = len(done) + (current is not None) + 1  # container output may look like a Step line
        if step is not None and int(step.group(1)) == expected:
            close(line.t)
            instruction = step.group(3)
            if instruction[:5].upper() == "FROM ":
                stage = _stage_for_from(instruction, froms_seen, known)
                froms_seen += 1
            current = _OpenStep(instruction, stage, line.t)
            continue
        if current is not None and text.startswith(USING_CACHE):
            current.cached = True
        built = _BUILT.match(text)
        if built is not None:
            image_id = built.group(1)
            close(line.t)
    error = failed or last_error
    close(end_s if end_s is not None else last_t, error)  # a step still open at the end is the failed one
    return LegacyLog(done, image_id, len(done), error, output)


def _stage_for_from(instruction: str, index: int, stages: list[FromLine] | None) -> str | None:
    """The label of the stage opened by the `index`-th FROM step."""
    if stages is not None and index < len(stages):
        return stage_label(stages, index)
    match = _AS_NAME.search(instruction)
    if match is not None:
        return match.group(1)
    return f"stage-{index}"
