"""The private repository of one run: a bare git repository with one commit, made in the run's directory.

Its README carries a random marker, so an image that holds the clone can be told from one that does not
(the marker is not secret: it proves the clone, the key is what must stay out).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

README = "README.md"
CLONED_TO = "/src"  # where the scenario's Dockerfiles clone it


@dataclass(frozen=True)
class Repository:
    path: Path  # the bare repository
    readme: str  # the README's content: what a clone holds at CLONED_TO/README.md


def _git(*args: str, cwd: Path) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@localhost",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@localhost",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def make_repository(directory: Path, name: str = "private.git") -> Repository:
    """`directory/name`, a bare repository whose one commit adds README.md with a fresh marker."""
    readme = f"bench private repository {secrets.token_hex(8)}\n"
    work = directory / f"{name}.work"
    work.mkdir()
    (work / README).write_text(readme)
    _git("init", "--quiet", "--initial-branch=main", ".", cwd=work)
    _git("add", README, cwd=work)
    _git("commit", "--quiet", "-m", "the private repository of one bench run", cwd=work)
    _git("clone", "--quiet", "--bare", str(work), str(directory / name), cwd=directory)
    shutil.rmtree(work)
    return Repository(directory / name, readme)
