"""Migrations: the rows of a run of an older results schema brought up to this bench's, in memory.

A run directory is never rewritten: results.py reads the rows as they are on disk and runs them through
`migrate` before they become tables. run.json needs no step of its own: every key it gained after
schema 1 is a field with a default in bench/store/rows.py (`RunMeta`: node, batch_job, network; the
plan's pairing, pairs, precision; the engine's host, image_store), which says "not recorded".

Schema history (as pyperf and asv keep theirs; add an `_update_to_N` for every change, and raise
SCHEMA_VERSION in rows.py):
- 1: first version.
- 2: cache sources, registry traffic, links. New build columns (null in migrated v1 rows): build_s (the
  build process alone; wall_s adds pull_s when the cell's cost includes a pull), pull_s, export_s,
  instructions_total, instructions_cached (Dockerfile steps only), work_steps_total, work_steps_cached
  (RUN/COPY/ADD only), cache_ref, registry_pulled_bytes, registry_pushed_bytes, index_wheel_downloads,
  index_pulled_bytes (what the package index served), cache_bytes, image_bytes, image_layers, notes,
  link, link_rate_mbit, link_delay_ms (v1 rows: all over loopback).
- 3: image checks and more cell dimensions. New build columns, null in migrated rows: those listed in
  V3_BUILD_COLUMNS (a field of bench/store/rows.py BuildRow with `since(3)`, and a line here saying what it
  holds). Rows without a platform (runs from before platforms) get `native`.
  goss_passed/goss_failed/goss_failures/goss_s/goss_error: the scenario's goss spec run in the image;
  image_files (path in the run dir)/image_files_s/image_files_error: the image's files kept for equivalence.
  variant: the scenario's Dockerfile variant of the cell (null: the scenario has none);
  leaked/leak_locations/audit_s/audit_bytes/audit_error: the secret audit of the image and the images
  the build left (bench/audit/leak_check.py); locations name a layer and path or a config field;
  engine_leak_locations: files of the owned engine's data root that came to hold the secret in that build.
  clone_verified/clone_error: the ssh scenario's image holds the run's private repository (its README).
  resumed: the row was measured by `bench run --resume` (bench/run/resume.py), after an interruption;
  run.json's `resumes` says when and how many builds were on disk before.
- 4: runs that cost less and say more. New build columns, null in migrated rows (V4_BUILD_COLUMNS):
  primed_by (seq of the measured cold build whose state primed this warm build: a paired plan);
  stop_reason (on a cell's last row: why it was measured no more: precise enough, its maximum, the same
  error twice); cpu_user_s/cpu_system_s/peak_memory_bytes/io_read_bytes/io_write_bytes (the engine's
  processes during the build) and cost_source (`cgroup` or `process`: where those came from);
  load_1m/outside_cpu_s (the machine around the build: load, CPU of processes outside the engine and
  bench; flag `machine-busy`); scenario_commit/scenario_dirty (the scenario directory's git state);
  build_metadata (buildx --metadata-file, JSON text).
- 5: sweeps on a cluster. Build column node (the SLURM node, else the host's short name, that ran bench:
  a report dimension when a merge holds several); run.json adds `node` and `batch_job` (the SLURM job's id,
  array task and partition; null outside a job).
- 6: a resume appends, never rewrites. Outcome `interrupted`: the row of the build a run stopped at (its
  engine failed; the note starting STOPPED_HERE says how), with no step rows; it is no measurement, and
  `bench run --resume` keeps it and appends the build measured again, same seq, after it (v5 rows of a
  stopped build, `failed` with that note, migrate to `interrupted`). run.json adds `network` (the builds'
  --network; `host`: their RUN steps reached the host's loopback services).
- 7: cached means cached before the build. A step the builder called cached whose result the same build
  had made earlier (the legacy builder's second stage taking the WORKDIR layer its first stage just made;
  a BuildKit vertex taken again within its solve) is no longer `cached` but `reused_in_build`: new step
  column reused_in_build, new build column steps_reused_in_build (their count), both null in migrated
  rows. An older bench counted such a legacy step in steps_cached, instructions_cached and
  work_steps_cached, and flagged the cold build that had one `cold-had-cached-steps`; a BuildKit vertex
  run uncached, then cached, was already not cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.builders.records import STOPPED_HERE, Outcome
from bench.platforms import NATIVE
from bench.store.rows import SCHEMA_VERSION, added_by

Rows = list[dict[str, Any]]

#: Build columns each schema added: older rows get them as null. The columns are the fields of
#: bench/store/rows.py's BuildRow; add a field there (with `since(N)`) and a line in the history above.
V2_BUILD_COLUMNS = added_by(2)
V3_BUILD_COLUMNS = added_by(3)
V4_BUILD_COLUMNS = added_by(4)
V5_BUILD_COLUMNS = added_by(5)
V7_BUILD_COLUMNS = added_by(7)


def migrate(builds: Rows, steps: Rows, version: int) -> tuple[Rows, Rows]:
    """Rows of schema `version` as rows of SCHEMA_VERSION, each step in turn (the lists are changed)."""
    for step in range(version, SCHEMA_VERSION):
        builds, steps = _migrations()[step](builds, steps)
    return builds, steps


def _add_nulls(builds: Rows, columns: tuple[str, ...]) -> None:
    """Give rows of an older schema the columns a newer one added, as null (nothing measured them)."""
    for row in builds:
        for column in columns:
            row.setdefault(column, None)


def _update_to_2(builds: Rows, steps: Rows) -> tuple[Rows, Rows]:
    """v1 -> v2: the cache-source columns, null (v1 measured no pulls, exports or registry bytes);
    build_s is wall_s, since no v1 cell included a pull."""
    _add_nulls(builds, V2_BUILD_COLUMNS)
    for row in builds:
        row["build_s"] = row.get("wall_s")
        row["link"], row["link_delay_ms"] = "loopback", 0.0
    return builds, steps


def _update_to_3(builds: Rows, steps: Rows) -> tuple[Rows, Rows]:
    """v2 -> v3: the image-check and dimension columns, null (v2 runs measured none of them); rows of runs
    from before platforms were a dimension built for the engine's own platform, `native`."""
    _add_nulls(builds, V3_BUILD_COLUMNS)
    for row in builds:
        if row.get("platform") is None:
            row["platform"] = NATIVE
    return builds, steps


def _update_to_4(builds: Rows, steps: Rows) -> tuple[Rows, Rows]:
    """v3 -> v4: pairing, stopping, cost, machine and provenance columns, null (v3 runs measured none)."""
    _add_nulls(builds, V4_BUILD_COLUMNS)
    return builds, steps


def _update_to_5(builds: Rows, steps: Rows) -> tuple[Rows, Rows]:
    """v4 -> v5: the node column, null (a v4 run did not record which machine it ran on)."""
    _add_nulls(builds, V5_BUILD_COLUMNS)
    return builds, steps


def _update_to_6(builds: Rows, steps: Rows) -> tuple[Rows, Rows]:
    """v5 -> v6: the row of the build a run stopped at was `failed` with a STOPPED_HERE note; it is
    `interrupted` now (no measurement: no failed build of its cell). No new column."""
    for row in builds:
        stopped = any(str(note).startswith(STOPPED_HERE) for note in row.get("notes") or ())
        if stopped and row.get("outcome") == Outcome.FAILED.value:
            row["outcome"] = Outcome.INTERRUPTED.value
    return builds, steps


def _update_to_7(builds: Rows, steps: Rows) -> tuple[Rows, Rows]:
    """v6 -> v7: steps_reused_in_build and the steps' reused_in_build, null: a v6 bench did not tell a
    step reused within its build from one cached before it (it called both cached)."""
    _add_nulls(builds, V7_BUILD_COLUMNS)
    for row in steps:
        row.setdefault("reused_in_build", None)
    return builds, steps


def _migrations() -> dict[int, Callable[[Rows, Rows], tuple[Rows, Rows]]]:
    """`{n: f}` where f turns a version-n row set into version n+1."""
    return {
        1: _update_to_2,
        2: _update_to_3,
        3: _update_to_4,
        4: _update_to_5,
        5: _update_to_6,
        6: _update_to_7,
    }
