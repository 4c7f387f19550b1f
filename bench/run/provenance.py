"""Which version of the measured project a run built: the scenario directory's git commit, and whether its
checkout had uncommitted changes (a dirty tree's timings belong to no commit)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ScenarioGit:
    """The git state of a scenario directory; both None when it is not inside a git checkout."""

    commit: str | None = None
    dirty: bool | None = None


def _git(directory: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(directory), *args], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):  # no git on the machine, or a hung filesystem
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def scenario_git(directory: Path) -> ScenarioGit:
    """The commit checked out in `directory`'s repository and whether anything under `directory` differs
    from it (untracked files count: they reach the build context)."""
    commit = _git(directory, "rev-parse", "HEAD")
    if not commit:
        return ScenarioGit()
    status = _git(directory, "status", "--porcelain", "--", ".")
    return ScenarioGit(commit, None if status is None else bool(status))
