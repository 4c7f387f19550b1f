"""`bench run [OVERRIDES...]`: measure (Hydra's `@hydra.main`: `-m` sweeps, `--cfg job`, `--help`...);
`bench run --resume RUN_DIR [OVERRIDES...]` finishes an interrupted run."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NAME = "run"
USAGE = "[OVERRIDES...] | --resume RUN_DIR"
HELP = "measure (Hydra: `bench run scenario=multistage`, `-m` to sweep, --help for the config groups)"

#: Hydra re-raises instead of printing and exiting 1 (hydra/_internal/utils.py run_and_report)
FULL_ERROR = "HYDRA_FULL_ERROR"
#: argv[0] for Hydra: the command its shell completion registers for (the job is named by conf/config.yaml).
PROGRAM = "bench"
#: The flags that make `bench run` a sweep (Hydra's multirun).
SWEEP_FLAGS = ("-m", "--multirun")


def _sweep_jobs(overrides: list[str]) -> list[list[str]] | None:
    """The overrides of every job `bench run -m OVERRIDES` launches, by Hydra's own expansion (its basic
    sweeper: `a=x,y b=z`, range(), choice(), glob()); None under another sweeper, whose jobs only it
    knows. Hydra's own overrides (hydra.sweep.dir, hydra/launcher) are no job's input."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    if any(o.key_or_group == "hydra/sweeper" for o in parsed):
        return None
    task = [o for o in parsed if not o.is_hydra_override()]
    return [list(job) for batch in BasicSweeper.split_arguments(task, None) for job in batch]


def _check_run_input(args: list[str]) -> None:
    """Bad input is refused here, before Hydra makes its directory under results/ (a run's, or a sweep's
    and its jobs'), and before any job takes the engine's lock: the config (values the schema or
    __post_init__ refuse), the scenario and the plan's size (bench/run_input), of a single run or of every
    job of a sweep (`-m`: one bad job refuses the sweep). Hydra's other flags (--cfg, --help...) are left to
    Hydra; each run checks its input again."""
    sweeping = any(arg in SWEEP_FLAGS for arg in args)
    if any(arg.startswith("-") and arg not in SWEEP_FLAGS for arg in args):
        return
    from bench.composition import compose
    from bench.run.input_checks import checked_input
    from bench.store.results import META_FILE, ResultsError

    overrides = [arg for arg in args if arg not in SWEEP_FLAGS]
    jobs = _sweep_jobs(overrides) if sweeping else [overrides]
    for job in jobs or ():
        checked_input(compose(job))
    if sweeping:
        return
    for arg in args:  # Hydra would rewrite the .hydra/ of a run already there before the run refused it
        key, _, value = arg.partition("=")
        if key == "hydra.run.dir" and (Path(value) / META_FILE).exists():
            raise ResultsError(
                f"{value} already holds a run; give each run its own folder, or continue it",
                f"bench run --resume {value}",
            )


def _resume_args(args: list[str]) -> tuple[Path, list[str]] | str:
    """(RUN_DIR, overrides) of `--resume RUN_DIR [OVERRIDES]`, or what is wrong with them."""
    rest, run_dir = [], None
    words = iter(args)
    for word in words:
        if word == "--resume":
            run_dir = next(words, None)
        elif word.startswith("--resume="):
            run_dir = word.partition("=")[2]
        else:
            rest.append(word)
    if not run_dir:
        return "--resume needs the run directory, e.g. `bench run --resume results/2026-...`"
    flags = [word for word in rest if word.startswith("-") or word.startswith("hydra")]
    if flags:
        return f"--resume continues one run in its own directory; it takes config overrides, not {flags[0]}"
    return Path(run_dir), rest


def _resume(args: list[str]) -> int:
    """`bench run --resume RUN_DIR [OVERRIDES]`: continue an interrupted run (bench/run/resume.py).

    A flag read here, before Hydra, rather than a `resume=RUN_DIR` key of the structured config: the key
    would be part of the config that run.json records, so the resumed config would differ from the run's
    by that key alone; Hydra's main would make a new run directory (or rewrite .hydra/ and the log of the
    old one) before the task could say where to write; and a resume is one directory, never a sweep.
    The config is composed with the compose API from the run's own overrides (.hydra/overrides.yaml) with
    the given ones after them: `--resume RUN_DIR` alone is the run's config, and a given override that
    changes it is refused by name.
    """
    from omegaconf import OmegaConf

    from bench.composition import composed, typed
    from bench.run.experiment import run_experiment
    from bench.run.resume import recorded_overrides

    parsed = _resume_args(args)
    if isinstance(parsed, str):
        print(f"bench: {parsed}", file=sys.stderr)
        return 2
    run_dir, given = parsed
    recorded = recorded_overrides(run_dir)
    cfg = composed([*recorded, *(override for override in given if override not in recorded)])
    return run_experiment(typed(cfg), OmegaConf.to_yaml(cfg), run_dir, resuming=True)


def main(args: list[str]) -> int:
    import hydra
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf

    from bench.composition import CONF_DIR, register
    from bench.errors import known_errors, print_error
    from bench.sweep.jobs import RERUN_ENV, rerun_action

    if any(arg == "--resume" or arg.startswith("--resume=") for arg in args):
        return _resume(args)
    register()
    _check_run_input(args)
    result = {"code": 0}

    @hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
    def task(cfg) -> None:
        result["started"] = 1
        from bench.composition import typed
        from bench.run.experiment import run_experiment

        try:
            config = typed(cfg)
            run_dir = Path(HydraConfig.get().runtime.output_dir)
            action = rerun_action(run_dir) if os.environ.get(RERUN_ENV) else "measure"
            if action == "keep":
                print(f"bench: {run_dir} already holds this job's complete run; kept")
                return
            code = run_experiment(config, OmegaConf.to_yaml(cfg), run_dir, resuming=action == "resume")
            result["code"] = max(result["code"], code)
        except known_errors() as error:
            result["code"] = print_error(error)
            if not HydraConfig.get().mode.name == "MULTIRUN":
                raise SystemExit(result["code"]) from None

    from bench.sweep.jobs import LAST_SWEEP

    # Hydra reads its flags from sys.argv, and its shell completion registers for argv[0]'s name: `bench`,
    # whose top level hands `bench -sc query=bash` back here (bench/commands/completion.py).
    sys.argv = [PROGRAM, *args]
    LAST_SWEEP.clear()
    try:
        with _launcher_errors_raised(args):
            task()
    except SystemExit as exit_:
        if "started" not in result and exit_.code == 1:
            return 2  # Hydra refused the config and printed why; bad input is exit 2 everywhere in bench
        raise
    except Exception as error:
        if not _lost_job(error):
            raise
        return _after_lost_job(error)
    return max(result["code"], int(LAST_SWEEP.get("code", 0)))


@contextmanager
def _launcher_errors_raised(args: list[str]) -> Iterator[None]:
    """In a sweep, let a launcher's exception reach `main` (HYDRA_FULL_ERROR) instead of Hydra printing it
    and exiting 1: submitit's launcher raises at the first job the scheduler lost, before Hydra's
    end-of-sweep callback could say which jobs ran."""
    sweeping = any(arg in ("-m", "--multirun") for arg in args)
    before = os.environ.get(FULL_ERROR)
    if sweeping:
        os.environ[FULL_ERROR] = "1"
    try:
        yield
    finally:
        if sweeping and before is None:
            os.environ.pop(FULL_ERROR, None)


def _lost_job(error: BaseException) -> bool:
    """A submitit job that died, was cancelled or raised (the launcher's `job.results()`)."""
    try:
        from submitit.core.utils import FailedJobError, UncompletedJobError
    except ImportError:
        return False
    return isinstance(error, FailedJobError | UncompletedJobError)


def _after_lost_job(error: BaseException) -> int:
    """The launcher gave up at a lost job: wait for the jobs the scheduler still runs, then say which jobs
    of the sweep are complete and which are not, and why; exit 1."""
    from bench.sweep.jobs import LAST_SWEEP, print_sweep
    from bench.sweep.scheduler import submitted_jobs, wait_for

    first = next((line for line in str(error).splitlines() if line.strip()), type(error).__name__)
    print(f"bench: a job of the sweep did not finish: {first}", file=sys.stderr)
    sweep_dir = Path(str(LAST_SWEEP["dir"]))  # SweepStatus.on_multirun_start
    wait_for(submitted_jobs(sweep_dir).values(), say=lambda text: print(f"bench: {text}"))
    print_sweep(sweep_dir, say=lambda text: print(f"bench: {text}"))
    return 1
