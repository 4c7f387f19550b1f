"""Changes are applied to a private copy; the shipped scenario is never edited."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.changes import GENERIC_CHANGE_FILE, apply_change, copy_scenario
from bench.config import ChangeKind


def _scenario(tmp_path: Path) -> Path:
    src = tmp_path / "scenario"
    (src / "src").mkdir(parents=True)
    (src / "Dockerfile").write_text("FROM scratch\nCOPY . /\n")
    (src / "src" / "main.c").write_text("int main(void) { return 0; }\n")
    return src


def test_source_change_edits_only_the_copy(tmp_path: Path) -> None:
    original = _scenario(tmp_path)
    copy = copy_scenario(original, parent=tmp_path)
    assert apply_change(copy, ChangeKind.source, "src/main.c", token="t1") == "src/main.c"
    assert "bench change t1" in (copy / "src" / "main.c").read_text()
    assert "bench change" not in (original / "src" / "main.c").read_text()


def test_generic_change_and_none(tmp_path: Path) -> None:
    copy = copy_scenario(_scenario(tmp_path), parent=tmp_path)
    assert apply_change(copy, ChangeKind.none, "src/main.c", token="t") is None
    assert "bench change" not in (copy / "src" / "main.c").read_text()
    assert apply_change(copy, ChangeKind.source, None, token="t2") == GENERIC_CHANGE_FILE
    assert "t2" in (copy / GENERIC_CHANGE_FILE).read_text()


def test_missing_change_file_says_how_to_fix(tmp_path: Path) -> None:
    copy = copy_scenario(_scenario(tmp_path), parent=tmp_path)
    with pytest.raises(FileNotFoundError, match=r"scenario\.source_change"):
        apply_change(copy, ChangeKind.source, "src/gone.c", token="t")
