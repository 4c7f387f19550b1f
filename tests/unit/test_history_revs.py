"""Which commits `bench history --revs` builds (bench/history/revs.py), in a real temporary repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from history_repos import git, tiny_repo

from bench.errors import HistoryError
from bench.history.revs import resolve, scenario_place, split_revs


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    return tiny_repo(tmp_path_factory.mktemp("revs"), commits=3)


def test_split_revs() -> None:
    assert split_revs("HEAD~3..HEAD") == ("HEAD~3..HEAD",)
    assert split_revs(" v1, v2 ,HEAD") == ("v1", "v2", "HEAD")
    assert split_revs("main") == ("main",)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("a...b", "A...B"),
        ("a..", "both ends"),
        ("..b", "both ends"),
        ("a..b,c", "not both"),
        ("a,,b", "empty or option-like"),
        ("--all", "option-like"),
    ],
)
def test_bad_revs_are_refused_saying_why(text: str, says: str) -> None:
    with pytest.raises(HistoryError, match=says.replace(".", r"\.")):
        split_revs(text)


def test_a_range_excludes_its_start_and_goes_oldest_first(repo: tuple[Path, list[str]]) -> None:
    path, shas = repo
    commits = resolve(path, "HEAD~3..HEAD")
    assert [c.sha for c in commits] == shas[1:]
    assert [c.subject for c in commits] == ["change 1 of b.sh", "change 2 of b.sh", "change 3 of b.sh"]
    assert commits[0].short == shas[1][: len(commits[0].short)] and commits[0].date[:2] == "20"


def test_a_comma_list_is_taken_in_its_order(repo: tuple[Path, list[str]]) -> None:
    path, shas = repo
    assert [c.sha for c in resolve(path, f"HEAD,{shas[0][:10]}")] == [shas[-1], shas[0]]


def test_unknown_revision_and_empty_range(repo: tuple[Path, list[str]]) -> None:
    path, _ = repo
    with pytest.raises(HistoryError, match="'nope' is not a commit"):
        resolve(path, "nope..HEAD")
    with pytest.raises(HistoryError, match="holds no commit"):
        resolve(path, "HEAD..HEAD~2")


def test_scenario_place(repo: tuple[Path, list[str]], tmp_path: Path) -> None:
    path, _ = repo
    place = scenario_place(path / "app")
    assert (place.repo, place.path) == (Path(git(path, "rev-parse", "--show-toplevel")), "app")
    assert scenario_place(path).path == "."
    (tmp_path / "plain").mkdir()
    with pytest.raises(HistoryError, match="not inside a git checkout"):
        scenario_place(tmp_path / "plain")
    with pytest.raises(HistoryError, match="not a directory"):
        scenario_place(tmp_path / "missing")
