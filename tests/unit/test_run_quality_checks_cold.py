"""Flags built on cached steps count only a cache that was there before the build started (issue 24 item 1).

Recorded builds (tests/fixtures/builds/record.py) of twostage/Dockerfile.shared, whose stages begin with the
same lines: a cold legacy build takes the second stage's WORKDIR from the layer its first stage has just
made ("Using cache"), which is no warm engine; a really warm build must still be flagged when measured as
cold. Each goes through the builder's parser, the quality checks and the build row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.builders.buildkit import buildkit_record
from bench.builders.dockerfile import from_lines, read_instructions
from bench.builders.legacy import legacy_record
from bench.builders.process import load_run
from bench.builders.records import BuildRecord
from bench.engine.contents import EngineContents
from bench.plan import Cell, Measurement
from bench.run.build_rows import RowSource, build_row
from bench.run.quality_checks import quality_flags
from bench.store.quality import COLD_HAD_CACHED_STEPS, WARM_NO_CACHED_STEPS
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

FIXTURES = Path(__file__).parents[1] / "fixtures" / "builds"
TWOSTAGE = FIXTURES / "twostage"
EMPTY = EngineContents(0, 0, 0, 0, 0, 0)  # no image, cache record, blob or snapshot: a cold start
SHARED_WORKDIR = "WORKDIR /twostage-shared"


def legacy(name: str, dockerfile: str = "Dockerfile.shared") -> BuildRecord:
    stages = from_lines(read_instructions((TWOSTAGE / dockerfile).read_text()))
    return legacy_record(load_run(FIXTURES / f"{name}.jsonl"), stages=stages)


def buildkit(name: str) -> BuildRecord:
    return buildkit_record(load_run(FIXTURES / f"{name}.jsonl"))


def measurement(builder: BuilderName, cache: CacheSource = CacheSource.none) -> Measurement:
    change = ChangeKind.none if cache is CacheSource.none else ChangeKind.source
    cell = Cell("twostage", builder, cache, change)
    return Measurement(seq=0, round=0, repetition=0, warmup=False, cell=cell)


def flags(record: BuildRecord, cache: CacheSource = CacheSource.none) -> tuple[str, ...]:
    """The flags of `record` measured in a cell of `cache`, on an owned engine found empty before it."""
    return quality_flags(measurement(BuilderName(record.builder), cache), record, EMPTY, owned=True)


def test_a_cold_legacy_build_that_reuses_its_first_stages_layer_is_not_flagged() -> None:
    rec = legacy("legacy-shared-cold")
    assert flags(rec) == ()
    assert [(s.stage, s.name) for s in rec.steps if s.reused_in_build] == [("build-b", SHARED_WORKDIR)]
    assert [s.name for s in rec.steps if s.cached] == []
    assert (rec.steps_cached, rec.steps_reused_in_build) == (0, 1)


def test_the_first_stage_made_the_layer_that_the_second_reused() -> None:
    """build-a's WORKDIR ran (a new layer), build-b's said `Using cache` with that same layer id."""
    workdirs = [s for s in legacy("legacy-shared-cold").steps if s.name == SHARED_WORKDIR]
    assert [(s.stage, s.cached, s.reused_in_build) for s in workdirs] == [
        ("build-a", False, False),
        ("build-b", False, True),
    ]


def test_the_build_row_counts_reuse_apart_from_cached_steps() -> None:
    rec = legacy("legacy-shared-cold")
    m = measurement(BuilderName.legacy)
    row = build_row(
        RowSource("run", "dedicated", None, False), m, rec, measured={}, flags=(), before=EMPTY, started_at=""
    )
    counts = (row.steps_cached, row.instructions_cached, row.work_steps_cached, row.steps_reused_in_build)
    assert counts == (0, 0, 0, 1)


@pytest.mark.parametrize(
    ("name", "dockerfile", "cached"),
    [
        ("legacy-warm", "Dockerfile", ["RUN", "RUN", "COPY", "COPY"]),
        ("legacy-shared-warm", "Dockerfile.shared", ["WORKDIR", "RUN", "WORKDIR", "RUN", "COPY", "COPY"]),
    ],
)
def test_a_really_warm_legacy_build_measured_as_cold_is_still_flagged(
    name: str, dockerfile: str, cached: list[str]
) -> None:
    """Every step but the FROMs came from the layers an earlier build left."""
    rec = legacy(name, dockerfile)
    assert flags(rec) == (COLD_HAD_CACHED_STEPS,)
    assert [s.name.split()[0] for s in rec.steps if s.cached] == cached
    assert rec.steps_reused_in_build == 0


def test_a_warm_second_stage_that_takes_the_old_layer_of_the_first_counts_as_cached() -> None:
    """Both WORKDIRs of the warm build name the layer the cold build made: that cache was there before."""
    workdirs = [s for s in legacy("legacy-shared-warm").steps if s.name == SHARED_WORKDIR]
    assert [(s.stage, s.cached, s.reused_in_build) for s in workdirs] == [
        ("build-a", True, False),
        ("build-b", True, False),
    ]


def test_a_warm_cell_whose_only_hits_were_made_in_the_build_took_nothing_from_the_cache() -> None:
    """The cold recording measured as a warm cell: its one `Using cache` is no warm hit."""
    assert flags(legacy("legacy-shared-cold"), CacheSource.local) == (WARM_NO_CACHED_STEPS,)


def test_buildkit_merges_the_stages_identical_first_lines_into_one_vertex() -> None:
    """BuildKit makes one vertex of both stages' FROM and of both WORKDIRs (named after build-b) and runs
    it once: nothing is `cached`. The FROM vertex is resolved, then taken again as cached within the
    solve: reused in the build, not a cache from before."""
    rec = buildkit("buildkit-shared-nocache")
    firsts = [s for s in rec.steps if s.name == SHARED_WORKDIR or s.name.startswith("FROM ")]
    assert [(s.stage, s.name.split()[0], s.cached, s.reused_in_build) for s in firsts] == [
        ("build-b", "FROM", False, True),
        ("build-b", "WORKDIR", False, False),
    ]
    assert (rec.steps_cached, rec.steps_reused_in_build) == (0, 1)
    assert flags(rec) == ()


def test_a_warm_buildkit_build_measured_as_cold_is_still_flagged() -> None:
    rec = buildkit("buildkit-warm")
    assert flags(rec) == (COLD_HAD_CACHED_STEPS,)
    assert (rec.steps_cached, rec.steps_reused_in_build) == (4, 0)
