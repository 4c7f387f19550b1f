"""The schema of `bench run`'s config: the structured configs `conf/` fills in, which refuse bad values.

Stored in Hydra's ConfigStore (`register_configs`) as `base_config`, which conf/config.yaml extends, and as
`GROUP/base_GROUP` for each config group, which every file of conf/GROUP/ extends: `bench run --help`
lists the schemas among the groups' options, and a misspelt key or a value outside an enum fails at
composition time with Hydra's own message, before anything is built. Composing is bench/composition.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from bench.errors import ConfigError
from bench.platforms import NATIVE
from bench.vocabulary import BuilderName, CacheSource, ChangeKind, Pairing, prefix_problem

Schema = TypeVar("Schema")

#: config group (a folder of conf/) -> its schema, each recorded by `@group` on its dataclass below.
#: crossbuild/ (`@package scenario`) and experiment/ (`@package _global_`) have none of their own: their
#: keys land in the scenario and the top level, which ScenarioConfig and BenchConfig check.
GROUP_SCHEMAS: dict[str, type] = {}


def group(name: str) -> Callable[[type[Schema]], type[Schema]]:
    """Make a dataclass the schema of config group `name`: stored as `NAME/base_NAME` (`schema_name`)."""

    def record(schema: type[Schema]) -> type[Schema]:
        GROUP_SCHEMAS[name] = schema
        return schema

    return record


def schema_name(group_name: str) -> str:
    """The option a group's schema is stored as, and which each file of the group names in `defaults`."""
    return f"base_{group_name}"


@group("scenario")
@dataclass
class ScenarioConfig:
    """A scenario is a directory with a Dockerfile; everything else has defaults or comes from bench.yaml."""

    path: str = MISSING
    name: str | None = None
    dockerfile: str = "Dockerfile"
    target: str | None = None
    build_args: dict[str, str] = field(default_factory=dict)
    source_change: str | None = None
    deps_manifest: str | None = None
    mounts_dockerfile: str | None = None
    network: str | None = None  # overrides the run's --network (host: the scenario reaches 127.0.0.1)
    # variant name -> Dockerfile: a cell dimension (replaces the bench.yaml's `variants` when given)
    variants: dict[str, str] = field(default_factory=dict)


@group("builder")
@dataclass
class BuilderConfig:
    names: list[BuilderName] = field(default_factory=lambda: [BuilderName.legacy, BuilderName.buildkit])


@group("cache")
@dataclass
class CacheConfig:
    sources: list[CacheSource] = field(default_factory=lambda: [CacheSource.none, CacheSource.local])


@group("change")
@dataclass
class ChangeConfig:
    kind: ChangeKind = ChangeKind.source


@group("platform")
@dataclass
class PlatformConfig:
    """Target platforms, each a cell dimension: `native` (the engine's own) or an OCI platform string.

    Passed to the builders as `--platform`; `native` passes nothing.
    """

    names: list[str] = field(default_factory=lambda: [NATIVE])


@group("link")
@dataclass
class LinkConfig:
    """The link to the registry and package index: unshaped loopback, or a rate (and round-trip delay)
    applied with tc on their ports for the whole run (bench/network/link.py). Sweep with -m link=lan,wan."""

    name: str = "loopback"
    rate_mbit: float | None = None
    delay_ms: float = 0.0


@group("engine")
@dataclass
class EngineConfig:
    """A docker context plus what the harness may do to it.

    `owned: true` engines are the harness's own (it may wipe them to make a build truly cold); on any
    other engine it removes only the images it tagged itself and never prunes.
    """

    name: str = "dedicated"
    context: str = "bench"
    owned: bool = True
    socket: str = "/run/bench/engine/docker.sock"
    state_dir: str = "/var/lib/bench/engine"
    run_dir: str = "/run/bench/engine"
    registry: str = "127.0.0.1:5000"
    registry_dir: str = "/var/lib/bench/registry"
    # PEP 503 index of wheels downloaded at set-up, served on this address (scenarios with dependencies)
    package_index: str = "127.0.0.1:5080"
    # the secrets scenario's token-protected artifact server, started per run (bench/secrets/server.py)
    token_server: str = "127.0.0.1:5081"
    # Several engines (bench/engine/fleet.py, docs/engines.md): the context's docker endpoint
    # (None: the dedicated daemon's unix socket; or ssh://user@host, tcp://host:2376 with TLS)
    host: str | None = None
    # bench starts this engine's dockerd on this machine (`bench engine up`) and may wipe its data root;
    # false for engines reached through a context bench only uses (`bench engine add`)
    started_by_bench: bool = True
    image_store: str = "containerd"  # for daemons bench starts: containerd | overlay2 (the classic store)
    ssh_port: int | None = None  # bench engine up also serves this daemon over SSH on 127.0.0.1:PORT
    # bench engine up also starts the registry, seeds base images and serves the package index (false:
    # this engine uses those that `bench engine up` of the default engine started)
    provisions_services: bool = True
    # Runs on one machine never overlap, whichever engines they use (concurrent builds distort timings): a
    # run waits this long for the machine's lock (bench/machine/lock.py), then gives up; 0 refuses at once.
    # true allows overlapping runs.
    lock_wait_s: float = 3600.0
    concurrent_runs: bool = False


#: `repetitions=auto`: each cell is measured until its intervals are narrow enough (PrecisionConfig)
AUTO = "auto"


@dataclass
class PrecisionConfig:
    """When `repetitions=auto` stops a cell (bench/run/stopping.py): once the 95% interval of its median, and
    of every speedup it takes part in, is within +-`target` of the estimate (relative half-width), after
    at least `min` and at most `max` measured builds."""

    target: float = 0.05
    min: int = 3
    max: int = 10


@dataclass
class QuietConfig:
    """The quiet-machine guard (bench/engine/cost.py): a build during which processes outside the engine
    and bench used more than `busy_cpu` cores on average (the row's outside_cpu_s / wall_s) is flagged
    `machine-busy`."""

    busy_cpu: float = 0.25


@dataclass
class BenchConfig:
    """The whole configuration of one `bench run`."""

    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    builder: BuilderConfig = field(default_factory=BuilderConfig)
    cache: CacheConfig = field(default_factory=CacheConfig)
    change: ChangeConfig = field(default_factory=ChangeConfig)
    platform: PlatformConfig = field(default_factory=PlatformConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    link: LinkConfig = field(default_factory=LinkConfig)
    repetitions: Any = 3  # measured builds per cell, or `auto` (PrecisionConfig); Any: OmegaConf has no Union
    precision: PrecisionConfig = field(default_factory=PrecisionConfig)
    pairing: Pairing = Pairing.paired
    keep_going: bool = False  # measure every planned build, even of a cell that failed twice the same way
    quiet: QuietConfig = field(default_factory=QuietConfig)
    warmup: int = 1
    seed: int = 0
    network: str = "none"
    tag_prefix: str = "bench-run"  # one repository component: images are <tag_prefix>/<run id>/...

    @property
    def auto(self) -> bool:
        """Repetitions are decided by precision (bench/run/stopping.py), not fixed."""
        return self.repetitions == AUTO

    @property
    def rounds(self) -> int:
        """Measured rounds the plan holds: the fixed repetitions, or the most `auto` may take."""
        return self.precision.max if self.auto else int(self.repetitions)

    def __post_init__(self) -> None:
        if self.repetitions != AUTO and (
            isinstance(self.repetitions, bool)
            or not isinstance(self.repetitions, int)
            or self.repetitions < 1
        ):
            raise ConfigError(
                f"repetitions must be a whole number of at least 1 or `auto`, got {self.repetitions!r}"
            )
        precision = self.precision
        if not 0 < precision.target < 1 or not 1 <= precision.min <= precision.max:
            raise ConfigError(
                f"precision needs 0 < target < 1 and 1 <= min <= max, got target={precision.target} "
                f"min={precision.min} max={precision.max}"
            )
        if self.warmup < 0:
            raise ConfigError(f"warmup must be 0 or more, got {self.warmup}")
        if not self.builder.names:
            raise ConfigError("builder.names is empty: name at least one of legacy, buildkit")
        if not self.platform.names:
            raise ConfigError("platform.names is empty: name at least `native`")
        from bench.platforms import unknown

        bad_platform = unknown(self.platform.names)
        if bad_platform:
            raise ConfigError(bad_platform)
        if not self.cache.sources:
            raise ConfigError("cache.sources is empty: name at least one of none, local")
        bad_prefix = prefix_problem(self.tag_prefix)
        if bad_prefix:
            raise ConfigError(bad_prefix)


def register_configs() -> None:
    """Store the schemas in Hydra's ConfigStore (again is harmless: a store replaces): the whole config,
    and each group's, so that each group file is checked against its own schema as it is loaded."""
    cs = ConfigStore.instance()
    cs.store(name="base_config", node=BenchConfig)
    for name, schema in GROUP_SCHEMAS.items():
        cs.store(group=name, name=schema_name(name), node=schema)
