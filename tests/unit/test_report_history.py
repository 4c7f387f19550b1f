"""A history's report (bench/report/history.py) through `bench report` and `bench publish`, on a history
made on a scripted engine; and `bench history --help`."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import ScriptedBuilder, ScriptedEngine
from history_repos import tiny_repo
from rich.console import Console

from bench.cli import main as bench
from bench.history.run import run_history
from bench.report import commands


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("history")
    repo, _ = tiny_repo(root)
    engine = ScriptedEngine(
        {"legacy": ScriptedBuilder("legacy", [2.0] * 50), "buildkit": ScriptedBuilder("buildkit", [1.0] * 50)}
    )
    overrides = ["repetitions=3", "warmup=0", "cache=none", f"engine.run_dir={root / 'engine'}"]
    code, target = run_history(
        repo / "app", "HEAD~3..HEAD", overrides, root / "h", Console(quiet=True), engine
    )
    assert code == 0
    return target


def test_bench_report_of_a_history_writes_its_own_report(history: Path) -> None:
    assert commands.report([history], None, Console(quiet=True), n_resamples=500) == 0
    text = (history / "history.md").read_text()
    commit_rows = [
        line for line in text.splitlines() if line.startswith("| ") and "_" in line and "| ok |" in line
    ]
    assert len(commit_rows) == 3
    assert "### `app|buildkit|none|none`" in text and "### `app|legacy|none|none`" in text
    assert text.count("| 1.00 s [1.00, 1.00] | - |") == 3, "buildkit: three commits, no CPU figures"
    assert "![Build time per commit](history-times.png)" in text
    assert (history / "history-times.png").stat().st_size > 5000
    html = (history / "history.html").read_text()
    assert "data:image/png;base64," in html and 'src="history-times.png"' not in html, "self-contained"


def test_bench_publish_lists_the_history(history: Path, tmp_path: Path) -> None:
    assert commands.publish([history], tmp_path / "site", Console(quiet=True), n_resamples=500) == 0
    index = (tmp_path / "site" / "index.html").read_text()
    assert "<h1>Build histories</h1>" in index and f'href="histories/{history.name}/index.html"' in index
    page = (tmp_path / "site" / "histories" / history.name / "index.html").read_text()
    assert '<a href="../../index.html">all runs</a>' in page and "Time and CPU per commit" in page


def test_history_help_says_a_range_excludes_its_start(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        bench(["history", "--help"])
    assert exit_.value.code == 0
    assert "A itself is\nNOT built" in capsys.readouterr().out


def test_overrides_may_come_after_the_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app").mkdir()
    assert bench(["history", str(tmp_path / "app"), "--revs", "A..B", "repetitions=1", "cache=none"]) == 2
    assert "not inside a git checkout" in capsys.readouterr().err, "parsed, then refused for the directory"


def test_history_of_a_directory_outside_git_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app").mkdir()
    assert bench(["history", str(tmp_path / "app"), "--revs", "HEAD~1..HEAD"]) == 2
    assert "not inside a git checkout" in capsys.readouterr().err
