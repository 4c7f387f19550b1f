"""Executes a plan: for each measurement, reset -> prime -> change -> timed build -> checks -> rows on disk.

What priming means, whether the engine is emptied again after it and which flags the measured build gets
belong to the cell's cache source (bench/caches/); the runner only sequences them. Reset and priming are
timed separately and never inside the build's span. Every build ends as a row, whatever happened to it:
failed builds are recorded as failed and the matrix goes on. Everything fixed for the run comes in one
frozen RunContext (bench/run/context.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from bench.builders.records import STOPPED_HERE, BuildRecord, BuildRequest, Outcome
from bench.caches import CacheJob, CacheStrategy, Primed, strategy_for
from bench.engine.contents import EngineContents
from bench.engine.health import Blocked
from bench.engine.observer import directory_bytes
from bench.engine.own_images import RunImages, cache_repository
from bench.plan import Measurement
from bench.platforms import is_multi
from bench.run.build_rows import Measured, RowSource, build_row, step_rows
from bench.run.context import Progress, RunContext
from bench.run.quality_checks import quality_flags
from bench.run.stopping import Stopping
from bench.safe import scratch
from bench.scenario.changes import apply_change, changed_build_args, copy_scenario, unsupported_change
from bench.scenario.definition import Scenario
from bench.store.quality import MACHINE_BUSY
from bench.store.results import RunWriter
from bench.store.rows import BuildRow, StepRow
from bench.vocabulary import CacheSource


@dataclass(frozen=True)
class _WarmStart:
    """What a paired warm build starts from: the seq of the successful cold build just measured and its
    context directory (the engine holds that build's cache)."""

    seq: int
    context_dir: Path


@dataclass
class RunTally:
    """What the run did, for the exit code and the last lines of output."""

    measured: int = 0
    failed: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    interrupted: bool = False
    stopped: Blocked | None = None  # the engine, its registry or its disk failed: the rest was not built


def _image_tag(prefix: str, run_id: str, scenario: str, m: Measurement) -> str:
    """`<prefix>/<run>/<scenario>:<builder>-<seq>`: removed with this run's images and no one else's."""
    return RunImages(prefix, run_id).tag(scenario, m.cell.builder.value, m.seq)


def variant_dockerfile(scenario: Scenario, m: Measurement) -> str:
    """The Dockerfile of the cell's variant, or the scenario's own when the cell has none."""
    if m.cell.variant is None:
        return scenario.dockerfile
    return scenario.variants[m.cell.variant]


def cache_ref(registry: str, engine: str, run_id: str, scenario: str, m: Measurement) -> str:
    """`{registry}/bench-cache/<engine>/<run>/<scenario>:<builder>-<cache>-<change>-<seq>`: one ref per
    measurement, never shared by two engines or two runs of one registry."""
    cell = f"{m.cell.builder.value}-{m.cell.cache.value}-{m.cell.change.value}"
    return f"{registry}/{cache_repository(engine, run_id, scenario)}:{cell}-{m.seq}"


class Runner:
    """Runs measurements of one run context, writing each build's rows as it ends."""

    def __init__(
        self,
        context: RunContext,
        writer: RunWriter,
        progress: Progress | None = None,
        stopping: Stopping | None = None,
    ) -> None:
        self.context = context
        self.writer = writer
        self.progress = progress or Progress()
        self.stopping = stopping  # None: every planned build is measured
        self._warm_start: _WarmStart | None = None
        self.rows = RowSource(
            context.run_id,
            context.engine.name,
            context.link,
            context.resumed,
            context.git.commit,
            context.git.dirty,
            context.node,
        )

    @property
    def scenario(self) -> Scenario:
        return self.context.scenario

    def _request(self, context_dir: Path, m: Measurement) -> BuildRequest:
        engine = self.context.engine
        extra: tuple[str, ...] = ()
        if m.cell.cache is CacheSource.none and not engine.owned:
            extra = ("--no-cache",)  # the only cold the harness may make on an engine it does not own
        tag = _image_tag(self.context.tag_prefix, self.context.run_id, self.scenario.name, m)
        if not m.cell.native:
            extra = (*extra, "--platform", m.cell.platform)
        if is_multi(m.cell.platform):  # a manifest list cannot always be --load-ed: it goes to the registry
            tag, extra = f"{engine.registry}/{tag}", (*extra, "--push")
        return BuildRequest(
            context_dir=str(context_dir),
            dockerfile=str(context_dir / variant_dockerfile(self.scenario, m)),
            tag=tag,
            build_args=dict(self.scenario.build_args),
            target=self.scenario.target,
            network=self.scenario.network or self.context.network,
            extra_flags=extra,
        )

    def _check_platform(self, m: Measurement, record: BuildRecord, tag: str) -> BuildRecord:
        """Fails a build whose image is not for the cell's platform (checked after the timed span)."""
        check = self.context.tools.check_image
        if check is None or record.outcome is not Outcome.OK:
            return record
        problem = check(m.cell.platform, record.image_id, tag)
        if problem:
            record.outcome, record.error_tail = Outcome.FAILED, problem
        return record

    def _timed_reset(self) -> tuple[EngineContents, float]:
        t0 = time.monotonic()
        before = self.context.tools.reset()
        return before, time.monotonic() - t0

    def _prime(self, strategy: CacheStrategy, job: CacheJob, measured: Measured) -> Primed:
        """Priming (build, export) with the registry's blob store watched: its growth is what was pushed."""
        observer = self.context.tools.observer
        mark = observer.registry_mark() if observer else None
        primed = strategy.prime(job)
        measured["prime_s"], measured["export_s"] = primed.prime_s, primed.export_s
        if primed.error or primed.record is None:
            return primed
        if mark is not None and observer is not None:
            measured["registry_pushed_bytes"] = observer.registry_since(mark)[1]
        if strategy.stored_in == "registry":
            measured["cache_bytes"] = measured.get("registry_pushed_bytes")
        elif strategy.stored_in == "directory" and strategy.cache_dir(job) is not None:
            measured["cache_bytes"] = directory_bytes(strategy.cache_dir(job))
        elif strategy.stored_in == "engine" and observer is not None:
            measured["cache_bytes"] = observer.build_cache_bytes()
        return primed

    def _row(
        self,
        m: Measurement,
        record: BuildRecord,
        measured: Measured,
        before: EngineContents | None,
        started_at: str,
        flags: tuple[str, ...] = (),
    ) -> tuple[BuildRow, list[StepRow]]:
        row = build_row(
            self.rows, m, record, measured=measured, flags=flags, before=before, started_at=started_at
        )
        return row, step_rows(self.context.run_id, m, record)

    def _unsupported(self, m: Measurement, strategy: CacheStrategy, job: CacheJob) -> str | None:
        """Why the cell cannot be measured (engine, change, cache source or builder), or None."""
        lacks = self.context.tools.engine_lacks
        return (
            (lacks(m) if lacks is not None else None)
            or unsupported_change(
                m.cell.change,
                self.scenario.deps_manifest,
                job.request.build_args,
                failing_test=self.scenario.failing_test,
            )
            or strategy.supports(job.builder.name, self.scenario)
            or job.builder.supports(strategy.measured(job, job.request))
        )

    def _changed(self, context_dir: Path, m: Measurement, request: BuildRequest) -> BuildRequest:
        """Apply the cell's change to the private copy; the measured request (base images swapped)."""
        apply_change(
            context_dir,
            m.cell.change,
            self.scenario.source_change,
            token=f"{self.context.run_id}-{m.seq}",
            deps_manifest=self.scenario.deps_manifest,
            failing_test=self.scenario.failing_test,
        )
        return replace(request, build_args=changed_build_args(m.cell.change, request.build_args))

    def _measured_build(
        self,
        m: Measurement,
        strategy: CacheStrategy,
        job: CacheJob,
        request: BuildRequest,
        measured: Measured,
    ) -> BuildRecord:
        """Pre-build work (a pull) counted in the cost, the timed build, then what came over the link."""
        observer = self.context.tools.observer
        mark = observer.registry_mark() if observer else None
        pre = strategy.before_build(job)
        if pre is not None:
            measured["pull_s"] = pre.pull_s
            measured["notes"] = (
                f"wall_s = pull_s + build_s: the previous image is pulled first ({' '.join(pre.argv)})",
            )
            if pre.error:
                return BuildRecord(
                    job.builder.name, Outcome.FAILED, None, [], pre.argv, {}, error_tail=pre.error
                )
        meter = self.context.tools.meter
        cost_mark = meter.mark() if meter is not None else None
        record = job.builder.build(strategy.measured(job, request))
        if meter is not None:
            measured.update(meter.since(cost_mark, record.wall_s))
        record = self._check_platform(m, record, request.tag)
        if observer is not None:
            if mark is not None:
                measured["registry_pulled_bytes"] = observer.registry_since(mark)[0]
                wheels, index_bytes = observer.index_downloads_since(mark)
                measured["index_wheel_downloads"], measured["index_pulled_bytes"] = wheels, index_bytes
            measured["image_bytes"], measured["image_layers"] = observer.image_facts(record.image_id)
        return record

    def _job(self, m: Measurement, context_dir: Path) -> CacheJob:
        tools, engine = self.context.tools, self.context.engine
        return CacheJob(
            tools.builders[m.cell.builder.value],
            tools.builders,
            self._request(context_dir, m),
            self.scenario,
            cache_ref(engine.registry, engine.name, self.context.run_id, self.scenario.name, m),
            context_dir.parent,
            tools.transfer,
        )

    def _warm_start_for(self, m: Measurement | None) -> _WarmStart | None:
        """The cold build's state when `m` is its paired warm build and that build ran just before and
        succeeded; any other state (and all of it when no build follows, `m` None) is dropped, its context
        directory removed."""
        start, self._warm_start = self._warm_start, None
        if start is not None and m is not None and m.paired_with == start.seq:
            return start
        if start is not None:
            scratch.remove(start.context_dir.parent)
        return None

    def measure(self, m: Measurement) -> tuple[BuildRow, list[StepRow]]:
        """One measurement, start to its build row and step rows; never raises for a build that fails.

        reset -> prime (the cache source's build and export) -> reset again when the source keeps its
        cache outside the engine -> change -> pre-build work (a pull) -> timed build -> checks. A paired
        warm build (bench/plan.py) skips the reset and the priming: the cold build just measured left the
        engine and its context directory as the priming would have (`primed_by` names it).
        """
        strategy = strategy_for(m.cell.cache)
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        start = self._warm_start_for(m)
        workroot = self.context.workroot
        context_dir = start.context_dir if start else copy_scenario(self.scenario.directory, parent=workroot)
        measured: Measured = {}
        keep = False
        try:
            job = self._job(m, context_dir)
            measured["cache_ref"] = job.cache_ref if strategy.stored_in == "registry" else None
            reason = self._unsupported(m, strategy, job)
            if reason is not None:
                record = BuildRecord(
                    job.builder.name, Outcome.UNSUPPORTED, None, [], [], {}, error_tail=reason
                )
                return self._row(m, record, measured, None, started_at)
            before: EngineContents | None = None
            if start is not None:
                measured["primed_by"] = start.seq
            else:
                before, measured["reset_s"] = self._timed_reset()
                primed = self._prime(strategy, job, measured)
                if primed.error:
                    failed = primed.record or BuildRecord(job.builder.name, Outcome.FAILED, None, [], [], {})
                    failed.outcome, failed.error_tail = Outcome.FAILED, primed.error
                    return self._row(m, failed, measured, before, started_at)
                if strategy.empties_engine:  # only the exported cache may survive to the measured build
                    before, again_s = self._timed_reset()
                    measured["reset_s"] += again_s
            changed = self._changed(context_dir, m, job.request)
            record = self._measured_build(m, strategy, job, changed, measured)
            flags = quality_flags(m, record, before, self.context.engine.owned)
            meter = self.context.tools.meter
            if meter is not None and meter.busy(measured, record.wall_s):
                flags = (*flags, MACHINE_BUSY)
            row, steps = self._row(m, record, measured, before, started_at, flags)
            after_build = self.context.tools.after_build
            keep = m.cell.cache is CacheSource.none and record.outcome is Outcome.OK
            return (row if after_build is None else replace(row, **after_build(m, record))), steps
        finally:
            if keep:  # the state a paired warm build may start from
                self._warm_start = _WarmStart(m.seq, context_dir)
            else:
                scratch.remove(context_dir.parent)

    def _blocked(self, error: str | None) -> Blocked | None:
        health = self.context.tools.health
        return health(error) if health is not None else None

    def _refused(self, m: Measurement, error: str) -> BuildRow:
        """The row of a measurement the engine failed outside its build (a reset on a full disk, a daemon
        gone between builds): every build ends as a row, and `bench run --resume` measures it again."""
        record = BuildRecord(m.cell.builder.value, Outcome.FAILED, None, [], [], {}, error_tail=error)
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        return self._row(m, record, {}, None, started_at)[0]

    def _measured_or_refused(self, m: Measurement) -> tuple[BuildRow, list[StepRow], Blocked | None]:
        """The measurement's rows; when the engine refused a call outside the build (reset, inspect) and
        cannot go on, the refused row and why; any other error is a bug and propagates."""
        try:
            return (*self.measure(m), None)
        except Exception as error:
            refused = self._blocked(str(error))
            if refused is None:
                raise
            return self._refused(m, str(error)), [], refused

    def _stop_reason(self, m: Measurement, row: BuildRow, refused: bool) -> BuildRow:
        """The row with the reason its cell stops here, if it does (bench/run/stopping.py); a build the engine
        refused is no measurement of the cell and decides nothing."""
        if self.stopping is None or refused:
            return row
        reason = self.stopping.record(m, row.outcome, row.wall_s, row.error_tail)
        return row if reason is None else replace(row, stop_reason=reason)

    def _planned(self, plan: list[Measurement], done: int, position: int) -> int:
        """Builds measured so far plus those still to come for cells that have not stopped."""
        rest = plan[position + 1 :]
        if self.stopping is None:
            return done + len(rest)
        return done + sum(1 for m in rest if not self.stopping.stopped(m.cell.id))

    def run(self, plan: list[Measurement]) -> RunTally:
        """All measurements in plan order, but none of a cell that has stopped; Ctrl-C stops after writing
        what was measured, and so does an engine that can no longer build (`tally.stopped`)."""
        tally = RunTally()
        on_plan = self.progress.on_plan
        if on_plan and self.stopping is not None:  # a resumed run's stopped cells are not to come
            on_plan(self._planned(plan, 0, -1))
        try:
            for position, m in enumerate(plan):
                if self.stopping is not None and self.stopping.stopped(m.cell.id):
                    continue
                if self.progress.on_start:
                    self.progress.on_start(m)
                row, steps, refused = self._measured_or_refused(m)
                if row.outcome == Outcome.FAILED.value:
                    tally.stopped = refused or self._blocked(row.error_tail)
                    if tally.stopped is not None:  # the row says why nothing follows it; no measurement:
                        note = f"{STOPPED_HERE}: {tally.stopped.what}"  # --resume builds it again
                        row = replace(row, outcome=Outcome.INTERRUPTED.value, notes=(*row.notes, note))
                        steps = []  # the build measured again has the seq's steps
                row = self._stop_reason(m, row, refused=tally.stopped is not None)
                self.writer.add_build(row, steps)
                tally.measured += 1
                if row.outcome == Outcome.FAILED.value:
                    tally.failed.append(m.cell.id)
                elif row.outcome == Outcome.UNSUPPORTED.value:
                    tally.unsupported.append(m.cell.id)
                if self.progress.on_row:
                    self.progress.on_row(m, row)
                if row.stop_reason and on_plan:
                    on_plan(self._planned(plan, tally.measured, position))
                if tally.stopped is not None:
                    break
        except KeyboardInterrupt:
            tally.interrupted = True
        finally:
            self._warm_start_for(None)  # no warm build follows: its cold build's copy goes
        return tally
