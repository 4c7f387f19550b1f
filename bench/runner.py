"""Executes a plan: for each measurement, reset -> prime -> change -> timed build -> checks -> rows on disk.

What priming means, whether the engine is emptied again after it and which flags the measured build gets
belong to the cell's cache source (bench/caches/); the runner only sequences them. Reset and priming are
timed separately and never inside the build's span. Every build ends as a row, whatever happened to it:
failed builds are recorded as failed and the matrix goes on.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from bench.builders.protocol import Builder
from bench.caches import CacheJob, CacheStrategy, ImageTransfer, Primed, strategy_for
from bench.changes import apply_change, changed_build_args, copy_scenario, unsupported_change
from bench.config import NATIVE_PLATFORM, CacheSource, ChangeKind, EngineConfig
from bench.engine.contents import EngineContents
from bench.engine.health import Blocked
from bench.engine.observer import directory_bytes
from bench.network.link import AppliedLink
from bench.plan import Measurement
from bench.platforms import is_multi
from bench.quality import (
    CACHE_IMPORT_MISSED,
    COLD_HAD_CACHED_STEPS,
    ENGINE_NOT_EMPTY,
    ENGINE_NOT_OWNED,
    LINK_DELAY_NOT_EMULATED,
    WARM_NO_CACHED_STEPS,
)
from bench.records import BuildRecord, BuildRequest, Outcome, Step
from bench.results import RunWriter
from bench.scenario import Scenario

Reset = Callable[[], EngineContents]
#: (cell platform, image id, tag) -> None when the image is for that platform, else what is wrong
ImageCheck = Callable[[str, str | None, str], str | None]
#: (measurement, its record) -> extra row fields, e.g. goss results (bench/audit/after_build.py)
AfterBuild = Callable[[Measurement, BuildRecord], dict[str, Any]]
#: (the failed build's error tail, or the error the engine raised) -> why the run cannot go on, or None
#: when the failure was the build's own (bench/engine/health.py)
Health = Callable[[str | None], Blocked | None]

#: Dockerfile instructions: the steps that do the project's work (BuildKit's other vertices, such as
#: `[internal] load ...` or `exporting to image`, are the builder's own).
INSTRUCTIONS = frozenset(
    {
        *("FROM", "RUN", "COPY", "ADD", "WORKDIR", "ENV", "ARG", "LABEL", "USER", "EXPOSE", "VOLUME"),
        *("CMD", "ENTRYPOINT", "SHELL", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "MAINTAINER"),
    }
)
#: The note on the row of a build the engine failed, after which the run stopped; `bench run --resume`
#: measures that build again (bench/resume.py).
STOPPED_HERE = "the run stopped here"
#: Instructions whose cache hit means reused work (a cached FROM only means the base image was present).
_WORK = frozenset({"RUN", "COPY", "ADD"})


def instruction_steps(steps: list[Step]) -> list[Step]:
    return [s for s in steps if s.name.split(" ", 1)[0].upper() in INSTRUCTIONS]


def work_steps(steps: list[Step]) -> list[Step]:
    """RUN, COPY and ADD steps: the ones whose cache hit saves the project's work."""
    return [s for s in steps if s.name.split(" ", 1)[0].upper() in _WORK]


def cached_work(steps: list[Step]) -> int:
    return sum(1 for s in work_steps(steps) if s.cached)


class Observer(Protocol):
    """Measures around builds, outside timed spans (bench.engine.observer.EngineObserver)."""

    def registry_mark(self) -> Any: ...

    def registry_since(self, start: Any) -> tuple[int | None, int | None]: ...

    def index_downloads_since(self, start: Any) -> tuple[int | None, int | None]: ...

    def build_cache_bytes(self) -> int | None: ...

    def image_facts(self, image_id: str | None) -> tuple[int | None, int | None]: ...


@dataclass
class Extras:
    """Row fields beyond the build record: what priming, the cache and the image measured."""

    reset_s: float | None = None
    prime_s: float | None = None
    export_s: float | None = None
    pull_s: float | None = None
    cache_ref: str | None = None
    registry_pulled_bytes: int | None = None
    registry_pushed_bytes: int | None = None
    index_wheel_downloads: int | None = None
    index_pulled_bytes: int | None = None
    cache_bytes: int | None = None
    image_bytes: int | None = None
    image_layers: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class RunTally:
    """What the run did, for the exit code and the last lines of output."""

    measured: int = 0
    failed: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    interrupted: bool = False
    stopped: Blocked | None = None  # the engine, its registry or its disk failed: the rest was not built


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
    strategy = strategy_for(m.cell.cache)
    if m.cell.cache is CacheSource.none and record.steps_cached:
        flags.append(COLD_HAD_CACHED_STEPS)
    starts_empty = m.cell.cache is CacheSource.none or strategy.empties_engine
    if starts_empty and before is not None and not before.empty:
        flags.append(ENGINE_NOT_EMPTY)
    rebuilds_all = m.cell.change is ChangeKind.base  # a new base image invalidates every step
    judged = bool(record.steps)  # a build with no step data (legacy compose) cannot be judged on its steps
    if strategy.expects_cache_hits and not rebuilds_all and judged and record.steps_cached == 0:
        flags.append(WARM_NO_CACHED_STEPS)
    if strategy.empties_engine and not rebuilds_all and judged and not cached_work(record.steps):
        flags.append(CACHE_IMPORT_MISSED)
    return flags


def build_row(
    run_id: str,
    engine: str,
    m: Measurement,
    record: BuildRecord,
    *,
    extras: Extras,
    flags: list[str],
    before: EngineContents | None,
    started_at: str,
) -> dict[str, Any]:
    """One build row. `wall_s` is the cell's figure: the build process, plus the pull a user must do
    first when `pull_s` is set (the legacy builder's inline cache); `build_s` is the build alone."""
    instructions = instruction_steps(record.steps)
    wall_s = record.wall_s
    if wall_s is not None and extras.pull_s is not None:
        wall_s = wall_s + extras.pull_s
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
        "variant": m.cell.variant,
        "engine": engine,
        "outcome": record.outcome.value,
        "wall_s": wall_s,
        "reset_s": extras.reset_s,
        "prime_s": extras.prime_s,
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
        "build_s": record.wall_s,
        "pull_s": extras.pull_s,
        "export_s": extras.export_s,
        "instructions_total": len(instructions),
        "instructions_cached": sum(1 for s in instructions if s.cached),
        "work_steps_total": len(work_steps(record.steps)),
        "work_steps_cached": cached_work(record.steps),
        "cache_ref": extras.cache_ref,
        "registry_pulled_bytes": extras.registry_pulled_bytes,
        "registry_pushed_bytes": extras.registry_pushed_bytes,
        "index_wheel_downloads": extras.index_wheel_downloads,
        "index_pulled_bytes": extras.index_pulled_bytes,
        "cache_bytes": extras.cache_bytes,
        "image_bytes": extras.image_bytes,
        "image_layers": extras.image_layers,
        "notes": extras.notes,
    }


def variant_dockerfile(scenario: Scenario, m: Measurement) -> str:
    """The Dockerfile of the cell's variant, or the scenario's own when the cell has none."""
    if m.cell.variant is None:
        return scenario.dockerfile
    return scenario.variants[m.cell.variant]


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


def link_fields(link: AppliedLink | None) -> dict[str, Any]:
    """The link the row was measured over: its profile, and the rate and delay really applied."""
    if link is None:
        return {"link": "loopback", "link_rate_mbit": None, "link_delay_ms": 0.0}
    return {
        "link": link.profile.name,
        "link_rate_mbit": link.profile.rate_mbit,
        "link_delay_ms": link.delay_ms,
    }


def cache_ref(registry: str, scenario: str, m: Measurement) -> str:
    """`{registry}/bench-cache/<scenario>:<builder>-<cache>-<change>-<seq>`: one ref per measurement."""
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in scenario.lower())
    cell = f"{m.cell.builder.value}-{m.cell.cache.value}-{m.cell.change.value}"
    return f"{registry}/bench-cache/{name}:{cell}-{m.seq}"


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
        transfer: ImageTransfer | None = None,
        observer: Observer | None = None,
        check_image: ImageCheck | None = None,
        after_build: AfterBuild | None = None,
        resumed: bool = False,
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
        self.transfer = transfer
        self.observer = observer
        self.link: AppliedLink | None = None  # set while a shaped link is up (bench/network/link.py)
        # why the engine cannot measure a cell (bench/engine/capabilities.py), set by the app
        self.engine_lacks: Callable[[Measurement], str | None] | None = None
        self.check_image = check_image
        self.after_build = after_build  # image checks outside the timed span (bench/audit/after_build.py)
        self.resumed = resumed  # rows say they were measured by `bench run --resume` (bench/resume.py)
        self.health: Health | None = None  # asked after a failure whether the run can go on, set by the app
        self.workroot = Path(tempfile.mkdtemp(prefix="bench-run-"))

    def _request(self, context_dir: Path, m: Measurement) -> BuildRequest:
        extra: tuple[str, ...] = ()
        if m.cell.cache is CacheSource.none and not self.engine.owned:
            extra = ("--no-cache",)  # the only cold the harness may make on an engine it does not own
        tag = _image_tag(self.tag_prefix, self.scenario.name, m)
        if m.cell.platform != NATIVE_PLATFORM:
            extra = (*extra, "--platform", m.cell.platform)
        if is_multi(m.cell.platform):  # a manifest list cannot always be --load-ed: it goes to the registry
            tag, extra = f"{self.engine.registry}/{tag}", (*extra, "--push")
        return BuildRequest(
            context_dir=str(context_dir),
            dockerfile=str(context_dir / variant_dockerfile(self.scenario, m)),
            tag=tag,
            build_args=dict(self.scenario.build_args),
            target=self.scenario.target,
            network=self.scenario.network or self.network,
            extra_flags=extra,
        )

    def _check_platform(self, m: Measurement, record: BuildRecord, tag: str) -> BuildRecord:
        """Fails a build whose image is not for the cell's platform (checked after the timed span)."""
        if self.check_image is None or record.outcome is not Outcome.OK:
            return record
        problem = self.check_image(m.cell.platform, record.image_id, tag)
        if problem:
            record.outcome, record.error_tail = Outcome.FAILED, problem
        return record

    def _timed_reset(self) -> tuple[EngineContents, float]:
        t0 = time.monotonic()
        before = self.reset()
        return before, time.monotonic() - t0

    def _prime(self, strategy: CacheStrategy, job: CacheJob, extras: Extras) -> Primed:
        """Priming (build, export) with the registry's blob store watched: its growth is what was pushed."""
        mark = self.observer.registry_mark() if self.observer else None
        primed = strategy.prime(job)
        extras.prime_s, extras.export_s = primed.prime_s, primed.export_s
        if primed.error or primed.record is None:
            return primed
        if mark is not None and self.observer is not None:
            extras.registry_pushed_bytes = self.observer.registry_since(mark)[1]
        if strategy.stored_in == "registry":
            extras.cache_bytes = extras.registry_pushed_bytes
        elif strategy.stored_in == "directory" and strategy.cache_dir(job) is not None:
            extras.cache_bytes = directory_bytes(strategy.cache_dir(job))
        elif strategy.stored_in == "engine" and self.observer is not None:
            extras.cache_bytes = self.observer.build_cache_bytes()
        return primed

    def _row(self, m: Measurement, record: BuildRecord, extras: Extras, before, started_at: str, flags=()):
        row = build_row(
            self.run_id,
            self.engine.name,
            m,
            record,
            extras=extras,
            flags=list(flags),
            before=before,
            started_at=started_at,
        )
        row.update(link_fields(self.link))
        row["resumed"] = self.resumed
        if (
            self.link is not None
            and self.link.delay_ms < self.link.profile.delay_ms
            and record.outcome is Outcome.OK
        ):
            row["flags"].append(LINK_DELAY_NOT_EMULATED)
        return row, step_rows(self.run_id, m, record)

    def _unsupported(self, m: Measurement, strategy: CacheStrategy, job: CacheJob) -> str | None:
        """Why the cell cannot be measured (engine, change, cache source or builder), or None."""
        return (
            (self.engine_lacks(m) if self.engine_lacks is not None else None)
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
            token=f"{self.run_id}-{m.seq}",
            deps_manifest=self.scenario.deps_manifest,
            failing_test=self.scenario.failing_test,
        )
        return replace(request, build_args=changed_build_args(m.cell.change, request.build_args))

    def _measured_build(
        self, m: Measurement, strategy: CacheStrategy, job: CacheJob, request: BuildRequest, extras: Extras
    ) -> BuildRecord:
        """Pre-build work (a pull) counted in the cost, the timed build, then what came over the link."""
        mark = self.observer.registry_mark() if self.observer else None
        pre = strategy.before_build(job)
        if pre is not None:
            extras.pull_s = pre.pull_s
            extras.notes.append(
                f"wall_s = pull_s + build_s: the previous image is pulled first ({' '.join(pre.argv)})"
            )
            if pre.error:
                return BuildRecord(
                    job.builder.name, Outcome.FAILED, None, [], pre.argv, {}, error_tail=pre.error
                )
        record = self._check_platform(m, job.builder.build(strategy.measured(job, request)), request.tag)
        if self.observer is not None:
            if mark is not None:
                extras.registry_pulled_bytes = self.observer.registry_since(mark)[0]
                wheels, index_bytes = self.observer.index_downloads_since(mark)
                extras.index_wheel_downloads, extras.index_pulled_bytes = wheels, index_bytes
            extras.image_bytes, extras.image_layers = self.observer.image_facts(record.image_id)
        return record

    def measure(self, m: Measurement) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """One measurement, start to its build row and step rows; never raises for a build that fails.

        reset -> prime (the cache source's build and export) -> reset again when the source keeps its
        cache outside the engine -> change -> pre-build work (a pull) -> timed build -> checks.
        """
        builder = self.builders[m.cell.builder.value]
        strategy = strategy_for(m.cell.cache)
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        context_dir = copy_scenario(self.scenario.directory, parent=self.workroot)
        extras = Extras()
        try:
            request = self._request(context_dir, m)
            ref = cache_ref(self.engine.registry, self.scenario.name, m)
            job = CacheJob(
                builder, self.builders, request, self.scenario, ref, context_dir.parent, self.transfer
            )
            extras.cache_ref = ref if strategy.stored_in == "registry" else None
            reason = self._unsupported(m, strategy, job)
            if reason is not None:
                record = BuildRecord(builder.name, Outcome.UNSUPPORTED, None, [], [], {}, error_tail=reason)
                return self._row(m, record, extras, None, started_at)
            before, extras.reset_s = self._timed_reset()
            primed = self._prime(strategy, job, extras)
            if primed.error:
                failed = primed.record or BuildRecord(builder.name, Outcome.FAILED, None, [], [], {})
                failed.outcome, failed.error_tail = Outcome.FAILED, primed.error
                return self._row(m, failed, extras, before, started_at)
            if strategy.empties_engine:  # only the exported cache may survive to the measured build
                before, again_s = self._timed_reset()
                extras.reset_s += again_s
            record = self._measured_build(m, strategy, job, self._changed(context_dir, m, request), extras)
            flags = quality_flags(m, record, before, self.engine.owned)
            row, steps = self._row(m, record, extras, before, started_at, flags)
            if self.after_build is not None:
                row.update(self.after_build(m, record))
            return row, steps
        finally:
            shutil.rmtree(context_dir.parent, ignore_errors=True)

    def _blocked(self, error: str | None) -> Blocked | None:
        return self.health(error) if self.health is not None else None

    def _refused(self, m: Measurement, error: str) -> dict[str, Any]:
        """The row of a measurement the engine failed outside its build (a reset on a full disk, a daemon
        gone between builds): every build ends as a row, and `bench run --resume` measures it again."""
        record = BuildRecord(m.cell.builder.value, Outcome.FAILED, None, [], [], {}, error_tail=error)
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        return self._row(m, record, Extras(), None, started_at)[0]

    def run(self, plan: list[Measurement]) -> RunTally:
        """All measurements in plan order; Ctrl-C stops after writing what was measured, and so does an
        engine that can no longer build (its daemon or registry gone, its disk full): `tally.stopped`."""
        tally = RunTally()
        try:
            for m in plan:
                if self.on_start:
                    self.on_start(m)
                refused = None
                try:
                    row, steps = self.measure(m)
                except Exception as error:  # the engine refused a call outside the build (reset, inspect)
                    refused = self._blocked(str(error))
                    if refused is None:
                        raise
                    row, steps = self._refused(m, str(error)), []
                if row["outcome"] == Outcome.FAILED.value:
                    tally.stopped = refused or self._blocked(row.get("error_tail"))
                    if tally.stopped is not None:  # the row says why nothing follows it
                        row["notes"] = [*row["notes"], f"{STOPPED_HERE}: {tally.stopped.what}"]
                self.writer.add_build(row, steps)
                tally.measured += 1
                if row["outcome"] == Outcome.FAILED.value:
                    tally.failed.append(m.cell.id)
                elif row["outcome"] == Outcome.UNSUPPORTED.value:
                    tally.unsupported.append(m.cell.id)
                if self.on_row:
                    self.on_row(m, row)
                if tally.stopped is not None:
                    break
        except KeyboardInterrupt:
            tally.interrupted = True
        finally:
            shutil.rmtree(self.workroot, ignore_errors=True)
        return tally
