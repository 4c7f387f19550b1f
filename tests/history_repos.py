"""Temporary git repositories for the history tests: a copy of the tiny scenario and a few commits."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

TINY = Path(__file__).parent / "fixtures" / "scenarios" / "tiny"
IDENTITY = ("-c", "user.name=bench-test", "-c", "user.email=bench-test@example.org")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, *IDENTITY, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def tiny_repo(root: Path, commits: int = 3) -> tuple[Path, list[str]]:
    """root/repo with the tiny scenario under app/, a first commit, then `commits` commits that each
    change a source file; returns the repo and the shas of every commit, oldest first."""
    repo = root / "repo"
    shutil.copytree(TINY, repo / "app")
    (repo / "README.md").write_text("a project\n")
    git(repo, "init", "-q", "-b", "main")
    shas = [commit(repo, "the tiny scenario")]
    for number in range(1, commits + 1):
        with (repo / "app" / "src" / "b.sh").open("a") as source:
            source.write(f"# change {number}\n")
        shas.append(commit(repo, f"change {number} of b.sh"))
    return repo, shas


def checkout_state(repo: Path) -> dict[str, str]:
    """What a history must leave alone: HEAD, the branch, the index, the status and every file's bytes."""
    files = sorted(p for p in repo.rglob("*") if p.is_file() and ".git" not in p.relative_to(repo).parts)
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(repo)).encode() + b"\0" + path.read_bytes())
    return {
        "head": git(repo, "rev-parse", "HEAD"),
        "branch": git(repo, "symbolic-ref", "HEAD"),
        "index": hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest(),
        "status": git(repo, "status", "--porcelain", "--untracked-files=all"),
        "files": digest.hexdigest(),
        "worktrees": git(repo, "worktree", "list", "--porcelain"),
        "branches": git(repo, "branch", "--list"),
    }
