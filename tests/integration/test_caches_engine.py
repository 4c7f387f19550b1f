"""Every cache source on the tiny scenario, on the real engine and registry.

Facts that are false when the harness is wrong: cold rows take nothing from any cache and start empty;
registry and directory sources start the measured build on an emptied engine yet take every step the
change did not touch from the exported cache; the legacy builder's inline cell pays for its pull; a
builder that cannot use a source is recorded as unsupported; a cache ref that does not exist is a
flagged cache miss, not a failure.
"""

from __future__ import annotations

import pandas as pd
import pytest
from engine_setup import build_flags, compose_config
from omegaconf import OmegaConf
from python_on_whales import DockerClient
from rich.console import Console

from bench.builders.buildkit import BuildKitBuilder
from bench.builders.records import BuildRequest
from bench.engine.contents import EngineContents
from bench.engine.reset import make_cold
from bench.plan import Cell, Measurement
from bench.run.experiment import EXIT_OK, run_experiment
from bench.run.quality_checks import quality_flags
from bench.store.quality import CACHE_IMPORT_MISSED
from bench.store.results import Run, load
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

pytestmark = pytest.mark.engine
SOURCES = "[none,local,inline,registry_min,registry_max,local_dir,cross_builder]"
EXPORTED = ("inline", "registry-min", "registry-max", "local-dir")
WORK = ("RUN", "COPY")


@pytest.fixture(scope="module")
def cache_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    config = compose_config(
        "scenario=tiny", f"cache.sources={SOURCES}", "change=source", "repetitions=1", "warmup=0"
    )
    run_dir = tmp_path_factory.mktemp("cache-run")
    code = run_experiment(
        config,
        OmegaConf.to_yaml(OmegaConf.structured(config)),
        run_dir,
        Console(width=140, force_terminal=False),
    )
    assert code == EXIT_OK, (run_dir / "builds.jsonl").read_text()
    return load(run_dir)


def _row(run: Run, builder: str, cache: str) -> pd.Series:
    return run.builds[(run.builds["builder"] == builder) & (run.builds["cache"] == cache)].iloc[0]


def _work_steps(run: Run, row: pd.Series) -> pd.DataFrame:
    steps = run.steps[run.steps["seq"] == row["seq"]]
    return steps[steps["name"].str.split(" ").str[0].isin(WORK)]


def test_builders_that_cannot_use_a_source_are_unsupported_not_failed(cache_run: Run) -> None:
    for cache in ("registry-min", "registry-max", "local-dir"):
        row = _row(cache_run, "legacy", cache)
        assert row["outcome"] == "unsupported" and "BuildKit" in row["error_tail"]
    supported = cache_run.builds[cache_run.builds["outcome"] != "unsupported"]
    assert (supported["outcome"] == "ok").all(), supported[["cell", "error_tail"]].to_dict("records")


def test_cold_rows_take_nothing_from_any_cache(cache_run: Run) -> None:
    for builder in ("legacy", "buildkit"):
        row = _row(cache_run, builder, "none")
        assert row["steps_cached"] == 0 and row["instructions_cached"] == 0
        assert row["engine_before"]["content_blobs"] == 0 and build_flags(row) == []


def test_exported_caches_are_imported_into_an_emptied_engine(cache_run: Run) -> None:
    for cache in EXPORTED:
        row = _row(cache_run, "buildkit", cache)
        before = row["engine_before"]
        assert (
            before["images"] == 0 and before["content_blobs"] == 0 and before["build_cache_records"] == 0
        ), f"{cache}: the measured build must start with none of the primed layers: {before}"
        assert row["instructions_cached"] > 0, f"{cache}: nothing came from the exported cache"
        assert build_flags(row) == [], f"{cache}: {row['flags']}"
        assert row["prime_s"] > 0 and row["cache_bytes"] > 0
    refs = cache_run.builds["cache_ref"].dropna()
    own = f"/bench-cache/{cache_run.meta.engine.name}/{cache_run.meta.run_id.lower()}/tiny:"
    assert refs.is_unique and all(own in ref for ref in refs)  # this engine's and this run's own


def test_registry_max_after_a_source_change_reuses_every_step_the_change_did_not_touch(
    cache_run: Run,
) -> None:
    # the change edits src/a.sh, copied by stage build-a only: build-b's work is reusable, build-a's is not
    steps = _work_steps(cache_run, _row(cache_run, "buildkit", "registry-max"))
    untouched = steps[steps["stage"] == "build-b"]
    assert len(untouched) == 2 and untouched["cached"].all(), untouched[["name", "cached"]]
    assert not steps[steps["stage"] == "build-a"]["cached"].any()


def test_registry_min_exports_less_than_max(cache_run: Run) -> None:
    # mode=min exports the final image's layers only; mode=max every stage's (build-a, build-b, test)
    low, high = _row(cache_run, "buildkit", "registry-min"), _row(cache_run, "buildkit", "registry-max")
    assert 0 < low["cache_bytes"] < high["cache_bytes"]


def test_registry_rows_count_the_bytes_that_crossed_the_link(cache_run: Run) -> None:
    for cache in ("inline", "registry-max"):
        row = _row(cache_run, "buildkit", cache)
        assert row["registry_pulled_bytes"] > 0
        # priming pushed the cache: the registry grew by exactly the exported cache
        assert row["registry_pushed_bytes"] > 0 and row["registry_pushed_bytes"] == row["cache_bytes"]
        assert row["export_s"] > 0
    assert _row(cache_run, "buildkit", "none")["registry_pulled_bytes"] > 0, "the base image is pulled"


def test_the_builders_do_not_share_their_caches(cache_run: Run) -> None:
    # claim C4: each builder warmed by the other one reuses no RUN/COPY step (warmed by itself it does)
    for builder in ("legacy", "buildkit"):
        assert _row(cache_run, builder, "cross-builder")["work_steps_cached"] == 0
        assert _row(cache_run, builder, "local")["work_steps_cached"] > 0


def test_legacy_inline_pays_for_pulling_the_previous_image(cache_run: Run) -> None:
    row = _row(cache_run, "legacy", "inline")
    assert row["pull_s"] > 0
    assert row["wall_s"] == pytest.approx(row["pull_s"] + row["build_s"])
    assert "pull_s + build_s" in row["notes"][0]
    assert row["work_steps_cached"] > 0, "the pulled image's steps are reused"


def test_every_ok_row_knows_its_image(cache_run: Run) -> None:
    ok = cache_run.builds[cache_run.builds["outcome"] == "ok"]
    assert len(ok) == (cache_run.builds["outcome"] != "unsupported").sum() > 0
    assert (ok["image_bytes"] > 0).all() and (ok["image_layers"] >= 1).all()


def test_a_cache_ref_that_does_not_exist_is_a_flagged_miss() -> None:
    config = compose_config("scenario=tiny")
    docker = DockerClient(context=config.engine.context)
    scenario_dir = config.scenario.path
    missing = f"{config.engine.registry}/bench-cache/tiny:does-not-exist"
    request = BuildRequest(
        context_dir=scenario_dir,
        dockerfile=f"{scenario_dir}/Dockerfile",
        tag="bench-run/tiny:missing-ref",
        build_args=dict(config.scenario.build_args),
        network="none",
        extra_flags=("--cache-from", f"type=registry,ref={missing}"),
    )
    assert make_cold(docker, config.engine, None).empty
    record = BuildKitBuilder(docker).build(request)
    assert record.outcome.value == "ok", record.error_tail
    m = Measurement(
        0, 0, 0, False, Cell("tiny", BuilderName.buildkit, CacheSource.registry_max, ChangeKind.none)
    )
    empty = EngineContents(0, 0, 0, 0, 0, 0)
    assert CACHE_IMPORT_MISSED in quality_flags(m, record, empty, owned=True)
