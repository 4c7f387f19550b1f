"""The content of a report, computed once from one or more runs and shared by every exporter.

Runs of several directories are merged (Hydra multirun writes one directory per scenario); their rows keep
their run_id. Environments that differ between the merged runs are listed, since mixing them is
questionable (pyperf and asv warn the same way).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bench.analysis import stats
from bench.analysis.completeness import Completeness, completeness
from bench.analysis.pull_vs_rebuild import PullVsRebuild, pull_vs_rebuild
from bench.analysis.shared_caches import SharedCacheEvidence, shared_cache_evidence
from bench.platforms import NATIVE
from bench.report import cells as tables
from bench.report.claims import registry as claim_checks
from bench.report.comparisons import builder_comparisons, cache_comparisons
from bench.report.flag_records import flagged_builds, with_reasons
from bench.report.platform_steps import platform_step_table
from bench.report.verdicts import RECORD_FIELDS
from bench.store.results import Run

#: Environment fields a reader needs first, in this order; the rest follow as recorded.
ENVIRONMENT_KEYS: tuple[str, ...] = (
    "engine_version",
    "buildx_version",
    "buildkit_version",
    "storage_driver",
    "containerd_image_store",
    "kernel",
    "os",
    "cpu_model",
    "cpu_count",
    "memory_bytes",
    "emulators",
    "python",
    "python_on_whales",
    "bench_git_sha",
)
#: Fields that make two runs' times incomparable when they differ (used by the report and by compare).
#: The rest (os string, memory, emulators, Python and bench versions) are shown but do not move build times.
COMPARABLE_KEYS: tuple[str, ...] = tuple(
    k
    for k in ENVIRONMENT_KEYS
    if k not in {"os", "memory_bytes", "emulators", "python", "python_on_whales", "bench_git_sha"}
)


#: Bootstrap work for one interval is resamples x sample size; above this the report lowers the resamples
#: (never below MIN_RESAMPLES), so a run of 100,000 builds is reported in seconds, not minutes.
MAX_BOOTSTRAP_ELEMENTS = 10_000_000
MIN_RESAMPLES = 999


def effective_resamples(builds: pd.DataFrame, requested: int) -> int:
    """The resamples to use for these rows: `requested`, or fewer when a cell has very many ok builds.

    With thousands of builds a cell's interval is narrow and stable; 999 resamples keep its percentile
    limits to about a percent of the interval width (Efron & Tibshirani 1993, ch. 19).
    """
    if builds.empty or "cell" not in builds.columns:
        return requested
    ok = tables.measured(builds)
    sizes = ok[ok["outcome"] == "ok"].groupby("cell", sort=False).size()
    largest = int(sizes.max()) if len(sizes) else 0  # no ok build at all: max() would be NaN
    if largest * requested <= MAX_BOOTSTRAP_ELEMENTS:
        return requested
    return max(MIN_RESAMPLES, min(requested, MAX_BOOTSTRAP_ELEMENTS // largest))


@dataclass
class Report:
    """Everything a report or a summary shows, computed once; sections and exporters only format it.

    Speedup tables follow bench.report.comparisons: speedup = reference median / candidate median.
    """

    runs: list[Run]
    builds: pd.DataFrame
    steps: pd.DataFrame
    cells: pd.DataFrame
    builder_speedups: pd.DataFrame
    cache_speedups: pd.DataFrame
    failed: pd.DataFrame
    claims: list[claim_checks.ClaimVerdict]
    completeness: list[Completeness]
    environment: dict[str, Any]
    environment_differences: list[str] = field(default_factory=list)
    pull_or_rebuild: list[PullVsRebuild] = field(default_factory=list)
    shared_caches: list[SharedCacheEvidence] = field(default_factory=list)
    platform_steps: pd.DataFrame = field(default_factory=pd.DataFrame)
    n_resamples: int = stats.DEFAULT_RESAMPLES
    requested_resamples: int = stats.DEFAULT_RESAMPLES
    seed: int | None = stats.DEFAULT_SEED

    def heading(self, kind: str = "report") -> str:
        """ "Build benchmark report: multistage" (or summary): the document's title."""
        scenarios = (
            sorted({str(s) for s in self.builds["scenario"].dropna().unique()}) if len(self.builds) else []
        )
        names = scenarios or sorted({r.meta.scenario.name for r in self.runs})
        return f"Build benchmark {kind}: {', '.join(names)}"

    @property
    def title(self) -> str:
        return self.heading("report")

    @property
    def run_ids(self) -> list[str]:
        return [r.meta.run_id for r in self.runs]

    @property
    def has_ok_builds(self) -> bool:
        return bool(tables.ok_times(self.builds).size) if len(self.builds) else False

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables other tools read (--export-json, --export-csv), the main one first: one row per cell
        (with its quality flags and their reasons), then the speedups, the claims' verdicts and the flagged
        builds. Built here only, so every export names and orders them alike (docs/reports.md)."""
        return {
            "cells": with_reasons(self.cells),
            "builder_speedups": self.builder_speedups,
            "cache_speedups": self.cache_speedups,
            "claims": pd.DataFrame([v.record() for v in self.claims], columns=list(RECORD_FIELDS)),
            "flagged_builds": flagged_builds(self.builds),
        }

    @property
    def about(self) -> dict[str, Any]:
        """What the tables were computed from, written beside them (--export-json)."""
        paths = [str(r.path) for r in self.runs]
        where: dict[str, Any] = {"run_dir": paths[0]} if len(paths) == 1 else {"run_dirs": paths}
        return {**where, "run_ids": self.run_ids, "speedup": "reference / candidate median"}


def environment_differences(runs: Sequence[Run], keys: Sequence[str] = COMPARABLE_KEYS) -> list[str]:
    """Lines such as "kernel: 6.1 (run a) vs 6.8 (run b)" for every comparable field that differs."""
    out = []
    for key in keys:
        values = [(r.meta.run_id, r.meta.environment.get(key)) for r in runs]
        if len({str(v) for _, v in values}) > 1:
            out.append(f"{key}: " + " vs ".join(f"{v} ({rid})" for rid, v in values))
    return out


def ordered_environment(env: dict[str, Any]) -> dict[str, Any]:
    """The environment with the fields a reader needs first (ENVIRONMENT_KEYS), then the rest."""
    first = {k: env[k] for k in ENVIRONMENT_KEYS if k in env}
    return {**first, **{k: v for k, v in env.items() if k not in first}}


def _platform_column(builds: pd.DataFrame) -> pd.DataFrame:
    """Runs before platforms existed have no platform (null): drop the column when no row has one, else
    call the missing ones `native` (the engine's own platform, as bench.config names it)."""
    if "platform" not in builds.columns:
        return builds
    if builds["platform"].isna().all():
        return builds.drop(columns=["platform"])
    return builds.assign(platform=builds["platform"].fillna(NATIVE))


def _pull_or_rebuild(builds: pd.DataFrame, seed: int | None) -> list[PullVsRebuild]:
    """Registry-cache imports against cold rebuilds, when the rows recorded the bytes pulled."""
    if "registry_pulled_bytes" not in builds:
        return []
    return pull_vs_rebuild(builds, seed=stats.DEFAULT_SEED if seed is None else seed)


def build_report(
    runs: Sequence[Run], *, n_resamples: int = stats.DEFAULT_RESAMPLES, seed: int | None = stats.DEFAULT_SEED
) -> Report:
    """Merge the runs' rows and compute every table, speedup and claim verdict once."""
    if not runs:
        raise ValueError("a report needs at least one run directory")
    builds = _platform_column(pd.concat([r.builds for r in runs], ignore_index=True))
    non_empty_steps = [r.steps for r in runs if not r.steps.empty]
    steps = pd.concat(non_empty_steps, ignore_index=True) if non_empty_steps else runs[0].steps
    requested, n_resamples = n_resamples, effective_resamples(builds, n_resamples)
    cells = tables.cell_table(builds, n_resamples=n_resamples, seed=seed)
    builder_speedups = builder_comparisons(builds, n_resamples=n_resamples, seed=seed)
    cache_speedups = cache_comparisons(builds, n_resamples=n_resamples, seed=seed)
    evidence = claim_checks.Evidence(
        builds, steps, builder_speedups, cache_speedups, run_dirs=tuple(r.path for r in runs)
    )
    return Report(
        runs=list(runs),
        builds=builds,
        steps=steps,
        cells=cells,
        builder_speedups=builder_speedups,
        cache_speedups=cache_speedups,
        failed=tables.failed_cells(builds),
        claims=claim_checks.assess(evidence),
        completeness=[completeness(r) for r in runs],
        environment=ordered_environment(runs[0].meta.environment),
        environment_differences=environment_differences(runs),
        pull_or_rebuild=_pull_or_rebuild(builds, seed),
        shared_caches=shared_cache_evidence(builds) if len(builds) else [],
        platform_steps=platform_step_table(builds, steps),
        n_resamples=n_resamples,
        requested_resamples=requested,
        seed=seed,
    )
