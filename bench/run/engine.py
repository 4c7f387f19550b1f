"""What a run asks of the engine it measures on, and the real answer: Docker through python-on-whales.

`bench/run/experiment.py` runs a whole experiment against a `RunEngine`; `DockerRunEngine` is the one `bench
run` uses. Tests give a scripted one (tests/fakes.py), so a whole run (plan, rows, summary) runs with no
engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from python_on_whales import DockerClient

from bench.audit.after_build import AfterBuild
from bench.bases import provision
from bench.builders import make_builder
from bench.config import BenchConfig, EngineConfig
from bench.engine import adoption, environment, health, probe, reset
from bench.engine.cost import EngineMeter
from bench.engine.fleet import context_endpoint
from bench.engine.image_platform import check_image
from bench.engine.observer import EngineObserver
from bench.engine.own_images import RunImages
from bench.engine.transfer import CliTransfer
from bench.errors import EngineError
from bench.network import latency, link
from bench.network.link import AppliedLink, LinkProfile
from bench.run.capabilities import engine_lacks
from bench.run.context import BuildTools, ImageCheck
from bench.scenario.definition import Scenario
from bench.secrets.run import SecretRun, with_leak_audit
from bench.services import known_runs, registry_gc
from bench.vocabulary import BuilderName

#: How a line is said to the user (the terminal during a run): what every `say` in bench is.
Say = Callable[[str], object]
#: While the link is up: the link as applied (None: loopback) and the engine config as builds reach it,
#: whose registry and index addresses builds use (a relay's when the link adds delay).
LinkedEngine = tuple[AppliedLink | None, EngineConfig]


class RunEngine(Protocol):
    """The engine side of one run, in the order a run uses it."""

    def unusable(self) -> str | None:
        """One line saying what the engine lacks and its fix, or None when it can run this config."""

    def prepare(self, scenario: Scenario, run_dir: Path, run_id: str) -> BuildTools:
        """Make what the run needs (base images...) and give its builders and the checks around each
        build; the run's id names the images it makes (bench/engine/own_images.py)."""

    def link_up(self) -> AbstractContextManager[LinkedEngine]:
        """The link to the registry for the measured builds, up for the block."""

    def after_run(self, run_dir: Path, stopped: bool) -> None:
        """Remove what the run left on the engine (its images, its cache refs)."""

    def leaked(self, run_dir: Path) -> bool:
        """After the summary: whether the run's secret reached its files or logs (closes the secret)."""


def _port(address: str) -> int:
    return int(address.rpartition(":")[2])


class DockerRunEngine:
    """`bench run`'s engine: the configured docker context, its registry, link and secret servers."""

    def __init__(self, config: BenchConfig, say: Say) -> None:
        self.config = config
        self.engine = config.engine
        self.say = say
        self.docker = DockerClient(context=config.engine.context)
        self.secret: SecretRun | None = None
        self.images: RunImages | None = None  # the run's own images, named at prepare

    def unusable(self) -> str | None:
        missing = probe.preflight(self.engine, self.config.platform.names)
        if missing is not None:
            return f"[red]{missing.name}: {missing.detail}[/]; fix: {missing.fix}"
        if self.engine.owned:  # it will be emptied before every cold build: only if bench may
            try:
                adoption.prove(self.engine, self.docker, self.config.tag_prefix)
            except adoption.NotOwned as error:
                return f"[red]{error}[/]; fix: {error.fix}"
        return None

    def _platform_check(self, scenario: Scenario) -> ImageCheck:
        """Each built image is for its cell's platform (bench/engine/image_platform.py)."""

        def check(cell_platform: str, image_id: str | None, tag: str) -> str | None:
            return check_image(self.docker, self.engine, cell_platform, image_id, tag, scenario.arch_probe)

        return check

    def _builders(self, scenario: Scenario, run_dir: Path) -> dict:
        """Every builder (cache=cross-builder primes with the other one); compose scenarios build with
        `docker compose build`; a secrets scenario's builders are given its token or key."""
        builders = {name.value: make_builder(name.value, self.docker) for name in BuilderName}
        if scenario.kind == "compose":
            from bench.builders.compose import compose_builders

            builders = dict(compose_builders(self.docker))
        self.secret = self._secret_run(scenario, run_dir)
        return builders if self.secret is None else self.secret.wrap(builders)

    def _secret_run(self, scenario: Scenario, run_dir: Path) -> SecretRun | None:
        """A secrets scenario's token and server, the ssh scenario's keys and servers (`ssh_key`), or None
        for a scenario without a `secret` section."""
        if scenario.secret is None:
            return None
        if "ssh_key" in scenario.secret:
            from bench.secrets.ssh_run import SshRun

            return SshRun.open(self.engine, self.docker, run_dir, self.say)
        return SecretRun.open(self.engine, self.docker, run_dir)

    def prepare(self, scenario: Scenario, run_dir: Path, run_id: str) -> BuildTools:
        self.images = images = RunImages(self.config.tag_prefix, run_id)
        self._remember(run_dir)
        provision.provide(self.config, scenario, self.docker, say=self.say)
        builders = self._builders(scenario, run_dir)
        env = environment.capture(self.docker)
        measured = {b.value for b in self.config.builder.names}
        return BuildTools(
            builders=builders,
            reset=lambda: reset.make_cold(self.docker, self.engine, images),
            environment=env,
            endpoint=context_endpoint(self.engine),
            transfer=CliTransfer(self.docker),
            observer=EngineObserver(self.docker, self.engine),
            check_image=self._platform_check(scenario),
            after_build=with_leak_audit(self.secret, AfterBuild(self.docker, scenario, run_dir, measured)),
            engine_lacks=engine_lacks(env),
            health=lambda error: health.blocked(self.engine, error, say=self.say),
            meter=EngineMeter(self.engine, self.config.quiet) if self.engine.started_by_bench else None,
        )

    def _remember(self, run_dir: Path) -> None:
        """Record the run directory before the run pushes anything: `bench engine gc` keeps what it names
        (bench/services/known_runs.py), wherever gc is run from."""
        try:
            known_runs.record(run_dir)
        except (OSError, EngineError) as error:  # gc refuses a damaged record, so nothing is lost
            self.say(f"registry: {run_dir} not recorded for `bench engine gc` ({error})")

    @contextmanager
    def link_up(self) -> Iterator[LinkedEngine]:
        wanted = self.config.link
        profile = LinkProfile(wanted.name, wanted.rate_mbit, wanted.delay_ms)
        ports = [_port(self.engine.registry), _port(self.engine.package_index)]
        with (
            link.shaped(profile, ports, self.engine.run_dir, say=self.say) as shaped,
            latency.relayed(shaped, self.engine, say=self.say) as (applied, via),
        ):
            yield applied, via

    def after_run(self, run_dir: Path, stopped: bool) -> None:
        answers = not stopped or probe.engine_answers(self.engine).ok  # a daemon that died cannot
        if self.images is not None and answers:
            reset.remove_own_images(self.docker, self.images)
        # its cache refs were needed only between priming and measuring (bench/services/registry_gc.py)
        registry_gc.after_run(self.engine, run_dir, self.config.tag_prefix, say=self.say)

    def leaked(self, run_dir: Path) -> bool:
        return self.secret is not None and bool(self.secret.finish(run_dir, say=self.say))
