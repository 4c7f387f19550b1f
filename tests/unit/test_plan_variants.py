"""The `variant` cell dimension: cells, ids, the Dockerfile each variant builds, the row field."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import ScriptedBuilder, run_meta, scripted_context

from bench.config import BenchConfig, CacheConfig, ScenarioConfig
from bench.engine.contents import EngineContents
from bench.plan import Cell, cells, make_plan
from bench.run.runner import Runner
from bench.scenario.definition import Scenario, ScenarioError, load_scenario
from bench.store.results import RunWriter, load
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

EMPTY = EngineContents(0, 0, 0, 0, 0, 0)


def test_without_variants_cells_are_unchanged() -> None:
    found = cells(BenchConfig(cache=CacheConfig([CacheSource.none])), "s")
    assert [c.variant for c in found] == [None, None]
    assert [c.id for c in found] == ["s|legacy|none|none", "s|buildkit|none|none"]


def test_variants_multiply_cells_and_name_them() -> None:
    found = cells(BenchConfig(cache=CacheConfig([CacheSource.none])), "s", ["a", "b"])
    assert len(found) == 4
    assert {(c.builder, c.variant) for c in found} == {(b, v) for b in BuilderName for v in ("a", "b")}
    assert "s|buildkit|none|none|b" in {c.id for c in found}
    assert len({c.id for c in found}) == 4


def _scenario_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "proj"
    directory.mkdir()
    (directory / "Dockerfile").write_text("FROM scratch\n")
    (directory / "Dockerfile.other").write_text("FROM scratch\nCOPY . /\n")
    (directory / "bench.yaml").write_text("variants:\n  main: Dockerfile\n  other: Dockerfile.other\n")
    return directory


def test_variants_come_from_bench_yaml_and_the_config_replaces_them(tmp_path: Path) -> None:
    directory = _scenario_dir(tmp_path)
    assert load_scenario(ScenarioConfig(path=str(directory))).variants == {
        "main": "Dockerfile",
        "other": "Dockerfile.other",
    }
    only = load_scenario(ScenarioConfig(path=str(directory), variants={"x": "Dockerfile.other"}))
    assert only.variants == {"x": "Dockerfile.other"}
    with pytest.raises(ScenarioError, match=r"variant .bad.: .* has no Dockerfile\.nope"):
        load_scenario(ScenarioConfig(path=str(directory), variants={"bad": "Dockerfile.nope"}))


def test_each_variant_builds_its_dockerfile_and_rows_carry_it(tmp_path: Path) -> None:
    directory = _scenario_dir(tmp_path)
    scenario = Scenario(
        "proj", directory, "Dockerfile", variants={"main": "Dockerfile", "other": "Dockerfile.other"}
    )
    builder = ScriptedBuilder("buildkit", [1.0, 2.0])
    runner = Runner(
        scripted_context(scenario, {"buildkit": builder}, workroot=tmp_path / "builds"),
        RunWriter(tmp_path / "run", run_meta("r")),
    )
    plan_cells = [
        Cell("proj", BuilderName.buildkit, CacheSource.none, ChangeKind.none, variant=v)
        for v in ("main", "other")
    ]
    runner.run(make_plan(plan_cells, repetitions=1, warmup=0, seed=0))
    built = {Path(r.dockerfile).name for r in builder.requests}
    assert built == {"Dockerfile", "Dockerfile.other"}
    rows = load(tmp_path / "run").builds
    assert sorted(rows["variant"]) == ["main", "other"]
    assert set(rows["cell"]) == {"proj|buildkit|none|none|main", "proj|buildkit|none|none|other"}
