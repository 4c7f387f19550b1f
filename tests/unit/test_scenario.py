"""A scenario's shared sources: one source built by two scenarios, copied into each build context."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from bench.composition import PROJECT_ROOT
from bench.config import ScenarioConfig
from bench.scenario.changes import copy_scenario
from bench.scenario.definition import ScenarioError, load_scenario

SCENARIOS = PROJECT_ROOT / "scenarios"


def _scenario(tmp_path: Path, bench_yaml: str) -> Path:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "lib.c").write_text("int lib(void) { return 1; }\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "Dockerfile").write_text("FROM scratch\nCOPY lib/ /lib/\n")
    (app / "bench.yaml").write_text(bench_yaml)
    return app


def test_a_shared_source_is_copied_into_the_context_and_never_edited(tmp_path: Path) -> None:
    app = _scenario(tmp_path, "shared_sources:\n  lib: ../lib\n")
    assert load_scenario(ScenarioConfig(path=str(app))).shared_sources == {"lib": tmp_path / "lib"}
    context = copy_scenario(app, parent=tmp_path)
    assert (context / "lib" / "lib.c").read_text() == "int lib(void) { return 1; }\n"
    (context / "lib" / "lib.c").write_text("changed")
    assert (tmp_path / "lib" / "lib.c").read_text() == "int lib(void) { return 1; }\n"
    assert not (app / "lib").exists()


@pytest.mark.parametrize(
    ("bench_yaml", "message"),
    [
        ("shared_sources:\n  lib: ../gone\n", "'../gone' is not a directory"),
        ("shared_sources:\n  ../up: ../lib\n", "must be a relative path without .."),
        ("shared_sources:\n  /abs: ../lib\n", "must be a relative path without .."),
        ("shared_sources:\n  Dockerfile: ../lib\n", "exists; remove one of them"),
        ("shared_sources: [lib]\n", "shared_sources must be a mapping"),
    ],
)
def test_a_wrong_shared_source_is_named_before_any_build(
    tmp_path: Path, bench_yaml: str, message: str
) -> None:
    app = _scenario(tmp_path, bench_yaml)
    with pytest.raises(ScenarioError, match=message):
        load_scenario(ScenarioConfig(path=str(app)))


def test_crossbuild_builds_multistages_crc_from_its_one_copy(tmp_path: Path) -> None:
    """crossbuild's context holds multistage's crc files; only crc/Makefile, multistage's, is ignored."""
    crossbuild = load_scenario(
        ScenarioConfig(path=str(SCENARIOS / "crossbuild"), dockerfile="Dockerfile.cross")
    )
    assert crossbuild.shared_sources == {"crc": SCENARIOS / "multistage" / "crc"}
    assert not (SCENARIOS / "crossbuild" / "crc").exists()
    context = copy_scenario(crossbuild.directory, parent=tmp_path)
    sources = ["catalogue.txt", "crc.c", "crc.h", "crcgen.c"]
    match, mismatch, errors = filecmp.cmpfiles(context / "crc", SCENARIOS / "multistage" / "crc", sources)
    assert (sorted(match), mismatch, errors) == (sources, [], [])
    assert (context / ".dockerignore").read_text().splitlines()[-1] == "crc/Makefile"
