"""The stored schema: one frozen type per kind of row a run writes (builds.jsonl, steps.jsonl, run.json).

The fields *are* the schema: results.py derives its declared columns from them, so a field written is a
column read back, and a key that is not a field cannot be written (constructing the row refuses it).
`since` on a build field is the schema version that added it; migrations (migrations.py) give older rows
those columns as null. run.json reads back typed (`RunMeta.from_json`, through typed_json.py): a key no
field declares is refused, a field with a default may be absent (older runs did not record it).
`output` marks a field that holds tool output (a build's error, goss's): a row caps it as it is made
(bench/safe/output_cap.py), whoever fills it, so builds.jsonl never holds more of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from bench.safe.output_cap import bounded, bounded_items
from bench.store.typed_json import Reading, plain, read_typed, when_set

#: The results schema this bench writes; migrations.py brings every older one up to it.
SCHEMA_VERSION = 7

#: Build fields added by a schema version after the first: `since(2)` on the field.
_SINCE = "since"
#: The Arrow type of a step column, for the fast reader (results.py).
_ARROW = "arrow"
#: A field of tool output, capped when the row is made.
_OUTPUT = "output"


def since(version: int, default: Any = None, *, output: bool = False) -> Any:
    """A build field added by schema `version` (null in rows of older runs); `output`: tool output."""
    return field(default=default, metadata={_SINCE: version, _OUTPUT: output})


def _output() -> Any:
    """A field of the first schema that holds tool output."""
    return field(default=None, metadata={_OUTPUT: True})


def _arrow(kind: str, default: Any = None, *, required: bool = False, output: bool = False) -> Any:
    metadata = {_ARROW: kind, _OUTPUT: output}
    return field(metadata=metadata) if required else field(default=default, metadata=metadata)


def _cap_output(row: Any) -> None:
    """Cap every `output` field of a (frozen) row in place: the last TAIL_LINES lines of LINE_BYTES."""
    for declared in fields(row):
        if not declared.metadata.get(_OUTPUT):
            continue
        value = getattr(row, declared.name)
        capped = bounded_items(value) if isinstance(value, list | tuple) else bounded(value)
        if capped is not value:
            object.__setattr__(row, declared.name, capped)


@dataclass(frozen=True, kw_only=True)
class BuildRow:
    """One measured build: its cell, outcome, timings, what the checks found, and what came over the link.

    `wall_s` is the cell's figure: the build process, plus the pull a user must do first when `pull_s` is
    set (the legacy builder's inline cache); `build_s` is the build alone.
    """

    run_id: str
    seq: int
    round: int
    repetition: int
    warmup: bool
    cell: str
    scenario: str
    builder: str
    cache: str
    change: str
    platform: str
    engine: str
    outcome: str
    wall_s: float | None = None
    reset_s: float | None = None
    prime_s: float | None = None
    steps_total: int = 0
    steps_cached: int = 0
    flags: tuple[str, ...] = ()
    exit_code: int | None = None
    error_tail: str | None = _output()
    image_id: str | None = None
    builder_evidence: str | None = None
    argv: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    engine_before: dict[str, int] | None = None
    started_at: str = ""
    # schema 2: cache sources, registry traffic, links
    build_s: float | None = since(2)
    pull_s: float | None = since(2)
    export_s: float | None = since(2)
    instructions_total: int | None = since(2)
    instructions_cached: int | None = since(2)
    work_steps_total: int | None = since(2)
    work_steps_cached: int | None = since(2)
    cache_ref: str | None = since(2)
    registry_pulled_bytes: int | None = since(2)
    registry_pushed_bytes: int | None = since(2)
    index_wheel_downloads: int | None = since(2)
    index_pulled_bytes: int | None = since(2)
    cache_bytes: int | None = since(2)
    image_bytes: int | None = since(2)
    image_layers: int | None = since(2)
    notes: tuple[str, ...] = since(2, ())
    link: str = since(2, "loopback")
    link_rate_mbit: float | None = since(2)
    link_delay_ms: float | None = since(2, 0.0)
    # schema 3: goss checks of the image (bench/audit/goss.py), its files kept for the equivalence
    goss_passed: int | None = since(3)
    goss_failed: int | None = since(3)
    goss_failures: Sequence[str] | None = since(3, output=True)
    goss_s: float | None = since(3)
    goss_error: str | None = since(3, output=True)
    image_files: str | None = since(3)
    image_files_s: float | None = since(3)
    image_files_error: str | None = since(3, output=True)
    # the scenario's Dockerfile variant (a cell dimension); the secret audit after the build
    variant: str | None = since(3)
    leaked: bool | None = since(3)
    leak_locations: Sequence[str] | None = since(3)
    audit_s: float | None = since(3)
    audit_bytes: int | None = since(3)
    audit_error: str | None = since(3, output=True)
    engine_leak_locations: Sequence[str] | None = since(3)
    clone_verified: bool | None = since(3)  # the ssh scenario: the image holds the run's repository
    clone_error: str | None = since(3, output=True)
    resumed: bool | None = since(
        3
    )  # measured after `bench run --resume` continued a run (bench/run/resume.py)
    # schema 4: paired primes, stopping, what a build cost, the machine around it, the project's provenance
    primed_by: int | None = since(4)  # seq of the measured build whose state served as this build's prime
    stop_reason: str | None = since(4)  # on a cell's last row: why the cell was measured no more
    cpu_user_s: float | None = since(4)  # CPU seconds of the engine's processes during the build
    cpu_system_s: float | None = since(4)
    peak_memory_bytes: int | None = since(4)  # the engine's peak memory during the build
    io_read_bytes: int | None = since(4)  # block I/O of the engine's processes during the build
    io_write_bytes: int | None = since(4)
    cost_source: str | None = since(4)  # where the cost figures came from: "cgroup" or "process"
    load_1m: float | None = since(4)  # the machine's 1-minute load average as the build ended
    outside_cpu_s: float | None = since(4)  # CPU seconds of processes outside the engine and bench
    scenario_commit: str | None = since(4)  # git commit of the scenario directory (null: not in git)
    scenario_dirty: bool | None = since(4)  # the scenario directory had uncommitted changes
    build_metadata: str | None = since(4)  # buildx --metadata-file output (JSON text; BuildKit only)
    # schema 5: where the build ran (a sweep's jobs on a cluster's nodes: bench/machine/node.py)
    node: str | None = since(5)  # the SLURM node, else the host's short name, of the bench process
    # schema 7: what a build reused of its own work (bench/builders/records.py Step.reused_in_build)
    steps_reused_in_build: int | None = since(7)  # cached steps whose result this build made earlier

    def __post_init__(self) -> None:
        _cap_output(self)

    def to_json(self) -> dict[str, Any]:
        """The row as builds.jsonl stores it, keys in column order."""
        return asdict(self)

    @classmethod
    def from_json(cls, row: Any, source: str) -> BuildRow:
        """A row of builds.jsonl of this schema (a run being resumed: bench/run/resume.py), typed;
        `source` names its file and line for the ResultsError."""
        return read_typed(cls, row, Reading(source, SCHEMA_VERSION))


@dataclass(frozen=True, kw_only=True)
class StepRow:
    """One build step, the same schema for both builders (bench/builders/records.py Step)."""

    run_id: str = _arrow("string", required=True)
    seq: int = _arrow("int64", required=True)
    cell: str = _arrow("string", required=True)
    builder: str = _arrow("string", required=True)
    index: int = _arrow("int64", required=True)
    name: str = _arrow("string", required=True)
    stage: str | None = _arrow("string")
    platform: str | None = _arrow("string")
    started_s: float | None = _arrow("float64")
    completed_s: float | None = _arrow("float64")
    duration_s: float | None = _arrow("float64")
    cached: bool = _arrow("bool", False)  # from a cache that was there before the build started
    error: str | None = _arrow("string", output=True)
    reused_in_build: bool | None = _arrow("bool", False)  # called cached, of this build's own work (v7)

    def __post_init__(self) -> None:
        _cap_output(self)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, kw_only=True)
class ScenarioMeta:
    name: str
    directory: str
    target: str | None
    source_change: str | None
    description: str | None


@dataclass(frozen=True, kw_only=True)
class EngineMeta:
    name: str
    context: str
    owned: bool
    host: str | None = None  # the endpoint its docker context points at (recorded since schema 3)
    image_store: str | None = None  # only known for an engine bench started (it wrote the daemon's config)


@dataclass(frozen=True, kw_only=True)
class PlanMeta:
    seed: int
    repetitions: int | str  # a number, or `auto` (then `precision` says when a cell stopped)
    warmup: int
    order: tuple[str, ...]  # cell ids in measurement order (auto: the most it may take), for --resume
    pairing: str = "independent"  # paired: a warm build starts from its cold build's state (bench/plan.py)
    pairs: tuple[tuple[int, int], ...] = ()  # (cold seq, warm seq) of each planned pair
    precision: dict[str, float] | None = None  # repetitions=auto: target, min, max


@dataclass(frozen=True, kw_only=True)
class MeasuredAgain:
    """A build the run stopped at (an engine fault: its row is `interrupted`), measured again on resuming."""

    seq: int
    note: str


@dataclass(frozen=True, kw_only=True)
class ResumeMeta:
    """One `bench run --resume` of the run (bench/run/resume.py): when, how far the run had got."""

    at: str
    done_before: int  # builds on disk when it resumed
    planned: int
    torn_files: tuple[str, ...] = ()  # files whose torn last line was cut (that build measured again)
    measured_again: tuple[MeasuredAgain, ...] = ()
    environment_changed: tuple[str, ...] | None = when_set()  # environment keys that differ from the run's


@dataclass(frozen=True, kw_only=True)
class RunMeta:
    """run.json: what a run starts with; the writer sets schema_version and status, the run's end
    finished_at and measured, each resume adds an entry of `resumes` (bench/run/resume.py). Read back,
    schema_version is the one the file was written in (its rows are migrated to this bench's)."""

    schema_version: int = SCHEMA_VERSION
    status: str = "running"  # then complete, interrupted or stopped (bench/run/experiment.py)
    run_id: str
    started_at: str
    scenario: ScenarioMeta
    engine: EngineMeta
    config_hash: str
    config_yaml: str
    plan: PlanMeta
    environment: dict[str, Any]
    node: str = ""  # the machine bench ran on (bench/machine/node.py)
    batch_job: dict[str, str] | None = None  # the SLURM job the run was, when it was one
    network: str | None = None  # the builds' --network; `host`: RUN steps reach the host's loopback services
    finished_at: str | None = when_set()  # no key until the run ends (a killed run has none)
    measured: int | None = when_set()
    resumes: tuple[ResumeMeta, ...] = when_set(())

    def to_json(self) -> dict[str, Any]:
        """run.json's object, keys in field order; the run's end and resumes only once there are some."""
        return plain(self)

    @classmethod
    def from_json(cls, document: Any, source: str = "run.json") -> RunMeta:
        """run.json's object typed, of this schema or an older one; a ResultsError of one line for a key
        this bench does not know, one every bench writes that is absent, or a value of another shape."""
        version = document.get("schema_version") if isinstance(document, dict) else None
        return read_typed(cls, document, Reading(source, version))


BUILD_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(BuildRow))
STEP_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(StepRow))
#: Arrow types of the step columns, for the fast reader of `load`.
STEP_TYPES: dict[str, str] = {f.name: f.metadata[_ARROW] for f in fields(StepRow)}


def added_by(version: int) -> tuple[str, ...]:
    """The build columns schema `version` added (null in the rows of older runs); 1: the first ones."""
    return tuple(f.name for f in fields(BuildRow) if f.metadata.get(_SINCE, 1) == version)
