"""Planning: every cell once per round, shuffled per round, reproducible from the seed."""

from __future__ import annotations

from collections import Counter

from bench.config import BenchConfig, CacheConfig, PlatformConfig
from bench.plan import cells, make_plan
from bench.vocabulary import BuilderName, CacheSource, ChangeKind


def _cells():
    return cells(BenchConfig(cache=CacheConfig([CacheSource.none, CacheSource.local])), "multistage")


def test_cells_are_builders_times_cache_sources_and_cold_has_no_change() -> None:
    found = _cells()
    assert len(found) == 4
    assert {(c.builder, c.cache) for c in found} == {
        (b, s) for b in BuilderName for s in (CacheSource.none, CacheSource.local)
    }
    assert all(c.change is ChangeKind.none for c in found if c.cache is CacheSource.none)
    assert all(c.change is ChangeKind.source for c in found if c.cache is CacheSource.local)
    assert found[0].id == "multistage|legacy|none|none"


def test_each_round_measures_every_cell_once_warmups_first() -> None:
    plan = make_plan(_cells(), repetitions=3, warmup=2, seed=1)
    assert len(plan) == 4 * 5
    assert [m.seq for m in plan] == list(range(20))
    for round_ in range(5):
        in_round = [m for m in plan if m.round == round_]
        assert Counter(m.cell.id for m in in_round) == Counter(c.id for c in _cells())
        assert all(m.warmup == (round_ < 2) for m in in_round)
    assert sorted({m.repetition for m in plan if not m.warmup}) == [0, 1, 2]


def test_order_is_shuffled_per_round_and_reproducible() -> None:
    plan = make_plan(_cells(), repetitions=8, warmup=0, seed=3)
    orders = {tuple(m.cell.id for m in plan if m.round == r) for r in range(8)}
    assert len(orders) > 1, "every round in the same order: drift would fall on the same cells"
    again = make_plan(_cells(), repetitions=8, warmup=0, seed=3)
    assert [m.cell.id for m in plan] == [m.cell.id for m in again]
    other = make_plan(_cells(), repetitions=8, warmup=0, seed=4)
    assert [m.cell.id for m in plan] != [m.cell.id for m in other]


def test_platforms_multiply_cells_and_name_them() -> None:
    config = BenchConfig(
        cache=CacheConfig([CacheSource.none]), platform=PlatformConfig(["native", "linux/arm64"])
    )
    found = cells(config, "s")
    assert len(found) == 4
    assert {c.platform for c in found} == {"native", "linux/arm64"}
    ids = {c.id for c in found}
    assert "s|buildkit|none|none" in ids and "s|buildkit|none|none|linux/arm64" in ids
