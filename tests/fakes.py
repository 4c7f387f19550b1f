"""A scripted builder, so planner, runner, stats and report tests run with no engine.

Like hyperfine's MockExecutor: it implements the Builder protocol and returns records whose wall
times come from a script, and it remembers every request it got, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field

from bench.records import BuildRecord, BuildRequest, Outcome, Step

WallScript = Iterable[float] | Callable[[BuildRequest, int], float]


@dataclass
class ScriptedBuilder:
    """Returns scripted BuildRecords: call i takes `wall_times[i]` seconds (or `wall_times(request, i)`).

    `failing_calls` are call indices that return a FAILED record; `unsupported` makes `supports()`
    refuse every request with that reason; `cached_steps` marks that many of the steps cached.
    Running out of scripted times raises: a test that builds more than it planned is wrong.
    """

    name: str
    wall_times: WallScript
    failing_calls: Collection[int] = ()
    unsupported: str | None = None
    cached_steps: int = 0
    steps_per_build: int = 3
    requests: list[BuildRequest] = field(default_factory=list)
    _times: Iterator[float] | None = field(default=None, init=False, repr=False)

    def supports(self, request: BuildRequest) -> str | None:
        return self.unsupported

    def build(self, request: BuildRequest) -> BuildRecord:
        call = len(self.requests)
        self.requests.append(request)
        wall_s = self._wall(request, call)
        failed = call in self.failing_calls
        env = {"DOCKER_BUILDKIT": "0"} if self.name == "legacy" else {}
        return BuildRecord(
            builder=self.name,
            outcome=Outcome.FAILED if failed else Outcome.OK,
            wall_s=wall_s,
            steps=self._steps(wall_s, failed),
            argv=["docker", "build", "--tag", request.tag, request.context_dir],
            env=env,
            exit_code=1 if failed else 0,
            error_tail="scripted failure" if failed else None,
            image_id=None if failed else f"sha256:{call:064x}",
            builder_evidence=f"scripted {self.name}",
        )

    def _wall(self, request: BuildRequest, call: int) -> float:
        if callable(self.wall_times):
            return float(self.wall_times(request, call))
        if self._times is None:
            self._times = iter(self.wall_times)
        try:
            return float(next(self._times))
        except StopIteration:
            raise AssertionError(f"{self.name}: no scripted wall time left for call {call}") from None

    def _steps(self, wall_s: float, failed: bool) -> list[Step]:
        """Back-to-back steps filling the wall time; the last one carries the error of a failed build."""
        count = self.steps_per_build
        span = wall_s / count
        return [
            Step(
                index=i,
                name=f"RUN step {i}",
                stage="build",
                started_s=i * span,
                completed_s=(i + 1) * span,
                cached=i < self.cached_steps,
                error="scripted failure" if failed and i == count - 1 else None,
            )
            for i in range(count)
        ]
