"""What a build produces: the step schema shared by both builders, and the record of one build.

Both builders report steps in one schema so that stats and reports never ask which builder made a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

#: The note on the row of a build the engine failed, after which the run stopped; `bench run --resume`
#: measures that build again (bench/run/resume.py).
STOPPED_HERE = "the run stopped here"


class Outcome(StrEnum):
    """How a measurement ended. `unsupported` is not a failure: the builder cannot do that cell.
    `interrupted`: the run stopped at this build (its engine failed, STOPPED_HERE notes why); it is no
    measurement, and `bench run --resume` keeps its row and appends the build measured again."""

    OK = "ok"
    FAILED = "failed"
    UNSUPPORTED = "unsupported"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class Step:
    """One build step: a BuildKit vertex or a legacy `Step N/M`.

    Times are seconds since the build process started (monotonic clock), so steps of one build
    can be drawn on one timeline and overlaps between stages are visible.

    `cached`: its result came from a cache that was there before the build started. `reused_in_build`:
    the builder said cached, but of a result this same build had made earlier (legacy: a layer an
    earlier step of its output committed; BuildKit: a vertex it completed uncached earlier in the solve);
    such a step is not `cached`, so that a cold build of stages that begin alike is still cold.
    """

    index: int
    name: str
    stage: str | None
    started_s: float | None
    completed_s: float | None
    cached: bool
    error: str | None = None
    platform: str | None = None  # BuildKit's platform prefix in multi-platform builds, e.g. linux/arm64
    reused_in_build: bool = False

    @property
    def duration_s(self) -> float | None:
        """Wall time of the step, or None when it never started or never ended."""
        if self.started_s is None or self.completed_s is None:
            return None
        return self.completed_s - self.started_s


@dataclass(frozen=True)
class BuildRequest:
    """Everything a builder needs to run one build; no engine state lives here."""

    context_dir: str
    dockerfile: str
    tag: str
    build_args: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    network: str | None = "none"
    extra_flags: tuple[str, ...] = ()


@dataclass
class BuildRecord:
    """The measured result of one build process."""

    builder: str
    outcome: Outcome
    wall_s: float | None
    steps: list[Step]
    argv: list[str]
    env: dict[str, str]
    exit_code: int | None = None
    error_tail: str | None = None
    image_id: str | None = None
    builder_evidence: str | None = None
    metadata: str | None = None  # buildx's --metadata-file, provenance removed (bench/builders/metadata.py)

    @property
    def steps_cached(self) -> int:
        """Steps taken from a cache that was there before the build started."""
        return sum(1 for s in self.steps if s.cached)

    @property
    def steps_reused_in_build(self) -> int:
        """Steps the builder called cached whose result this build had made earlier (Step.reused_in_build)."""
        return sum(1 for s in self.steps if s.reused_in_build)
