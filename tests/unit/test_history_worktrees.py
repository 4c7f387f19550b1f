"""Worktrees of a history (bench/history/worktrees.py): each commit checked out beside the user's checkout,
which stays exactly as it was, and every worktree gone afterwards, also after an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from history_repos import checkout_state, git, tiny_repo

from bench.history.worktrees import checked_out, worktrees


def test_a_worktree_holds_its_commit_and_leaves_the_checkout_alone(tmp_path: Path) -> None:
    repo, shas = tiny_repo(tmp_path)
    (repo / "app" / "src" / "a.sh").write_text("echo uncommitted\n")  # the user's own edit stays
    before = checkout_state(repo)
    with worktrees(repo) as trees:
        root = trees.root
        with checked_out(trees, "1_first", shas[0]) as tree:
            assert git(tree, "rev-parse", "HEAD") == shas[0]
            assert "# change" not in (tree / "app" / "src" / "b.sh").read_text()
            assert not tree.is_relative_to(repo)
            assert len(git(repo, "worktree", "list").splitlines()) == 2
        assert not tree.exists()
        with checked_out(trees, "2_last", shas[-1]) as tree:
            assert (tree / "app" / "src" / "b.sh").read_text().endswith("# change 3\n")
    assert not root.exists()
    assert checkout_state(repo) == before
    assert len(git(repo, "worktree", "list").splitlines()) == 1
    assert not (repo / ".git" / "worktrees").exists() or not any((repo / ".git" / "worktrees").iterdir())


def test_worktrees_are_removed_when_the_block_fails(tmp_path: Path) -> None:
    repo, shas = tiny_repo(tmp_path)
    before = checkout_state(repo)
    with pytest.raises(KeyboardInterrupt), worktrees(repo) as trees:
        trees.add("1_a", shas[1])
        trees.add("2_b", shas[2])
        (trees.root / "1_a" / "app" / "Dockerfile").write_text("edited in the worktree\n")  # a dirty tree too
        raise KeyboardInterrupt
    assert not trees.root.exists()
    assert checkout_state(repo) == before
