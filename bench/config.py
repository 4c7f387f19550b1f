"""Structured configs for Hydra: the schema that `conf/` fills in and that rejects bad values.

Registered in Hydra's ConfigStore as `base_config` (and one schema per group) so that a misspelt key or a
value outside an enum fails at composition time with Hydra's own message, before anything is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig

from bench.errors import ConfigError
from bench.platforms import NATIVE
from bench.vocabulary import BuilderName, CacheSource, ChangeKind, Pairing, prefix_problem

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Where conf/ and scenarios/ are: the checkout's top level, or the package itself when installed from a
#: wheel (setup.py maps the top-level folders into bench/ there).
DATA_ROOT = Path(__file__).resolve().parent if (Path(__file__).parent / "conf").is_dir() else PROJECT_ROOT
CONF_DIR = DATA_ROOT / "conf"
SCENARIOS_DIR = DATA_ROOT / "scenarios"


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


@dataclass
class BuilderConfig:
    names: list[BuilderName] = field(default_factory=lambda: [BuilderName.legacy, BuilderName.buildkit])


@dataclass
class CacheConfig:
    sources: list[CacheSource] = field(default_factory=lambda: [CacheSource.none, CacheSource.local])


@dataclass
class ChangeConfig:
    kind: ChangeKind = ChangeKind.source


@dataclass
class PlatformConfig:
    """Target platforms, each a cell dimension: `native` (the engine's own) or an OCI platform string.

    Passed to the builders as `--platform`; `native` passes nothing.
    """

    names: list[str] = field(default_factory=lambda: [NATIVE])


@dataclass
class LinkConfig:
    """The link to the registry and package index: unshaped loopback, or a rate (and round-trip delay)
    applied with tc on their ports for the whole run (bench/network/link.py). Sweep with -m link=lan,wan."""

    name: str = "loopback"
    rate_mbit: float | None = None
    delay_ms: float = 0.0


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
    # Several engines (bench/engine/fleet.py, README "Several engines"): the context's docker endpoint
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
    """Register the schema; conf/config.yaml extends it, so every group file is checked against it."""
    cs = ConfigStore.instance()
    cs.store(name="base_config", node=BenchConfig)


def user_conf_dir() -> Path:
    """Configs a user adds (`bench engine add` writes engine/NAME.yaml here), searched after the packaged
    ones: never inside the package, which may be a read-only site-packages."""
    import os

    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "bench"


def _searched_user_conf() -> str:
    """The user's config directory, or the packaged one again while it does not exist (Hydra warns about a
    search path that is not there on every command)."""
    found = user_conf_dir()
    return str(found if found.is_dir() else CONF_DIR)


def bench_command() -> str:
    """This bench, as a shell command that works in a batch job whatever its PATH: the interpreter that runs
    bench now (the checkout's venv) with the CLI module."""
    import shlex
    import sys

    return f"{shlex.quote(sys.executable)} -m bench.cli"


def register() -> None:
    """What composing needs, once per process: the schema and the resolvers conf/ uses."""
    from omegaconf import OmegaConf

    if not OmegaConf.has_resolver("bench_root"):  # where conf/ and scenarios/ are (recorded configs use it)
        OmegaConf.register_new_resolver("bench_root", lambda: str(DATA_ROOT))
    if not OmegaConf.has_resolver("bench_command"):  # how a SLURM job runs bench (launcher `setup` lines)
        OmegaConf.register_new_resolver("bench_command", bench_command)
    if not OmegaConf.has_resolver("bench_user_conf"):  # on hydra.searchpath (conf/config.yaml)
        OmegaConf.register_new_resolver("bench_user_conf", _searched_user_conf)
    register_configs()


def composed(overrides: list[str] | tuple[str, ...] = (), return_hydra_config: bool = False) -> DictConfig:
    """The config as `bench run` would compose it, untyped (its YAML is what run.json records).

    The one place that composes outside `bench run`'s own `@hydra.main`: commands, tests and benchmarks.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    register()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return hydra_compose(
            config_name="config", overrides=list(overrides), return_hydra_config=return_hydra_config
        )


def typed(cfg: DictConfig) -> BenchConfig:
    """Structured config -> dataclass instance; __post_init__ checks what the schema cannot."""
    from omegaconf import OmegaConf

    return OmegaConf.to_object(cfg)  # type: ignore[return-value]


def compose(overrides: list[str] | tuple[str, ...] = ()) -> BenchConfig:
    """The typed config of `bench run OVERRIDES...`."""
    return typed(composed(overrides))
