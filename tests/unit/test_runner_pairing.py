"""A paired plan: a warm build starts from the state its builder's cold measured build left, with no reset
and no priming build of its own; the independent mode primes every warm build; a failed or missing cold
build makes the warm build prime on its own."""

from __future__ import annotations

import json
from pathlib import Path

from fakes import ScriptedBuilder, ScriptedEngine
from rich.console import Console

from bench.config import BenchConfig, BuilderConfig, CacheConfig, EngineConfig, ScenarioConfig
from bench.plan import Cell, blocks, make_plan, pairs
from bench.run.experiment import EXIT_FAILED_BUILDS, EXIT_OK, run_experiment
from bench.store.results import META_FILE, load
from bench.vocabulary import BuilderName, CacheSource, ChangeKind, Pairing

TINY = Path(__file__).parents[1] / "fixtures" / "scenarios" / "tiny"


def _config(tmp_path: Path, pairing: Pairing = Pairing.paired, owned: bool = True) -> BenchConfig:
    return BenchConfig(
        scenario=ScenarioConfig(path=str(TINY)),
        builder=BuilderConfig(names=[BuilderName.legacy, BuilderName.buildkit]),
        cache=CacheConfig(sources=[CacheSource.none, CacheSource.local]),
        engine=EngineConfig(run_dir=str(tmp_path / "engine"), owned=owned),
        repetitions=2,
        warmup=0,
        pairing=pairing,
    )


def _builders(failing: set[int] = frozenset()) -> dict[str, ScriptedBuilder]:
    return {
        "legacy": ScriptedBuilder("legacy", lambda request, call: 2.0, failing_calls=failing),
        "buildkit": ScriptedBuilder("buildkit", lambda request, call: 1.0),
    }


def _run(tmp_path: Path, config: BenchConfig, builders: dict[str, ScriptedBuilder]) -> int:
    return run_experiment(
        config, "seed: 0\n", tmp_path / "run", Console(quiet=True), ScriptedEngine(builders)
    )


def test_each_round_pairs_a_builders_cold_build_with_its_warm_build() -> None:
    both = (BuilderName.legacy, BuilderName.buildkit)
    cold = [Cell("s", b, CacheSource.none, ChangeKind.none) for b in both]
    warm = [Cell("s", b, CacheSource.local, ChangeKind.source) for b in both]
    assert blocks([*cold, *warm], paired=True) == [(cold[0], warm[0]), (cold[1], warm[1])]
    assert blocks([*cold, *warm], paired=False) == [(c,) for c in (*cold, *warm)]
    plan = make_plan([*cold, *warm], repetitions=3, warmup=1, seed=5, paired=True)
    for cold_seq, warm_seq in pairs(plan):
        assert warm_seq == cold_seq + 1, "the warm build follows its cold build at once"
        assert (
            plan[cold_seq].cell.cache is CacheSource.none and plan[warm_seq].cell.cache is CacheSource.local
        )
        assert plan[cold_seq].cell.builder == plan[warm_seq].cell.builder
    assert len(pairs(plan)) == 2 * 4, "every round pairs both builders"
    orders = {tuple(m.cell.id for m in plan if m.round == r) for r in range(4)}
    assert len(orders) > 1, "the pairs are still shuffled per round"


def test_a_paired_warm_build_needs_no_prime_and_names_its_cold_build(tmp_path: Path) -> None:
    builders = _builders()
    assert _run(tmp_path, _config(tmp_path), builders) == EXIT_OK
    assert [len(b.requests) for b in builders.values()] == [4, 4], "2 rounds x (cold + warm), no primes"
    builds = load(tmp_path / "run").builds.set_index("seq")
    warm = builds[builds["cache"] == "local"]
    for seq, row in warm.iterrows():
        cold = builds.loc[row["primed_by"]]
        assert (cold["cache"], cold["builder"], row["primed_by"]) == ("none", row["builder"], seq - 1)
        assert row["prime_s"] is None or row["prime_s"] != row["prime_s"]  # null: no priming build
    assert builds[builds["cache"] == "none"]["primed_by"].isna().all()
    meta = json.loads((tmp_path / "run" / META_FILE).read_text())
    assert meta["plan"]["pairing"] == "paired"
    assert sorted(tuple(p) for p in meta["plan"]["pairs"]) == sorted(
        (int(row["primed_by"]), seq) for seq, row in warm.iterrows()
    )


def test_the_warm_build_reuses_the_cold_builds_context_with_the_change_applied(tmp_path: Path) -> None:
    builders = _builders()
    _run(tmp_path, _config(tmp_path), builders)
    for builder in builders.values():
        cold, warm = builder.requests[0], builder.requests[1]
        assert warm.context_dir == cold.context_dir, "the state the cold build left, its files included"
        assert cold.tag != warm.tag


def test_independent_mode_primes_every_warm_build(tmp_path: Path) -> None:
    builders = _builders()
    assert _run(tmp_path, _config(tmp_path, Pairing.independent), builders) == EXIT_OK
    assert [len(b.requests) for b in builders.values()] == [6, 6], "2 rounds x (cold + prime + warm)"
    builds = load(tmp_path / "run").builds
    assert builds["primed_by"].isna().all()
    assert (builds[builds["cache"] == "local"]["prime_s"] > 0).all()
    assert json.loads((tmp_path / "run" / META_FILE).read_text())["plan"]["pairing"] == "independent"


def test_an_engine_bench_does_not_own_is_never_paired(tmp_path: Path) -> None:
    builders = _builders()
    _run(tmp_path, _config(tmp_path, owned=False), builders)
    assert [len(b.requests) for b in builders.values()] == [6, 6]


def test_a_failed_cold_build_makes_its_warm_build_prime_on_its_own(tmp_path: Path) -> None:
    builders = _builders(failing={0})  # legacy's first cold build fails
    assert _run(tmp_path, _config(tmp_path), builders) == EXIT_FAILED_BUILDS
    assert len(builders["legacy"].requests) == 5, "one extra build: the prime after the failed cold build"
    builds = load(tmp_path / "run").builds.sort_values("seq")
    legacy_warm = builds[(builds["builder"] == "legacy") & (builds["cache"] == "local")]
    first, second = legacy_warm.iloc[0], legacy_warm.iloc[1]
    assert first["primed_by"] != first["primed_by"] and first["prime_s"] > 0  # NaN: primed itself
    assert second["primed_by"] == second["seq"] - 1
