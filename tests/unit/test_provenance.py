"""The scenario directory's git state (bench/run/provenance.py) in a real temporary repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench.run.provenance import ScenarioGit, scenario_git


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with a scenario directory and a file outside it, one commit."""
    root = tmp_path / "repo"
    (root / "scenario").mkdir(parents=True)
    (root / "scenario" / "Dockerfile").write_text("FROM scratch\n")
    (root / "elsewhere.txt").write_text("x\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one")
    return root


def test_clean_checkout_gives_the_commit(repo: Path) -> None:
    assert scenario_git(repo / "scenario") == ScenarioGit(git(repo, "rev-parse", "HEAD"), False)


def test_an_edit_makes_it_dirty(repo: Path) -> None:
    (repo / "scenario" / "Dockerfile").write_text("FROM scratch\nCMD x\n")
    assert scenario_git(repo / "scenario") == ScenarioGit(git(repo, "rev-parse", "HEAD"), True)


def test_an_untracked_file_makes_it_dirty(repo: Path) -> None:
    (repo / "scenario" / "new.txt").write_text("reaches the build context\n")
    assert scenario_git(repo / "scenario").dirty is True


def test_changes_outside_the_scenario_directory_do_not_count(repo: Path) -> None:
    (repo / "elsewhere.txt").write_text("changed\n")
    (repo / "untracked-elsewhere.txt").write_text("new\n")
    assert scenario_git(repo / "scenario").dirty is False


def test_not_a_repository_gives_nothing(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    assert scenario_git(tmp_path / "plain") == ScenarioGit(None, None)
