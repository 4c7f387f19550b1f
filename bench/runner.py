"""Executes a plan: for each measurement, reset -> prime -> change -> timed build -> checks -> rows on disk.

Reset and priming are timed separately and never inside the build's span. Every build ends as a row,
whatever happened to it: failed builds are recorded as failed and the matrix goes on.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.builders.protocol import Builder
from bench.changes import apply_change, copy_scenario
from bench.config import NATIVE_PLATFORM, CacheSource, EngineConfig
from bench.engine.contents import EngineContents
from bench.plan import Measurement
from bench.quality import COLD_HAD_CACHED_STEPS, ENGINE_NOT_EMPTY, ENGINE_NOT_OWNED, WARM_NO_CACHED_STEPS
from bench.records import BuildRecord, BuildRequest, Outcome
from bench.results import RunWriter
from bench.scenario import Scenario

Reset = Callable[[], EngineContents]


@dataclass
class RunTally:
    """What the run did, for the exit code and the last lines of output."""

    measured: int = 0
    failed: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    interrupted: bool = False


def _image_tag(prefix: str, scenario: str, m: Measurement) -> str:
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in scenario.lower())
    return f"{prefix}/{name}:{m.cell.builder.value}-{m.seq}"


def quality_flags(
    m: Measurement, record: BuildRecord, before: EngineContents | None, owned: bool
) -> list[str]:
    """Checks that what a row claims is what happened (DESIGN.md, "verify what you claim")."""
    flags = []
    if not owned:
        flags.append(ENGINE_NOT_OWNED)
    if record.outcome is not Outcome.OK:
        return flags
    if m.cell.cache is CacheSource.none:
        if record.steps_cached:
            flags.append(COLD_HAD_CACHED_STEPS)
        if before is not None and not before.empty:
            flags.append(ENGINE_NOT_EMPTY)
    elif record.steps_cached == 0:
        flags.append(WARM_NO_CACHED_STEPS)
    return flags


def build_row(
    run_id: str,
    engine: str,
    m: Measurement,
    record: BuildRecord,
    *,
    reset_s: float | None,
    prime_s: float | None,
    flags: list[str],
    before: EngineContents | None,
    started_at: str,
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "seq": m.seq,
        "round": m.round,
        "repetition": m.repetition,
        "warmup": m.warmup,
        "cell": m.cell.id,
        "scenario": m.cell.scenario,
        "builder": m.cell.builder.value,
        "cache": m.cell.cache.value,
        "change": m.cell.change.value,
        "platform": m.cell.platform,
        "engine": engine,
        "outcome": record.outcome.value,
        "wall_s": record.wall_s,
        "reset_s": reset_s,
        "prime_s": prime_s,
        "steps_total": len(record.steps),
        "steps_cached": record.steps_cached,
        "flags": flags,
        "exit_code": record.exit_code,
        "error_tail": record.error_tail,
        "image_id": record.image_id,
        "builder_evidence": record.builder_evidence,
        "argv": record.argv,
        "env": record.env,
        "engine_before": None if before is None else before.__dict__,
        "started_at": started_at,
    }


def step_rows(run_id: str, m: Measurement, record: BuildRecord) -> list[dict[str, Any]]:
    return [
        {
            "run_id": run_id,
            "seq": m.seq,
            "cell": m.cell.id,
            "builder": m.cell.builder.value,
            "index": s.index,
            "name": s.name,
            "stage": s.stage,
            "platform": s.platform,
            "started_s": s.started_s,
            "completed_s": s.completed_s,
            "duration_s": s.duration_s,
            "cached": s.cached,
            "error": s.error,
        }
        for s in record.steps
    ]


class Runner:
    """Runs measurements against one engine with the given builders, writing rows as it goes."""

    def __init__(
        self,
        *,
        run_id: str,
        scenario: Scenario,
        engine: EngineConfig,
        builders: Mapping[str, Builder],
        reset: Reset,
        writer: RunWriter,
        network: str | None,
        tag_prefix: str,
        on_row: Callable[[Measurement, dict], None] | None = None,
        on_start: Callable[[Measurement], None] | None = None,
    ) -> None:
        self.run_id = run_id
        self.scenario = scenario
        self.engine = engine
        self.builders = builders
        self.reset = reset
        self.writer = writer
        self.network = network
        self.tag_prefix = tag_prefix
        self.on_row = on_row
        self.on_start = on_start
        self.workroot = Path(tempfile.mkdtemp(prefix="bench-run-"))

    def _request(self, context_dir: Path, m: Measurement) -> BuildRequest:
        extra: tuple[str, ...] = ()
        if m.cell.cache is CacheSource.none and not self.engine.owned:
            extra = ("--no-cache",)  # the only cold the harness may make on an engine it does not own
        if m.cell.platform != NATIVE_PLATFORM:
            extra = (*extra, "--platform", m.cell.platform)
        return BuildRequest(
            context_dir=str(context_dir),
            dockerfile=str(context_dir / self.scenario.dockerfile),
            tag=_image_tag(self.tag_prefix, self.scenario.name, m),
            build_args=dict(self.scenario.build_args),
            target=self.scenario.target,
            network=self.network,
            extra_flags=extra,
        )

    def measure(self, m: Measurement) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """One measurement, start to its build row and step rows; never raises for a build that fails."""
        builder = self.builders[m.cell.builder.value]
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        context_dir = copy_scenario(self.scenario.directory, parent=self.workroot)
        try:
            request = self._request(context_dir, m)
            reason = builder.supports(request)
            if reason is not None:
                record = BuildRecord(builder.name, Outcome.UNSUPPORTED, None, [], [], {}, error_tail=reason)
                return build_row(
                    self.run_id,
                    self.engine.name,
                    m,
                    record,
                    reset_s=None,
                    prime_s=None,
                    flags=[],
                    before=None,
                    started_at=started_at,
                ), []
            t0 = time.monotonic()
            before = self.reset()
            reset_s = time.monotonic() - t0
            prime_s = None
            if m.cell.cache is CacheSource.local:
                t0 = time.monotonic()
                primed = builder.build(replace(request, tag=request.tag + "-prime"))
                if primed.outcome is not Outcome.OK:
                    primed.error_tail = f"priming build failed: {primed.error_tail or ''}"
                    row = build_row(
                        self.run_id,
                        self.engine.name,
                        m,
                        primed,
                        reset_s=reset_s,
                        prime_s=None,
                        flags=[],
                        before=before,
                        started_at=started_at,
                    )
                    return row, step_rows(self.run_id, m, primed)
                apply_change(
                    context_dir, m.cell.change, self.scenario.source_change, token=f"{self.run_id}-{m.seq}"
                )
                prime_s = time.monotonic() - t0
            record = builder.build(request)
            flags = quality_flags(m, record, before, self.engine.owned)
            row = build_row(
                self.run_id,
                self.engine.name,
                m,
                record,
                reset_s=reset_s,
                prime_s=prime_s,
                flags=flags,
                before=before,
                started_at=started_at,
            )
            return row, step_rows(self.run_id, m, record)
        finally:
            shutil.rmtree(context_dir.parent, ignore_errors=True)

    def run(self, plan: list[Measurement]) -> RunTally:
        """All measurements in plan order; Ctrl-C stops after writing what was measured."""
        tally = RunTally()
        try:
            for m in plan:
                if self.on_start:
                    self.on_start(m)
                row, steps = self.measure(m)
                self.writer.add_build(row, steps)
                tally.measured += 1
                if row["outcome"] == Outcome.FAILED.value:
                    tally.failed.append(m.cell.id)
                elif row["outcome"] == Outcome.UNSUPPORTED.value:
                    tally.unsupported.append(m.cell.id)
                if self.on_row:
                    self.on_row(m, row)
        except KeyboardInterrupt:
            tally.interrupted = True
        finally:
            shutil.rmtree(self.workroot, ignore_errors=True)
        return tally
