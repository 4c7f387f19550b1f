"""Changes are applied to a private copy; the shipped scenario is never edited."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scenario.changes import GENERIC_CHANGE_FILE, ChangeError, apply_change, copy_scenario
from bench.vocabulary import ChangeKind


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
    with pytest.raises(ChangeError, match=r"scenario\.source_change"):
        apply_change(copy, ChangeKind.source, "src/gone.c", token="t")


def test_deps_change_edits_the_manifest_and_needs_one(tmp_path: Path) -> None:
    copy = copy_scenario(_scenario(tmp_path), parent=tmp_path)
    (copy / "requirements.txt").write_text("six==1.16.0\n")
    assert apply_change(copy, ChangeKind.deps, "src/main.c", "t3", deps_manifest="requirements.txt") == (
        "requirements.txt"
    )
    assert "# bench change t3" in (copy / "requirements.txt").read_text()
    assert "bench change" not in (copy / "src" / "main.c").read_text()
    with pytest.raises(ChangeError, match=r"deps_manifest"):
        apply_change(copy, ChangeKind.deps, None, "t4")


def test_base_change_names_variants_of_every_image_arg() -> None:
    from bench.scenario.changes import changed_build_args, variant_ref

    args = {
        "BASE_IMAGE": "127.0.0.1:5000/bench/debian-gcc:bookworm",
        "RUNTIME_IMAGE": "127.0.0.1:5000/x",
        "N": "3",
    }
    changed = changed_build_args(ChangeKind.base, args)
    assert changed == {
        "BASE_IMAGE": "127.0.0.1:5000/bench/debian-gcc:bookworm-variant",
        "RUNTIME_IMAGE": "127.0.0.1:5000/x:latest-variant",
        "N": "3",
    }
    assert changed_build_args(ChangeKind.source, args) == args
    with pytest.raises(ChangeError, match="IMAGE"):
        changed_build_args(ChangeKind.base, {"N": "3"})
    with pytest.raises(ChangeError, match="digest"):
        variant_ref("r/x@sha256:abc")
