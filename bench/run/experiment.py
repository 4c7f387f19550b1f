"""One `bench run`: typed config in, run directory with rows and a summary out, an exit code back.

Exit codes: 0 all cells measured; 1 some builds failed (recorded as failed rows); 2 the engine or the
input is not usable (one line says what to run); 130 interrupted (rows measured so far stay on disk).
The engine side comes from a factory (bench/run/engine.py): `bench run` measures on Docker, tests on a
scripted engine, through the same path.
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from bench.audit.run_equivalence import write_equivalence
from bench.config import BenchConfig
from bench.machine.node import batch_job, node_name
from bench.network import latency
from bench.plan import Measurement, pairs
from bench.run.context import BuildTools, RunContext
from bench.run.engine import RunEngine, Say
from bench.run.input_checks import checked_input
from bench.run.progress import run_progress
from bench.run.provenance import scenario_git
from bench.run.resume import ResumePoint, reopen, resume_line, resume_point, rows_on_disk
from bench.run.runner import Runner, RunTally
from bench.run.stopping import Stopping, StopRule, remaining
from bench.safe import scratch
from bench.scenario.definition import Scenario, build_network, host_network_line
from bench.store.results import META_FILE, RunWriter, load, read_meta
from bench.store.rows import EngineMeta, PlanMeta, RunMeta, ScenarioMeta
from bench.vocabulary import Pairing

if TYPE_CHECKING:
    from bench.report.export import Exports

EXIT_OK, EXIT_FAILED_BUILDS, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130
#: (config, how to say a line) -> the engine side of a run
EngineFactory = Callable[[BenchConfig, Say], RunEngine]


def docker_engine(config: BenchConfig, say: Say) -> RunEngine:
    """The engine of `bench run`: Docker through python-on-whales (imported only when a run starts)."""
    from bench.run.engine import DockerRunEngine

    return DockerRunEngine(config, say)


def _say(console: Console) -> Say:
    return lambda text: console.print(text, highlight=False)


def run_experiment(
    config: BenchConfig,
    config_yaml: str,
    run_dir: Path,
    console: Console | None = None,
    engine: EngineFactory = docker_engine,
    *,
    resuming: bool = False,
) -> int:
    """Plan, measure, write rows and the summary; returns the exit code. Holds the machine's lock
    (bench/machine/lock.py) for the whole run and never writes into another run's directory.

    `resuming`: continue an interrupted run in its own directory: the same config (else ResumeError,
    before the engine is touched), the rest of its recorded plan in order (bench/run/resume.py); the rows on
    disk are re-read under the lock, where no other run can be writing them."""
    from bench.machine.lock import engine_lock
    from bench.run.resume import check_config

    console, run_dir = console or Console(), Path(run_dir)
    if resuming:
        check_config(run_dir, read_meta(run_dir), config_yaml)
    with engine_lock(config.engine, str(run_dir), say=_say(console)):
        if not resuming and (run_dir / META_FILE).exists():  # under the lock: two jobs cannot race
            console.print(
                f"[red]{run_dir} already holds a run[/]; refusing to mix rows: give each run its own folder "
                f"(or continue it: bench run --resume {run_dir})",
                highlight=False,
            )
            return EXIT_UNUSABLE
        return _measure(config, config_yaml, run_dir, console, engine, resuming=resuming)


def _new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def _new_meta(
    config: BenchConfig,
    config_yaml: str,
    scenario: Scenario,
    plan: list[Measurement],
    tools: BuildTools,
    run_id: str,
) -> RunMeta:
    engine = config.engine
    return RunMeta(
        run_id=run_id,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        scenario=ScenarioMeta(
            name=scenario.name,
            directory=str(scenario.directory),
            target=scenario.target,
            source_change=scenario.source_change,
            description=scenario.description,
        ),
        engine=EngineMeta(
            name=engine.name,
            context=engine.context,
            owned=engine.owned,
            host=tools.endpoint,
            image_store=engine.image_store if engine.started_by_bench else None,
        ),
        config_hash=hashlib.sha256(config_yaml.encode()).hexdigest()[:16],
        config_yaml=config_yaml,
        plan=PlanMeta(
            seed=config.seed,
            repetitions=config.repetitions,
            warmup=config.warmup,
            order=tuple(m.cell.id for m in plan),
            pairing=Pairing.paired.value if pairs(plan) else Pairing.independent.value,
            pairs=tuple(pairs(plan)),
            precision=asdict(config.precision) if config.auto else None,
        ),
        environment=dict(tools.environment),
        node=node_name(),
        batch_job=batch_job(),
        network=build_network(scenario, config.network),
    )


def _announce(
    console: Console, config: BenchConfig, scenario: Scenario, plan: list, run_dir: Path, point
) -> None:
    rounds = config.warmup + config.rounds
    if config.auto:
        p = config.precision
        repetitions = f"{p.min} to {p.max} repetitions until +-{p.target:.0%}"
    else:
        repetitions = f"{config.repetitions} repetitions"
    paired = len(pairs(plan))
    pairing = f"; {paired} warm builds start from their cold build's state" if paired else ""
    console.print(
        f"[bold]bench run[/] {scenario.name}: {'up to ' if config.auto else ''}{len(plan)} builds "
        f"({len(plan) // rounds} cells x {config.warmup} warmup + {repetitions}{pairing}) on engine "
        f"{config.engine.name!r} -> {run_dir}",
        highlight=False,
    )
    host_network = host_network_line(scenario, config.network)
    if host_network is not None:
        console.print(f"[yellow]{host_network}[/]", highlight=False)
    if point is not None:
        torn = f" (a torn last line was cut from {', '.join(point.torn_files)})" if point.torn_files else ""
        console.print(
            f"resuming: {len(point.done)} of {len(plan)} builds on disk, measuring the other "
            f"{len(point.remaining)} in the recorded order{torn}",
            highlight=False,
        )


def _measure(
    config: BenchConfig,
    config_yaml: str,
    run_dir: Path,
    console: Console,
    engine_factory: EngineFactory,
    resuming: bool = False,
) -> int:
    scenario, plan = checked_input(config)
    point = resume_point(run_dir, read_meta(run_dir), plan) if resuming else None
    stopping = Stopping(StopRule.of(config), list(dict.fromkeys(m.cell for m in plan)))
    if point is not None:
        stopping.seed(row for row in rows_on_disk(run_dir) if row.seq in point.done)
    if point is not None and not remaining(point.remaining, stopping):
        console.print(f"{run_dir}: all {len(plan)} planned builds are on disk; nothing to resume")
        return EXIT_OK
    say = _say(console)
    engine = engine_factory(config, say)
    problem = engine.unusable()
    if problem is not None:
        console.print(problem, highlight=False)
        return EXIT_UNUSABLE
    run_id = _new_run_id() if point is None else point.meta.run_id  # names the run's images
    tools = engine.prepare(scenario, run_dir, run_id)
    if point is None:
        meta = _new_meta(config, config_yaml, scenario, plan, tools, run_id)
        writer = RunWriter(run_dir, meta)
        to_measure = plan
    else:
        writer, to_measure = reopen(point, dict(tools.environment)), point.remaining
    _announce(console, config, scenario, plan, run_dir, point)
    with engine.link_up() as (link, engine_for_builds), scratch.run_directory() as workroot:
        context = RunContext(
            run_id=writer.meta.run_id,
            scenario=replace(
                scenario,
                build_args=latency.readdressed(scenario.build_args, config.engine, engine_for_builds),
            ),
            engine=engine_for_builds,
            tools=tools,
            tag_prefix=config.tag_prefix,
            network=config.network,
            workroot=workroot,
            link=link,
            resumed=point is not None,
            git=scenario_git(scenario.directory),
            node=node_name(),
        )
        with run_progress(console, len(plan), already=len(plan) - len(to_measure)) as progress:
            tally = Runner(context, writer, progress, stopping).run(to_measure)
    engine.after_run(run_dir, stopped=tally.stopped is not None)
    equivalence = write_equivalence(run_dir)
    if equivalence is not None:
        say(f"images of the two builders compared: {equivalence}")
    measured = (len(point.done) if point is not None else 0) + tally.measured
    status = "interrupted" if tally.interrupted else "stopped" if tally.stopped else "complete"
    writer.finish(status, finished_at=datetime.now(UTC).isoformat(timespec="seconds"), measured=measured)
    summarize(run_dir, console)
    if engine.leaked(run_dir):
        return EXIT_FAILED_BUILDS  # the token reached the run's files or the harness's logs
    return _exit_code(tally, point, measured, len(plan), run_dir)


def _exit_code(tally: RunTally, point: ResumePoint | None, measured: int, planned: int, run_dir: Path) -> int:
    """The run's exit code, with the line that says why on stderr."""
    if tally.interrupted:
        print(
            f"bench: interrupted after {measured} of {planned} builds; the rows measured so far are in "
            f"{run_dir} (continue: bench run --resume {run_dir})",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if tally.stopped is not None:
        print(
            f"bench: stopped after {measured} of {planned} builds: {tally.stopped.what}; the rows measured "
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


def summarize(run_dir: Path, console: Console, exports: Exports | None = None) -> Path | None:
    """Terminal summary and summary.md (with its figure) from what is on disk, complete or not: the
    summary sections of the one report model (bench.report), built once for both; `exports` writes the
    summary's document in those formats too (its cells and speedups as JSON or CSV, summary.md's text)."""
    from bench.report.export import write
    from bench.report.files import SUMMARY_MD, print_report, summary_document
    from bench.report.model import build_report

    run = load(run_dir)
    if run.builds.empty:
        console.print("no builds were measured; nothing to summarize")
        return None
    report = build_report([run])
    print_report(report, console)
    resumed = resume_line(run.meta)
    if resumed:
        console.print(resumed, highlight=False)
    summary = summary_document(report, run_dir)
    written = write(summary, "markdown", Path(run_dir) / SUMMARY_MD)
    if exports is not None and exports.wanted:
        from bench.report.commands import say_written

        say_written(console, exports.write(summary))
    return written
