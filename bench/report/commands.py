"""The library side of `bench report|compare|publish`: load runs, call the report, say what was written.

cli.py parses arguments and calls these; each returns the command's exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from bench.analysis import stats
from bench.report.export import Exports
from bench.store.results import ResultsError, Run, load

EXIT_OK, EXIT_REGRESSION, EXIT_BAD_INPUT = 0, 1, 2


def load_runs(paths: Sequence[Path]) -> list[Run]:
    """Load every run directory, refusing anything that is not one with a message naming it."""
    runs = []
    for path in paths:
        if not Path(path).is_dir():
            raise ResultsError(f"{path} is not a directory; give run directories that `bench run` wrote")
        runs.append(load(path))
    return runs


def _say_partial(runs: Sequence[Run], console: Console) -> None:
    from bench.analysis.completeness import completeness

    for run in runs:
        c = completeness(run)
        if not c.complete:
            console.print(f"[yellow]partial run[/]: {escape(c.sentence())}", highlight=False)
        if run.builds.empty:
            console.print(f"[yellow]{escape(str(run.path))} has no build rows yet[/]", highlight=False)


def report(
    paths: Sequence[Path], out: Path | None, console: Console, n_resamples: int = stats.DEFAULT_RESAMPLES
) -> int:
    """One report per run directory, written into it; with `out`, one merged report of all runs there.
    A history directory (`bench history`) gets its own report (bench/report/history.py), and a sweep
    directory (`bench run -m`) one merged report of its jobs' runs (node and engine as dimensions), into it
    or out/<its name>."""
    from bench.report.files import write_report
    from bench.report.history import write_history_report
    from bench.report.model import build_report
    from bench.store.history_index import is_history
    from bench.sweep.jobs import is_sweep, job_run_dirs

    for history in [p for p in paths if is_history(p)]:
        where = None if out is None else Path(out) / Path(history).resolve().name
        say_written(console, write_history_report(history, where, n_resamples=n_resamples))
    for sweep in [p for p in paths if is_sweep(p)]:
        where = Path(sweep) if out is None else Path(out) / Path(sweep).resolve().name
        runs = load_runs(job_run_dirs(sweep))
        if not runs:
            raise ResultsError(f"no job of the sweep {sweep} wrote a run yet; see why: bench sweep {sweep}")
        _say_partial(runs, console)
        say_written(console, write_report(build_report(runs, n_resamples=n_resamples), where))
    paths = [p for p in paths if not is_history(p) and not is_sweep(p)]
    if not paths:
        return EXIT_OK
    runs = load_runs(paths)
    _say_partial(runs, console)
    groups = [(runs, Path(out))] if out is not None else [([r], r.path) for r in runs]
    for group, target in groups:
        written = write_report(build_report(group, n_resamples=n_resamples), target)
        say_written(console, written)
    return EXIT_OK


def compare(
    base: Path,
    new: Path,
    console: Console,
    *,
    threshold: float,
    strict_environment: bool,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    exports: Exports | None = None,
) -> int:
    """Exit 1 when any cell regressed beyond the threshold, so CI can gate on it."""
    from bench.report.compare import compare_runs
    from bench.report.compare_terminal import comparison_document, print_comparison

    base_run, new_run = load_runs([base, new])
    _say_partial([base_run, new_run], console)
    result = compare_runs(
        base_run, new_run, threshold=threshold, strict_environment=strict_environment, n_resamples=n_resamples
    )
    print_comparison(result, console, str(base), str(new))
    if exports is not None and exports.wanted:
        say_written(console, exports.write(comparison_document(result, str(base), str(new))))
    return EXIT_REGRESSION if len(result.regressions) else EXIT_OK


def say_written(console: Console, written: Sequence[Path]) -> None:
    """One line naming the files a command wrote."""
    console.print("wrote " + ", ".join(escape(str(p)) for p in written), highlight=False)


def publish(
    paths: Sequence[Path], out: Path, console: Console, n_resamples: int = stats.DEFAULT_RESAMPLES
) -> int:
    from bench.report.publish import publish as publish_site
    from bench.store.history_index import is_history

    histories = [Path(p) for p in paths if is_history(p)]
    runs = load_runs([p for p in paths if not is_history(p)])
    _say_partial(runs, console)
    index = publish_site(runs, out, n_resamples=n_resamples, histories=histories)
    pages = f"{len(runs)} run page(s)" + (f", {len(histories)} history page(s)" if histories else "")
    console.print(f"wrote {escape(str(index))} ({pages})", highlight=False)
    return EXIT_OK
