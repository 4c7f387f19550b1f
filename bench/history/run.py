"""Build a scenario at each commit of a range: one `bench run` per commit, each in a worktree of its own.

The runs are the normal path (bench/run/experiment.py run_experiment with the config `bench run OVERRIDES`
composes), with `scenario.path` pointed at the scenario's place inside the commit's worktree. A commit whose
run fails (the build breaks, the Dockerfile is missing at that commit) is recorded as failed and the next one
is built; Ctrl-C stops the history with the index saying where, and the worktrees are removed either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from bench.errors import HistoryError
from bench.history.revs import Commit, ScenarioPlace, resolve, scenario_place
from bench.history.worktrees import checked_out, worktrees
from bench.run.experiment import EXIT_FAILED_BUILDS, EXIT_OK, EngineFactory, docker_engine
from bench.store.history_index import HistoryIndex, HistoryPoint, is_history

#: Where a history goes without --out: beside the runs `bench run` writes (results/ of the working dir).
DEFAULT_PARENT = Path("results") / "history"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def checked_overrides(overrides: Sequence[str], directory: Path) -> list[str]:
    """The overrides of every commit's run, without the scenario's path (set per commit): `scenario=custom`
    unless a scenario is named, and the scenario's name fixed to the directory's (a worktree's own name
    would differ per commit). Hydra's flags (-m sweeps) are refused: a history is one run per commit."""
    given = list(overrides)
    for word in given:
        if word.startswith("-"):
            raise HistoryError(f"`bench history` takes config overrides, not {word}: it runs once per commit")
        key = word.lstrip("+~").partition("=")[0]
        if key == "scenario.path":
            raise HistoryError(
                "`bench history` sets scenario.path to each commit's copy of DIR; leave it out"
            )
        if key.startswith("hydra"):
            raise HistoryError(f"`bench history` writes its own run directories; leave out {word}")
    keys = {word.lstrip("+~").partition("=")[0] for word in given}
    found = [] if "scenario" in keys else ["scenario=custom"]
    if "scenario.name" not in keys:
        found.append(f"scenario.name={Path(directory).resolve().name}")
    return [*found, *given]


def history_dir(out: Path | None) -> Path:
    """The history's directory: `out`, or results/history/<UTC time>; never one that holds a history."""
    target = (
        Path(out) if out is not None else DEFAULT_PARENT / datetime.now(UTC).strftime("%Y-%m-%d_%H-%M-%S")
    )
    if is_history(target):
        raise HistoryError(f"{target} already holds a history; give another --out")
    return target


def new_index(place: ScenarioPlace, revs: str, overrides: list[str], commits: list[Commit]) -> HistoryIndex:
    points = [
        HistoryPoint(n, c.sha, c.short, c.date, c.subject, f"{n}_{c.short}") for n, c in enumerate(commits, 1)
    ]
    return HistoryIndex(str(place.repo), place.path, revs, overrides, _now(), points)


def _run_one(
    point: HistoryPoint,
    scenario_dir: Path,
    overrides: list[str],
    target: Path,
    console: Console,
    engine: EngineFactory,
) -> None:
    """One commit's run; its outcome goes into `point`. Errors a user can act on fail the commit only."""
    from omegaconf import OmegaConf

    from bench.composition import composed, typed
    from bench.errors import known_errors, one_line
    from bench.run.experiment import run_experiment

    try:
        cfg = composed([*overrides, f"scenario.path={scenario_dir}"])
        code = run_experiment(typed(cfg), OmegaConf.to_yaml(cfg), target / point.run_dir, console, engine)
    except known_errors() as error:
        point.status, point.exit_code, point.error = "failed", 2, one_line(error)
        return
    point.exit_code = code
    point.status = "ok" if code == EXIT_OK else "failed"
    if code != EXIT_OK:
        point.error = f"bench run exited {code} (see {point.run_dir}/)"


def run_history(
    directory: Path,
    revs: str,
    overrides: Sequence[str] = (),
    out: Path | None = None,
    console: Console | None = None,
    engine: EngineFactory = docker_engine,
) -> tuple[int, Path]:
    """Build DIR at each commit of `revs`; returns (exit code, the history's directory).

    Exit 0 when every commit's run was ok, 1 when any failed. The user's checkout is only read: each
    commit is checked out in a temporary worktree that is removed when its run ends."""
    console = console or Console()
    place = scenario_place(directory)
    commits = resolve(place.repo, revs)
    given = checked_overrides(overrides, directory)
    _check_config(given, Path(directory))
    target = history_dir(out)
    target.mkdir(parents=True, exist_ok=True)
    index = new_index(place, revs, given, commits)
    index.write(target)
    console.print(
        f"history of {escape(str(place.repo))}:{escape(place.path)}, {len(commits)} commit(s) -> "
        f"{escape(str(target))}",
        highlight=False,
    )
    try:
        with worktrees(place.repo) as trees:
            for point in index.points:
                console.print(
                    f"[bold]commit {point.n}/{len(commits)}[/] {point.short} {escape(point.subject[:70])}",
                    highlight=False,
                )
                with checked_out(trees, point.run_dir, point.commit) as tree:
                    _run_one(point, tree / place.path, given, target, console, engine)
                if point.status != "ok":
                    console.print(
                        f"[red]commit {point.short} failed[/]: {escape(point.error or '')}", highlight=False
                    )
                index.write(target)
    except BaseException:
        running = next((p for p in index.points if p.status == "pending"), None)
        if running is not None:
            running.status = "interrupted"
        index.status, index.finished_at = "interrupted", _now()
        index.write(target)
        raise
    index.status, index.finished_at = "complete", _now()
    index.write(target)
    failed = [p for p in index.points if p.status != "ok"]
    return (EXIT_FAILED_BUILDS if failed else EXIT_OK), target


def _check_config(overrides: list[str], directory: Path) -> None:
    """Bad overrides are refused before any worktree is made: composed once against DIR as it is now."""
    from bench.composition import compose

    compose([*overrides, f"scenario.path={Path(directory).resolve()}"])
