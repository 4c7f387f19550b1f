"""`bench history` on a scripted engine (bench/history/run.py): one run per commit, the index, failures
recorded and passed over, Ctrl-C, and the user's checkout untouched throughout."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from fakes import ScriptedBuilder, ScriptedEngine
from history_repos import checkout_state, commit, git, tiny_repo
from hydra.errors import ConfigCompositionException
from rich.console import Console

from bench.errors import HistoryError
from bench.history.run import checked_overrides, run_history
from bench.store.history_index import read_index
from bench.store.results import load


def _engine(builds: int = 100) -> ScriptedEngine:
    return ScriptedEngine(
        {
            "legacy": ScriptedBuilder("legacy", [2.0] * builds),
            "buildkit": ScriptedBuilder("buildkit", [1.0] * builds),
        }
    )


def _worktree_dirs() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("bench-history-*"))


def _overrides(tmp_path: Path) -> list[str]:
    return ["repetitions=2", "warmup=0", "cache=none", f"engine.run_dir={tmp_path / 'engine'}"]


def test_each_commit_is_one_run_and_the_checkout_is_untouched(tmp_path: Path) -> None:
    repo, shas = tiny_repo(tmp_path)
    before, trees_before = checkout_state(repo), _worktree_dirs()
    code, target = run_history(
        repo / "app", "HEAD~3..HEAD", _overrides(tmp_path), tmp_path / "h", Console(quiet=True), _engine()
    )
    assert code == 0 and target == tmp_path / "h"
    index = read_index(target)
    assert (index.status, index.path, index.repo) == (
        "complete",
        "app",
        git(repo, "rev-parse", "--show-toplevel"),
    )
    assert [p.commit for p in index.points] == shas[1:]
    assert [p.run_dir for p in index.points] == [f"{n}_{sha[:7]}" for n, sha in enumerate(shas[1:], 1)]
    assert [p.status for p in index.points] == ["ok"] * 3
    for point in index.points:
        run = load(target / point.run_dir)
        assert len(run.builds) == 4  # 2 builders x 2 repetitions
        assert set(run.builds["scenario_commit"]) == {point.commit}
        assert not run.builds["scenario_dirty"].any()
        assert set(run.builds["scenario"]) == {"app"}, "named for DIR, not for the worktree"
    assert checkout_state(repo) == before
    assert _worktree_dirs() == trees_before, "the temporary worktrees are gone"


def test_a_failing_commit_is_recorded_and_the_rest_goes_on(tmp_path: Path) -> None:
    repo, shas = tiny_repo(tmp_path, commits=1)
    (repo / "app" / "Dockerfile").unlink()
    shas.append(commit(repo, "Dockerfile gone"))
    git(repo, "checkout", "-q", shas[1], "--", "app/Dockerfile")
    shas.append(commit(repo, "Dockerfile back"))
    before = checkout_state(repo)
    code, target = run_history(
        repo / "app", ",".join(shas[1:]), _overrides(tmp_path), tmp_path / "h", Console(quiet=True), _engine()
    )
    assert code == 1
    points = read_index(target).points
    assert [p.status for p in points] == ["ok", "failed", "ok"]
    assert points[1].exit_code == 2 and "has no Dockerfile" in (points[1].error or "")
    assert not (target / points[1].run_dir / "builds.jsonl").exists()
    assert len(load(target / points[2].run_dir).builds) == 4
    assert checkout_state(repo) == before


def test_ctrl_c_marks_the_history_interrupted_and_removes_the_worktrees(tmp_path: Path) -> None:
    repo, _ = tiny_repo(tmp_path)
    before = checkout_state(repo)
    engine = _engine()

    def interrupted(*args: object) -> None:
        if engine.calls.count("made") == 2:
            raise KeyboardInterrupt
        return None

    engine.after_run = lambda run_dir, stopped: interrupted()  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        run_history(
            repo / "app", "HEAD~3..HEAD", _overrides(tmp_path), tmp_path / "h", Console(quiet=True), engine
        )
    index = json.loads((tmp_path / "h" / "history.json").read_text())
    assert index["status"] == "interrupted"
    assert [p["status"] for p in index["points"]] == ["ok", "interrupted", "pending"]
    assert checkout_state(repo) == before
    assert len(git(repo, "worktree", "list").splitlines()) == 1


def test_overrides_name_the_scenario_once_and_refuse_what_history_sets(tmp_path: Path) -> None:
    assert checked_overrides(["repetitions=1"], tmp_path / "app") == [
        "scenario=custom",
        "scenario.name=app",
        "repetitions=1",
    ]
    assert checked_overrides(["scenario=tiny", "scenario.name=x"], tmp_path)[:2] == [
        "scenario=tiny",
        "scenario.name=x",
    ]
    for bad in ("scenario.path=/x", "-m", "hydra.run.dir=x"):
        with pytest.raises(HistoryError):
            checked_overrides([bad], tmp_path)


def test_bad_overrides_are_refused_before_any_worktree(tmp_path: Path) -> None:
    repo, _ = tiny_repo(tmp_path, commits=1)
    with pytest.raises(ConfigCompositionException, match="Could not override 'no_such_key'"):
        run_history(
            repo / "app", "HEAD~1..HEAD", ["no_such_key=1"], tmp_path / "h", Console(quiet=True), _engine()
        )
    assert not (tmp_path / "h").exists()
    with pytest.raises(HistoryError, match="already holds a history"):
        (tmp_path / "h2").mkdir()
        (tmp_path / "h2" / "history.json").write_text("{}")
        run_history(repo / "app", "HEAD~1..HEAD", [], tmp_path / "h2", Console(quiet=True), _engine())
