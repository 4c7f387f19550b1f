"""Which commits a history builds: `A..B` as git reads it (B's ancestors that are not A's, oldest first:
A itself is left out), or a comma list of revisions taken in the order given."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.errors import HistoryError
from bench.history.git import git

#: git's fields of one commit, separated by a byte no subject holds.
_FORMAT = "%H%x1f%h%x1f%cI%x1f%s"


@dataclass(frozen=True)
class Commit:
    """One commit to build: its full and short id, committer date (ISO 8601) and subject line."""

    sha: str
    short: str
    date: str
    subject: str


@dataclass(frozen=True)
class ScenarioPlace:
    """Where the scenario directory is: its repository's top level, and the path inside it."""

    repo: Path
    path: str  # relative to repo, POSIX separators; "." for the top level


def scenario_place(directory: Path) -> ScenarioPlace:
    """The repository holding `directory`, refused when it is not a directory inside a git checkout."""
    directory = Path(directory).expanduser()
    if not directory.is_dir():
        raise HistoryError(
            f"{directory} is not a directory; give the scenario directory (with its Dockerfile)"
        )
    try:
        top = git(directory, "rev-parse", "--show-toplevel")
        prefix = git(directory, "rev-parse", "--show-prefix")
    except HistoryError:
        raise HistoryError(
            f"{directory} is not inside a git checkout; a history builds the commits of a repository",
            f"git -C {directory} init, commit, then bench history {directory} --revs A..B",
        ) from None
    return ScenarioPlace(Path(top), prefix.rstrip("/") or ".")


def split_revs(text: str) -> tuple[str, ...] | tuple[str, str]:
    """`A..B` as ("A..B",); `A,B,C` as ("A", "B", "C"). `A...B` (symmetric difference) is refused: a
    history needs one line of commits."""
    text = text.strip()
    if not text:
        raise HistoryError("--revs is empty; give a range A..B or a comma list of revisions")
    if "..." in text:
        raise HistoryError(f"--revs {text}: A...B is not a line of commits; use A..B")
    if ".." in text:
        if "," in text:
            raise HistoryError(f"--revs {text}: give either one range A..B or a comma list, not both")
        start, _, end = text.partition("..")
        if not start or not end:
            raise HistoryError(f"--revs {text}: a range needs both ends, e.g. HEAD~3..HEAD")
        return (text,)
    revs = tuple(word.strip() for word in text.split(","))
    if any(not word or word.startswith("-") for word in revs):
        raise HistoryError(f"--revs {text}: an empty or option-like revision; e.g. --revs v1.0,v1.1,HEAD")
    return revs


def _describe(repo: Path, sha: str) -> Commit:
    fields = git(repo, "show", "-s", f"--format={_FORMAT}", sha, "--").split("\x1f")
    return Commit(*fields[:3], fields[3] if len(fields) > 3 else "")


def resolve(repo: Path, text: str) -> list[Commit]:
    """The commits of `text` (split_revs), oldest first for a range; refused when there are none."""
    revs = split_revs(text)
    if len(revs) == 1 and ".." in revs[0]:
        start, _, end = revs[0].partition("..")
        for end_point in (start, end):
            _verify(repo, end_point)
        shas = git(repo, "rev-list", "--reverse", revs[0], "--").split()
        if not shas:
            raise HistoryError(f"--revs {text} holds no commit (is {end} an ancestor of {start}?)")
    else:
        shas = [_verify(repo, rev) for rev in revs]
    return [_describe(repo, sha) for sha in shas]


def _verify(repo: Path, rev: str) -> str:
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except HistoryError:
        raise HistoryError(f"{rev!r} is not a commit of {repo}", f"git -C {repo} log --oneline") from None
