"""`bench history` on the real engine: a temporary repository holding the tiny scenario and three commits
that each change a source file gives three points (three run directories with rows, three commits in the
report's table), with the user's checkout untouched; BuildKit rows keep buildx's metadata file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from engine_setup import engine_overrides
from history_repos import checkout_state, git, tiny_repo

from bench.cli import main as bench
from bench.store.history_index import read_index
from bench.store.results import load

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str], dict[str, str]]:
    root = tmp_path_factory.mktemp("history")
    repo, shas = tiny_repo(root, commits=3)
    before = checkout_state(repo)
    args = ["--revs", "HEAD~3..HEAD", "--out", str(root / "h"), "--resamples", "500"]
    overrides = ["scenario=tiny", "repetitions=1", "warmup=0", "builder=buildkit", "cache=none"]
    code = bench(["history", str(repo / "app"), *args, *engine_overrides(), *overrides])
    assert code == 0, (root / "h" / "history.json").read_text()
    return root / "h", repo, shas, before


def test_three_commits_give_three_runs_with_rows(history) -> None:
    target, _, shas, _ = history
    points = read_index(target).points
    assert [(p.commit, p.status) for p in points] == [(sha, "ok") for sha in shas[1:]]
    for point in points:
        builds = load(target / point.run_dir).builds
        assert len(builds) == 1 and builds.loc[0, "outcome"] == "ok" and builds.loc[0, "wall_s"] > 1
        assert (builds.loc[0, "scenario_commit"], bool(builds.loc[0, "scenario_dirty"])) == (
            point.commit,
            False,
        )


def test_buildkit_rows_keep_buildx_metadata(history) -> None:
    target, *_ = history
    point = read_index(target).points[0]
    builds = load(target / point.run_dir).builds
    metadata = json.loads(builds.loc[0, "build_metadata"])
    assert metadata["containerimage.digest"].startswith("sha256:"), metadata
    assert metadata["buildx.build.ref"], metadata
    assert not any("provenance" in key for key in metadata)


def test_the_report_table_has_the_three_commits(history) -> None:
    target, _, shas, _ = history
    text = (target / "history.md").read_text()
    table = text.split("### `app|buildkit|", 1)[1]  # the one cell: named for DIR, BuildKit, cold
    rows = [line for line in table.splitlines() if line.startswith("| ") and "`" in line and " s" in line]
    assert [row.split("|")[2].strip() for row in rows[:3]] == [f"`{sha[:7]}`" for sha in shas[1:]], text
    assert (target / "history-times.png").is_file() and (target / "history.html").is_file()


def test_the_checkout_is_untouched(history) -> None:
    _, repo, _, before = history
    assert checkout_state(repo) == before
    assert len(git(repo, "worktree", "list").splitlines()) == 1
