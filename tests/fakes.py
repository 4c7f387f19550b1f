"""A scripted builder and a scripted engine, so planner, runner, app, stats and report tests run with no
engine.

Like hyperfine's MockExecutor: the builder implements the Builder protocol and returns records whose wall
times come from a script, and it remembers every request it got, in order. The engine implements
bench/run/engine.py's RunEngine around such builders, so a whole `bench run` runs through
bench/run/experiment.py.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bench.builders.records import BuildRecord, BuildRequest, Outcome, Step
from bench.config import BenchConfig, EngineConfig
from bench.engine.contents import EngineContents
from bench.run.context import BuildTools, RunContext
from bench.scenario.definition import Scenario
from bench.store.rows import BuildRow, EngineMeta, PlanMeta, RunMeta, ScenarioMeta

#: What an emptied engine holds: nothing.
EMPTY = EngineContents(0, 0, 0, 0, 0, 0)

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


def scripted_context(
    scenario: Scenario,
    builders: Mapping[str, Any],
    *,
    workroot: Path,
    reset: Callable[[], EngineContents] = lambda: EMPTY,
    engine: EngineConfig | None = None,
    run_id: str = "r",
    link: Any = None,
    resumed: bool = False,
    **tools: Any,
) -> RunContext:
    """A run context around scripted builders: no observer, no image checks unless given; the builds'
    copies of the scenario go below `workroot` (made here when missing)."""
    workroot.mkdir(parents=True, exist_ok=True)
    return RunContext(
        run_id=run_id,
        scenario=scenario,
        engine=engine or EngineConfig(),
        tools=BuildTools(builders=builders, reset=reset, environment={}, **tools),
        tag_prefix="bench-run",
        network="none",
        workroot=workroot,
        link=link,
        resumed=resumed,
    )


@dataclass
class ScriptedEngine:
    """A RunEngine (bench/run/engine.py) whose builds are scripted: what `bench run` does, minus Docker.

    `problem` makes the engine unusable with that line; the calls the run made are kept in `calls`."""

    builders: Mapping[str, Any]
    problem: str | None = None
    leaks: bool = False
    calls: list[str] = field(default_factory=list)
    engine: EngineConfig = field(default_factory=EngineConfig)

    def __call__(self, config: BenchConfig, say: Callable[[str], object]) -> ScriptedEngine:
        """The engine factory bench/run/experiment.py takes."""
        self.engine = config.engine
        self.calls.append("made")
        return self

    def unusable(self) -> str | None:
        self.calls.append("unusable")
        return self.problem

    def prepare(self, scenario: Scenario, run_dir: Path, run_id: str) -> BuildTools:
        self.calls.append("prepare")
        return BuildTools(builders=self.builders, reset=lambda: EMPTY, environment={"docker": "scripted"})

    @contextmanager
    def link_up(self) -> Iterator[tuple[None, EngineConfig]]:
        self.calls.append("link_up")
        yield None, self.engine

    def after_run(self, run_dir: Path, stopped: bool) -> None:
        self.calls.append("after_run")

    def leaked(self, run_dir: Path) -> bool:
        self.calls.append("leaked")
        return self.leaks


def interrupting_builders(call: int | None) -> dict[str, ScriptedBuilder]:
    """Both builders, sharing one call count; call number `call` (from 0) is a Ctrl-C (KeyboardInterrupt)."""
    calls = {"n": 0}

    def wall(request: BuildRequest, index: int) -> float:
        calls["n"] += 1
        if calls["n"] - 1 == call:
            raise KeyboardInterrupt
        return 1.0

    return {name: ScriptedBuilder(name, wall) for name in ("buildkit", "legacy")}


def run_meta(run_id: str = "r", order: Iterable[str] = (), scenario: str = "s", **fields: Any) -> RunMeta:
    """run.json's metadata of a scripted run: every key a real run records (bench/store/rows.py RunMeta),
    the planned cell `order`, the scenario's name, and `fields` changed."""
    meta = RunMeta(
        run_id=run_id,
        started_at="2026-01-01T00:00:00+00:00",
        scenario=ScenarioMeta(
            name=scenario, directory=scenario, target=None, source_change=None, description=None
        ),
        engine=EngineMeta(name="dedicated", context="bench", owned=True),
        config_hash="0123456789abcdef",
        config_yaml="",
        plan=PlanMeta(seed=0, repetitions=1, warmup=0, order=tuple(order)),
        environment={},
    )
    return replace(meta, **fields)


def stored_row(seq: int = 0, **fields: Any) -> BuildRow:
    """A build row of one buildkit cell with the given fields, for tests of the results store."""
    identity: dict[str, Any] = {
        "run_id": "r1",
        "seq": seq,
        "round": seq,
        "repetition": 0,
        "warmup": False,
        "cell": "s|buildkit|none|none",
        "scenario": "s",
        "builder": "buildkit",
        "cache": "none",
        "change": "none",
        "platform": "native",
        "engine": "dedicated",
        "outcome": "ok",
    }
    return BuildRow(**{**identity, **fields})
