"""The `bench` command: thin, turns arguments into library calls and errors into one line and an exit code.

bench run [OVERRIDES...]          measure (Hydra: `bench run scenario=multistage`, `-m` to sweep)
bench run --resume RUN_DIR        finish an interrupted run: the builds not on disk, in its recorded order
bench doctor [OVERRIDES...]       what the engine can do, and how to fix what it cannot
bench engine up [--all] [OVERRIDES...]   the dedicated engine (binaries in a private prefix) and registry;
                                  --all also makes every base image, QEMU and the package index ahead of time
bench engine down|reset|status [OVERRIDES...]   stop it; empty it (cold, as hyperfine's --prepare); doctor
                                  and the disk used by its data root, registry, prefix and logs
bench engine gc [OVERRIDES...]    delete registry refs no kept run names (base images stay), free their blobs
bench engine env                  the shell exports to use bench's engine: eval "$(bench engine env)"
bench engine purge [--yes]        remove everything bench installed or started (asks first)
bench engine add NAME --host ssh://USER@HOST|tcp://HOST:2376 [--owned] [--tls-ca F --tls-cert F --tls-key F]
                                  a docker context and conf/engine/NAME.yaml: `bench run engine=NAME`;
                                  shared (never pruned) unless --owned; not owned over others' containers
bench sweep SWEEP_DIR             which jobs of a multirun (-m) sweep are complete, partial or missing
bench summary RUN_DIR             the terminal table and summary.md of a run directory again
bench report RUN_DIR... [--out DIR]   report.md + self-contained report.html (figures, claims) per run,
                                  or one merged report of several runs into DIR
bench compare BASE NEW [--threshold 0.05] [--strict-env]   per-cell change with intervals; exit 1 on a
                                  regression (for CI gates)
bench publish RUN_DIR... --out DIR    a static site: an index of runs and one page each
bench goss IMAGE --spec FILE [--context CTX]     check an image with a goss spec (exit 1: a check failed)
bench equivalence IMAGE_A IMAGE_B [--out F]      compare two images file by file and config field by field
bench audit IMAGE... --secret-file F [--dir DIR]  search layers, configs (or a directory) for a
                                  secret, also hex/base64 encoded (exit 1: leaked, 2: bad input)
bench debug CONTAINER [--verify] [-- CMD...]  a toolbox container in its PID and network namespaces
bench debug --run RUN_DIR --seq N [-- CMD...]  a shell in the last state a failed build reached
"""

from __future__ import annotations

import sys
from pathlib import Path

from omegaconf import OmegaConf

from bench.config import CONF_DIR, PROJECT_ROOT, BenchConfig, register_configs

USAGE = __doc__.split("\n\n", 1)[1]


def _register() -> None:
    if not OmegaConf.has_resolver("bench_root"):
        OmegaConf.register_new_resolver("bench_root", lambda: str(PROJECT_ROOT))
    register_configs()


def _known_errors() -> tuple[type[BaseException], ...]:
    from python_on_whales.exceptions import DockerException

    from bench.engine.errors import EngineError
    from bench.results import ResultsError
    from bench.run_input import PlanTooLarge
    from bench.scenario import ScenarioError

    return (
        EngineError,
        ScenarioError,
        ResultsError,
        PlanTooLarge,
        DockerException,
        FileNotFoundError,
        PermissionError,
        ValueError,
    )


def _fail(error: BaseException) -> int:
    text = error.one_line() if hasattr(error, "one_line") else str(error)
    lines = [line for line in text.splitlines() if line.strip()]
    print(f"bench: {lines[0] if lines else type(error).__name__}", file=sys.stderr)
    return 2


def _typed(cfg) -> BenchConfig:
    """Structured config -> dataclass instance; __post_init__ checks what the schema cannot."""
    return OmegaConf.to_object(cfg)


def _composed(overrides: list[str]):
    """The config as `bench run` would compose it, untyped (its YAML is what run.json records)."""
    from hydra import compose, initialize_config_dir

    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return compose(config_name="config", overrides=overrides)


def _compose(overrides: list[str]) -> BenchConfig:
    return _typed(_composed(overrides))


def _check_run_input(args: list[str]) -> None:
    """Bad input to a single run is refused here, before Hydra makes its directory under results/: the
    config (values the schema or __post_init__ refuse), the scenario and the plan's size (bench/run_input).
    Hydra's own flags (-m sweeps, --cfg, --help...) are left to Hydra; the run checks its input again."""
    if any(arg.startswith("-") for arg in args):
        return
    from bench.results import META_FILE, ResultsError
    from bench.run_input import checked_input

    checked_input(_compose(args))
    for arg in args:  # Hydra would rewrite the .hydra/ of a run already there before the run refused it
        key, _, value = arg.partition("=")
        if key == "hydra.run.dir" and (Path(value) / META_FILE).exists():
            raise ResultsError(
                f"{value} already holds a run; give each run its own folder, or continue it: "
                f"bench run --resume {value}"
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
    """`bench run --resume RUN_DIR [OVERRIDES]`: continue an interrupted run (bench/resume.py).

    A flag read here, before Hydra, rather than a `resume=RUN_DIR` key of the structured config: the key
    would be part of the config that run.json records, so the resumed config would differ from the run's
    by that key alone; Hydra's main would make a new run directory (or rewrite .hydra/ and the log of the
    old one) before the task could say where to write; and a resume is one directory, never a sweep.
    The config is composed with the compose API from the run's own overrides (.hydra/overrides.yaml) with
    the given ones after them: `--resume RUN_DIR` alone is the run's config, and a given override that
    changes it is refused by name.
    """
    from omegaconf import OmegaConf

    from bench.app import resume_experiment
    from bench.resume import recorded_overrides

    parsed = _resume_args(args)
    if isinstance(parsed, str):
        print(f"bench: {parsed}", file=sys.stderr)
        return 2
    run_dir, given = parsed
    recorded = recorded_overrides(run_dir)
    cfg = _composed([*recorded, *(override for override in given if override not in recorded)])
    return resume_experiment(_typed(cfg), OmegaConf.to_yaml(cfg), run_dir)


def _one_line(error: BaseException) -> str:
    """Hydra's and OmegaConf's messages in one line: the error, its options, the cause's first line."""
    text = str(error).split("Config search path:", 1)[0]
    line = "; ".join(part.strip() for part in text.splitlines() if part.strip())
    line = line.replace(":; ", ": ").replace(".; ", "; ")
    cause = str(error.__cause__).strip().splitlines()[0] if error.__cause__ and str(error.__cause__) else ""
    return f"{line}: {cause}" if cause else line


def _run(args: list[str]) -> int:
    import hydra
    from hydra.core.hydra_config import HydraConfig

    if any(arg == "--resume" or arg.startswith("--resume=") for arg in args):
        return _resume(args)
    _check_run_input(args)
    result = {"code": 0}

    @hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
    def task(cfg) -> None:
        from bench.app import run_experiment

        result["started"] = 1
        try:
            config = _typed(cfg)
            run_dir = Path(HydraConfig.get().runtime.output_dir)
            result["code"] = max(result["code"], run_experiment(config, OmegaConf.to_yaml(cfg), run_dir))
        except _known_errors() as error:
            result["code"] = _fail(error)
            if not HydraConfig.get().mode.name == "MULTIRUN":
                raise SystemExit(result["code"]) from None

    from bench.report.sweep import LAST_SWEEP

    sys.argv = ["bench run", *args]
    LAST_SWEEP.clear()
    try:
        task()
    except SystemExit as exit_:
        if "started" not in result and exit_.code == 1:
            return 2  # Hydra refused the config and printed why; bad input is exit 2 everywhere in bench
        raise
    return max(result["code"], LAST_SWEEP.get("code", 0))


def _doctor(args: list[str]) -> int:
    from rich.console import Console
    from rich.table import Table

    from bench.engine.probe import doctor

    config = _compose(args)
    table = Table(title=f"engine {config.engine.name!r} (context {config.engine.context!r})")
    for column in ("capability", "", "detail", "fix"):
        table.add_column(column)
    found = doctor(config.engine)
    for cap in found:
        mark = "[green]ok[/]" if cap.ok else ("[red]missing[/]" if cap.required else "[yellow]missing[/]")
        table.add_row(cap.name, mark, cap.detail, "" if cap.ok else (cap.fix or ""))
    Console().print(table)
    return 0 if all(c.ok for c in found if c.required) else 2


def _engine(args: list[str]) -> int:
    from bench.engine import lifecycle

    known = ("up", "down", "reset", "status", "gc", "add", "env", "purge")
    if not args or args[0] not in known:
        print(f"bench: engine needs one of {', '.join(known)} (e.g. `bench engine up`)", file=sys.stderr)
        return 2
    action, overrides = args[0], args[1:]
    if action == "add":
        from bench.engine.fleet_cli import add

        return add(overrides)
    if action == "status":
        from bench.engine.disk_command import print_disk

        code = _doctor(overrides)
        print_disk(_compose(overrides).engine)
        return code
    if action == "gc":
        from bench.engine.disk_command import gc

        return gc(overrides, _compose)
    if action == "purge":
        from bench.host.purge_command import main as purge

        return purge(overrides, _compose)
    flags = {"--all", "--yes"} & set(overrides)
    config = _compose([o for o in overrides if o not in flags])
    if action == "env":
        from bench.host.client import exports

        print(exports(config.engine.context), end="")
        return 0
    if action == "up":
        lifecycle.up(config.engine, everything="--all" in flags)
        return 0
    {"down": lifecycle.down, "reset": lifecycle.reset_cold}[action](config.engine)
    return 0


def _sweep(args: list[str]) -> int:
    from bench.report.sweep import print_sweep

    if len(args) != 1:
        print(
            "bench: sweep needs one sweep directory, e.g. `bench sweep results/multirun/2026-...`",
            file=sys.stderr,
        )
        return 2
    return print_sweep(Path(args[0]))


def _summary(args: list[str]) -> int:
    from rich.console import Console

    from bench.app import summarize

    if len(args) != 1:
        print(
            "bench: summary needs one run directory, e.g. `bench summary results/2026-...`", file=sys.stderr
        )
        return 2
    path = summarize(Path(args[0]), Console())
    return 0 if path else 1


def _parser(command: str, description: str):
    import argparse

    return argparse.ArgumentParser(prog=f"bench {command}", description=description)


def _resamples(parser) -> None:
    parser.add_argument("--resamples", type=int, default=9999, help="bootstrap resamples (default 9999)")


def _report(args: list[str]) -> int:
    from rich.console import Console

    from bench.report import commands

    parser = _parser("report", "Write report.md and report.html into each run directory (or --out).")
    parser.add_argument("run_dirs", nargs="+", type=Path, metavar="RUN_DIR")
    parser.add_argument("--out", type=Path, help="write one merged report of all the runs here")
    _resamples(parser)
    ns = parser.parse_args(args)
    return commands.report(ns.run_dirs, ns.out, Console(), n_resamples=ns.resamples)


def _compare(args: list[str]) -> int:
    from rich.console import Console

    from bench.report import commands

    parser = _parser("compare", "Per-cell change of NEW against BASE; exit 1 when a cell regressed.")
    parser.add_argument("base", type=Path, metavar="BASE")
    parser.add_argument("new", type=Path, metavar="NEW")
    parser.add_argument(
        "--threshold", type=float, default=0.05, help="smallest change that counts (0.05 = 5%%)"
    )
    parser.add_argument("--strict-env", action="store_true", help="refuse runs from different environments")
    _resamples(parser)
    ns = parser.parse_args(args)
    return commands.compare(
        ns.base,
        ns.new,
        Console(),
        threshold=ns.threshold,
        strict_environment=ns.strict_env,
        n_resamples=ns.resamples,
    )


def _publish(args: list[str]) -> int:
    from rich.console import Console

    from bench.report import commands

    parser = _parser("publish", "Write a static site of the runs: index.html and runs/<id>/index.html.")
    parser.add_argument("run_dirs", nargs="+", type=Path, metavar="RUN_DIR")
    parser.add_argument("--out", type=Path, required=True, help="the site's directory")
    _resamples(parser)
    ns = parser.parse_args(args)
    return commands.publish(ns.run_dirs, ns.out, Console(), n_resamples=ns.resamples)


def _goss(args: list[str]) -> int:
    from bench.audit.commands import goss

    return goss(args)


def _equivalence(args: list[str]) -> int:
    from bench.audit.commands import equivalence

    return equivalence(args)


def _audit(args: list[str]) -> int:
    from bench.audit.leak_command import main as audit

    return audit(args)


def _debug(args: list[str]) -> int:
    from bench.debug.toolbox import main as debug

    return debug(args)


COMMANDS = {
    "run": _run,
    "doctor": _doctor,
    "engine": _engine,
    "summary": _summary,
    "sweep": _sweep,
    "report": _report,
    "compare": _compare,
    "publish": _publish,
    "goss": _goss,
    "equivalence": _equivalence,
    "debug": _debug,
    "audit": _audit,
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(f"usage:\n{USAGE}")
        return 0 if args else 2
    command = COMMANDS.get(args[0])
    if command is None:
        print(f"bench: unknown command {args[0]!r}; known: {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    _register()
    from bench.host.client import activate

    activate()  # bench's DOCKER_CONFIG and engine binaries for every docker call (bench/host/client.py)
    try:
        return command(args[1:])
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    except _known_errors() as error:
        return _fail(error)
    except Exception as error:
        from hydra.errors import HydraException
        from omegaconf.errors import OmegaConfBaseException

        if isinstance(error, HydraException | OmegaConfBaseException):
            print(f"bench: {_one_line(error)}", file=sys.stderr)  # Hydra's own text lists what exists
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
