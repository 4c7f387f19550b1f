"""From one measurement and its build record to the rows stored (bench/store/rows.py): counts of steps by
kind, what priming and the observer measured, the link the build went over."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.builders.records import BuildRecord, Outcome, Step
from bench.engine.contents import EngineContents
from bench.network.link import AppliedLink
from bench.plan import Measurement
from bench.store.quality import LINK_DELAY_NOT_EMULATED
from bench.store.rows import BuildRow, StepRow

#: Dockerfile instructions: the steps that do the project's work (BuildKit's other vertices, such as
#: `[internal] load ...` or `exporting to image`, are the builder's own).
INSTRUCTIONS = frozenset(
    {
        *("FROM", "RUN", "COPY", "ADD", "WORKDIR", "ENV", "ARG", "LABEL", "USER", "EXPOSE", "VOLUME"),
        *("CMD", "ENTRYPOINT", "SHELL", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "MAINTAINER"),
    }
)
#: Instructions whose cache hit means reused work (a cached FROM only means the base image was present).
_WORK = frozenset({"RUN", "COPY", "ADD"})


def instruction_steps(steps: list[Step]) -> list[Step]:
    return [s for s in steps if s.name.split(" ", 1)[0].upper() in INSTRUCTIONS]


def work_steps(steps: list[Step]) -> list[Step]:
    """RUN, COPY and ADD steps: the ones whose cache hit saves the project's work."""
    return [s for s in steps if s.name.split(" ", 1)[0].upper() in _WORK]


def cached_work(steps: list[Step]) -> int:
    return sum(1 for s in work_steps(steps) if s.cached)


#: Row fields measured around the build as the measurement goes (priming, the pull before it, the cache,
#: the registry traffic, the image), by BuildRow field name: a name that is not a field is refused when
#: the row is made.
Measured = dict[str, Any]


def link_fields(link: AppliedLink | None) -> dict[str, object]:
    """The link the row was measured over: its profile, and the rate and delay really applied."""
    if link is None:
        return {"link": "loopback", "link_rate_mbit": None, "link_delay_ms": 0.0}
    return {
        "link": link.profile.name,
        "link_rate_mbit": link.profile.rate_mbit,
        "link_delay_ms": link.delay_ms,
    }


def _link_flags(link: AppliedLink | None, record: BuildRecord) -> tuple[str, ...]:
    delay_missing = link is not None and link.delay_ms < link.profile.delay_ms
    return (LINK_DELAY_NOT_EMULATED,) if delay_missing and record.outcome is Outcome.OK else ()


@dataclass(frozen=True)
class RowSource:
    """What every row of one run shares."""

    run_id: str
    engine: str
    link: AppliedLink | None
    resumed: bool
    scenario_commit: str | None = None  # bench/run/provenance.py: the scenario directory's git state
    scenario_dirty: bool | None = None
    node: str | None = None  # bench/machine/node.py: the machine (SLURM node) that ran bench


def build_row(
    source: RowSource,
    m: Measurement,
    record: BuildRecord,
    *,
    measured: Measured,
    flags: tuple[str, ...],
    before: EngineContents | None,
    started_at: str,
) -> BuildRow:
    """One build row. `wall_s` adds the pull a user must do first when `pull_s` is set."""
    instructions = instruction_steps(record.steps)
    wall_s = record.wall_s
    if wall_s is not None and measured.get("pull_s") is not None:
        wall_s = wall_s + measured["pull_s"]
    return BuildRow(
        run_id=source.run_id,
        seq=m.seq,
        round=m.round,
        repetition=m.repetition,
        warmup=m.warmup,
        cell=m.cell.id,
        scenario=m.cell.scenario,
        builder=m.cell.builder.value,
        cache=m.cell.cache.value,
        change=m.cell.change.value,
        platform=m.cell.platform,
        variant=m.cell.variant,
        engine=source.engine,
        outcome=record.outcome.value,
        wall_s=wall_s,
        steps_total=len(record.steps),
        steps_cached=record.steps_cached,
        steps_reused_in_build=record.steps_reused_in_build,
        flags=(*flags, *_link_flags(source.link, record)),
        exit_code=record.exit_code,
        error_tail=record.error_tail,
        image_id=record.image_id,
        builder_evidence=record.builder_evidence,
        argv=tuple(record.argv),
        env=dict(record.env),
        engine_before=None if before is None else dict(before.__dict__),
        started_at=started_at,
        build_s=record.wall_s,
        instructions_total=len(instructions),
        instructions_cached=sum(1 for s in instructions if s.cached),
        work_steps_total=len(work_steps(record.steps)),
        work_steps_cached=cached_work(record.steps),
        resumed=source.resumed,
        scenario_commit=source.scenario_commit,
        scenario_dirty=source.scenario_dirty,
        node=source.node,
        build_metadata=record.metadata,
        **link_fields(source.link),
        **measured,
    )


def step_rows(run_id: str, m: Measurement, record: BuildRecord) -> list[StepRow]:
    return [
        StepRow(
            run_id=run_id,
            seq=m.seq,
            cell=m.cell.id,
            builder=m.cell.builder.value,
            index=s.index,
            name=s.name,
            stage=s.stage,
            platform=s.platform,
            started_s=s.started_s,
            completed_s=s.completed_s,
            duration_s=s.duration_s,
            cached=s.cached,
            error=s.error,
            reused_in_build=s.reused_in_build,
        )
        for s in record.steps
    ]
