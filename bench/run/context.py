"""Everything a run's measurements need, built once where all of it is known, and never changed after.

The app (bench/run/experiment.py) builds the context inside the link's `with`: only there are the link as
applied and the registry's address as builds reach it (through a latency relay) known. The runner only reads
it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bench.builders.protocol import Builder
from bench.builders.records import BuildRecord
from bench.caches import ImageTransfer
from bench.config import EngineConfig
from bench.engine.contents import EngineContents
from bench.engine.health import Blocked
from bench.network.link import AppliedLink
from bench.plan import Measurement
from bench.run.provenance import ScenarioGit
from bench.scenario.definition import Scenario
from bench.store.rows import BuildRow

#: Empties the engine into the cell's start state (bench/engine/reset.py); says what it held before.
Reset = Callable[[], EngineContents]
#: (cell platform, image id, tag) -> None when the image is for that platform, else what is wrong
ImageCheck = Callable[[str, str | None, str], str | None]
#: (measurement, its record) -> extra row fields, e.g. goss results (bench/audit/after_build.py)
AfterBuild = Callable[[Measurement, BuildRecord], dict[str, Any]]
#: (the failed build's error tail, or the error the engine raised) -> why the run cannot go on, or None
#: when the failure was the build's own (bench/engine/health.py)
Health = Callable[[str | None], Blocked | None]
#: Why the engine cannot measure a cell (bench/run/capabilities.py), or None
EngineLacks = Callable[[Measurement], str | None]


class Observer(Protocol):
    """Measures around builds, outside timed spans (bench.engine.observer.EngineObserver)."""

    def registry_mark(self) -> Any: ...

    def registry_since(self, start: Any) -> tuple[int | None, int | None]: ...

    def index_downloads_since(self, start: Any) -> tuple[int | None, int | None]: ...

    def build_cache_bytes(self) -> int | None: ...

    def image_facts(self, image_id: str | None) -> tuple[int | None, int | None]: ...


class BuildMeter(Protocol):
    """What a build cost and what else the machine did meanwhile (bench/engine/cost.py): read right before
    and right after the timed build, outside its span."""

    def mark(self) -> Any: ...

    def since(self, start: Any, wall_s: float | None) -> dict[str, Any]:
        """BuildRow fields measured since `start` (cpu_user_s ... cost_source, load_1m, outside_cpu_s)."""
        ...

    def busy(self, fields: Mapping[str, Any], wall_s: float | None) -> bool:
        """The machine did too much else during the build for its time to be trusted (`machine-busy`)."""
        ...


@dataclass(frozen=True, kw_only=True)
class BuildTools:
    """What the engine side gives a run's builds (bench/run/engine.py): the builders, and what empties the
    engine, moves images, observes, checks and meters around each build.

    Every builder is there, not only the measured ones: cache=cross-builder primes with the other one.
    The optional parts are absent for a scripted engine (tests): nothing is observed or checked.
    """

    builders: Mapping[str, Builder]
    reset: Reset
    environment: Mapping[str, Any]
    endpoint: str | None = None  # where the engine's docker context really points (run.json records it)
    transfer: ImageTransfer | None = None
    observer: Observer | None = None
    check_image: ImageCheck | None = None
    after_build: AfterBuild | None = None
    engine_lacks: EngineLacks | None = None
    health: Health | None = None
    meter: BuildMeter | None = None


@dataclass(frozen=True)
class Progress:
    """What the terminal shows as a run goes (bench/run/progress.py): a measurement starting, its row
    written, and the planned count changing (`on_plan`: the builds this `Runner.run` measures in all,
    done and still to come, when cells stop early under repetitions=auto)."""

    on_start: Callable[[Measurement], None] | None = None
    on_row: Callable[[Measurement, BuildRow], None] | None = None
    on_plan: Callable[[int], None] | None = None


@dataclass(frozen=True, kw_only=True)
class RunContext:
    """One run's fixed inputs. `engine` is the engine as builds reach it: when a relay adds the link's
    delay, its registry and package index are the relay's addresses (and `scenario.build_args` name them);
    the reset and health checks in `tools` act on the daemon itself.

    What the machine says (the scenario's git state, the node's name) is asked once by whoever builds the
    context, and the directory the builds' contexts are copied into is theirs to make and remove: the
    runner only reads the context."""

    run_id: str
    scenario: Scenario
    engine: EngineConfig
    tools: BuildTools
    tag_prefix: str
    network: str | None
    workroot: Path  # each build's copy of the scenario goes below it (bench/safe/scratch.py: run_directory)
    link: AppliedLink | None = None  # a shaped link (bench/network/link.py); None: loopback
    resumed: bool = False  # rows say they were measured by `bench run --resume` (bench/run/resume.py)
    git: ScenarioGit = field(default_factory=ScenarioGit)  # the scenario's commit (bench/run/provenance.py)
    node: str | None = None  # the machine (SLURM node) that runs the builds (bench/machine/node.py)
