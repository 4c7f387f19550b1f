"""One `bench run`: typed config in, run directory with rows and a summary out, an exit code back.

Exit codes: 0 all cells measured; 1 some builds failed (recorded as failed rows); 2 the engine or the
input is not usable (one line says what to run); 130 interrupted (rows measured so far stay on disk).
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from python_on_whales import DockerClient
from rich.console import Console

from bench.audit.after_build import AfterBuild
from bench.audit.run_equivalence import write_equivalence
from bench.builders import make_builder
from bench.config import BenchConfig, BuilderName
from bench.engine import environment, health, probe, reset
from bench.engine.capabilities import engine_lacks
from bench.engine.fleet import context_endpoint
from bench.engine.observer import EngineObserver
from bench.engine.transfer import CliTransfer
from bench.host import provision
from bench.network import latency, link
from bench.network.link import LinkProfile
from bench.plan import Measurement
from bench.results import RunWriter, load, read_meta
from bench.resume import reopen, resume_line, resume_point
from bench.run_input import checked_input
from bench.runner import Runner
from bench.scenario import Scenario
from bench.secrets.run import SecretRun, with_leak_audit
from bench.services import registry_gc

EXIT_OK, EXIT_FAILED_BUILDS, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _progress(console: Console, total: int):
    def on_start(m: Measurement) -> None:
        kind = "warmup" if m.warmup else f"rep {m.repetition + 1}"
        where = "" if m.cell.platform == "native" else f"{m.cell.platform} "
        console.print(
            f"[dim]{m.seq + 1:>3}/{total}[/] {where}{m.cell.builder.value:<8} cache={m.cell.cache.value:<5} "
            f"change={m.cell.change.value:<6} {kind:<7} ",
            end="",
        )

    def on_row(m: Measurement, row: dict) -> None:
        outcome = row["outcome"]
        if outcome == "ok":
            flags = f" [yellow]{','.join(row['flags'])}[/]" if row["flags"] else ""
            console.print(
                f"{row['wall_s']:7.2f} s  cached {row['steps_cached']}/{row['steps_total']} steps "
                f"[dim](reset {row['reset_s'] or 0:.1f} s, prime {row['prime_s'] or 0:.1f} s)[/]{flags}"
            )
        else:
            first = (row.get("error_tail") or "").strip().splitlines()[-1:] or [""]
            colour = "red" if outcome == "failed" else "yellow"
            console.print(f"[{colour}]{outcome}[/]: {first[0][:120]}", markup=True, highlight=False)

    return on_start, on_row


def _platform_check(docker: DockerClient, config: BenchConfig, scenario: Scenario):
    """The runner's check that each built image is for its cell's platform (bench/engine/image_platform)."""
    from bench.engine.image_platform import check_image

    def check(cell_platform: str, image_id: str | None, tag: str) -> str | None:
        return check_image(docker, config.engine, cell_platform, image_id, tag, scenario.arch_probe)

    return check


def _port(address: str) -> int:
    return int(address.rpartition(":")[2])


def run_experiment(
    config: BenchConfig, config_yaml: str, run_dir: Path, console: Console | None = None
) -> int:
    """Plan, measure, write rows and the summary; returns the exit code. Holds the engine's lock
    (bench/engine/lock.py) for the whole run and never writes into another run's directory."""
    from bench.engine.lock import engine_lock
    from bench.results import META_FILE

    console = console or Console()
    with engine_lock(config.engine, str(run_dir), say=lambda text: console.print(text, highlight=False)):
        if (Path(run_dir) / META_FILE).exists():  # checked under the lock: two jobs of one engine cannot race
            console.print(
                f"[red]{run_dir} already holds a run[/]; refusing to mix rows: give each run its own folder "
                f"(or continue it: bench run --resume {run_dir})",
                highlight=False,
            )
            return EXIT_UNUSABLE
        return _measure(config, config_yaml, run_dir, console)


def resume_experiment(
    config: BenchConfig, config_yaml: str, run_dir: Path, console: Console | None = None
) -> int:
    """Continue an interrupted run in its own directory: the same config (else ResumeError, before the
    engine is touched), the rest of its recorded plan in order (bench/resume.py), under the engine's lock
    as a new run; the rows on disk are re-read under the lock, where no other run can be writing them."""
    from bench.engine.lock import engine_lock
    from bench.resume import check_config

    console = console or Console()
    check_config(run_dir, read_meta(run_dir), config_yaml)
    with engine_lock(config.engine, str(run_dir), say=lambda text: console.print(text, highlight=False)):
        return _measure(config, config_yaml, run_dir, console, resuming=True)


def _new_meta(config: BenchConfig, config_yaml: str, scenario: Scenario, plan: list, env: dict) -> dict:
    return {
        "run_id": f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": {
            "name": scenario.name,
            "directory": str(scenario.directory),
            "target": scenario.target,
            "source_change": scenario.source_change,
            "description": scenario.description,
        },
        "engine": {
            "name": config.engine.name,
            "context": config.engine.context,
            "owned": config.engine.owned,
            "host": context_endpoint(config.engine),
            "image_store": config.engine.image_store if config.engine.started_by_bench else None,
        },
        "config_hash": hashlib.sha256(config_yaml.encode()).hexdigest()[:16],
        "config_yaml": config_yaml,
        "plan": {
            "seed": config.seed,
            "repetitions": config.repetitions,
            "warmup": config.warmup,
            "order": [m.cell.id for m in plan],
        },
        "environment": env,
    }


def _measure(
    config: BenchConfig, config_yaml: str, run_dir: Path, console: Console, resuming: bool = False
) -> int:
    scenario, plan = checked_input(config)
    point = resume_point(run_dir, read_meta(run_dir), plan) if resuming else None
    if point is not None and not point.remaining:
        console.print(f"{run_dir}: all {len(plan)} planned builds are on disk; nothing to resume")
        return EXIT_OK
    missing = probe.preflight(config.engine, config.platform.names)
    if missing is not None:
        console.print(f"[red]{missing.name}: {missing.detail}[/]; fix: {missing.fix}", highlight=False)
        return EXIT_UNUSABLE
    docker = DockerClient(context=config.engine.context)
    provision.provide(config, scenario, docker, say=lambda text: console.print(text, highlight=False))
    # every builder, not only the measured ones: cache=cross-builder primes with the other one
    builders = {name.value: make_builder(name.value, docker) for name in BuilderName}
    if scenario.kind == "compose":  # `docker compose build` under each builder (bench/builders/compose.py)
        from bench.builders.compose import compose_builders

        builders = dict(compose_builders(docker))
    # a secrets scenario: its token and server; ssh: keys, sshd, agent (a fault is said in one line)
    secret = SecretRun.open(
        scenario, config.engine, docker, run_dir, say=lambda text: console.print(text, highlight=False)
    )
    if secret is not None:
        builders = secret.wrap(builders)
    env = environment.capture(docker)
    if point is None:
        writer = RunWriter(run_dir, _new_meta(config, config_yaml, scenario, plan, env))
        to_measure, done_before = plan, 0
    else:
        writer, to_measure, done_before = reopen(point, env), point.remaining, len(point.done)
    run_id = writer.meta["run_id"]
    rounds = config.warmup + config.repetitions
    console.print(
        f"[bold]bench run[/] {scenario.name}: {len(plan)} builds ({len(plan) // rounds} cells x "
        f"{config.warmup} warmup + {config.repetitions} repetitions) on engine {config.engine.name!r}"
        f" -> {run_dir}",
        highlight=False,
    )
    if point is not None:
        torn = f" (a torn last line was cut from {', '.join(point.torn_files)})" if point.torn_files else ""
        console.print(
            f"resuming: {done_before} of {len(plan)} builds on disk, measuring the other {len(to_measure)} "
            f"in the recorded order{torn}",
            highlight=False,
        )
    on_start, on_row = _progress(console, len(plan))
    runner = Runner(
        run_id=run_id,
        scenario=scenario,
        engine=config.engine,
        builders=builders,
        reset=lambda: reset.make_cold(docker, config.engine, config.tag_prefix),
        writer=writer,
        network=config.network,
        tag_prefix=config.tag_prefix,
        check_image=_platform_check(docker, config, scenario),
        on_row=on_row,
        on_start=on_start,
        transfer=CliTransfer(docker),
        observer=EngineObserver(docker, config.engine),
        after_build=with_leak_audit(
            secret, AfterBuild(docker, scenario, run_dir, {b.value for b in config.builder.names})
        ),
        resumed=point is not None,
    )
    runner.engine_lacks = engine_lacks(env)
    runner.health = lambda error: health.blocked(
        config.engine, error, say=lambda text: console.print(text, highlight=False)
    )
    profile = LinkProfile(config.link.name, config.link.rate_mbit, config.link.delay_ms)
    ports = [_port(config.engine.registry), _port(config.engine.package_index)]
    with (
        link.shaped(profile, ports, config.engine.run_dir, say=console.print) as shaped,
        latency.relayed(shaped, config.engine, say=console.print) as (applied, via),
    ):
        runner.link, runner.engine = applied, via
        runner.scenario = replace(
            scenario, build_args=latency.readdressed(scenario.build_args, config.engine, via)
        )
        tally = runner.run(to_measure)
    if tally.stopped is None or probe.engine_answers(config.engine).ok:  # a daemon that died cannot
        reset.remove_own_images(docker, config.tag_prefix)
    # its cache refs were needed only between priming and measuring (bench/services/registry_gc.py)
    registry_gc.after_run(
        config.engine, run_dir, config.tag_prefix, say=lambda text: console.print(text, highlight=False)
    )
    equivalence = write_equivalence(run_dir)
    if equivalence is not None:
        console.print(f"images of the two builders compared: {equivalence}", highlight=False)
    status = "interrupted" if tally.interrupted else "stopped" if tally.stopped else "complete"
    measured = done_before + tally.measured
    writer.finish(status, finished_at=datetime.now(UTC).isoformat(timespec="seconds"), measured=measured)
    summarize(run_dir, console)
    if secret is not None and secret.finish(run_dir, say=lambda text: console.print(text, highlight=False)):
        return EXIT_FAILED_BUILDS  # the token reached the run's files or the harness's logs
    if tally.interrupted:
        print(
            f"bench: interrupted after {measured} of {len(plan)} builds; the rows measured so far are in "
            f"{run_dir} (continue: bench run --resume {run_dir})",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if tally.stopped is not None:
        print(
            f"bench: stopped after {measured} of {len(plan)} builds: {tally.stopped.what}; the rows measured "
            f"so far are in {run_dir}; fix: {tally.stopped.fix}, then bench run --resume {run_dir}",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    # the exit code is the run's: builds that failed before a resume count too
    failed = [*(point.failed_before if point is not None else ()), *tally.failed]
    if failed:
        print(f"bench: {len(failed)} build(s) failed: {', '.join(sorted(set(failed)))}", file=sys.stderr)
        return EXIT_FAILED_BUILDS
    return EXIT_OK


def summarize(run_dir: Path, console: Console) -> Path | None:
    """Terminal table and summary.md (with its figure) from what is on disk, complete or not."""
    from bench.summary.markdown import write_summary_md
    from bench.summary.terminal import print_summary

    run = load(run_dir)
    if run.builds.empty:
        console.print("no builds were measured; nothing to summarize")
        return None
    print_summary(run.builds, console=console)
    resumed = resume_line(run.meta)
    if resumed:
        console.print(resumed, highlight=False)
    return write_summary_md(
        run.builds, run_dir, env=run.meta.get("environment", {}), config_yaml=run.meta.get("config_yaml", "")
    )
