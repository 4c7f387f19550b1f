"""Resuming an interrupted run: what is on disk, what is left of its plan, and whether the config matches.

A run killed after 40 of 48 builds keeps its 40 rows (each is fsynced as its build ends); `bench run
--resume RUN_DIR` measures the other 8, in the order run.json recorded, into the same files. Only a run of
the same config may continue: rows of another config would be mixed into one table under one config hash.
A row whose line was torn by the kill is not on disk as far as the resume is concerned: it is measured
again, and its torn tail and its step rows are cut first (the files are truncated in place, never
rewritten) so that they read cleanly afterwards. The build the engine failed, after which the run stopped,
is measured again too: its row (outcome `interrupted`, note STOPPED_HERE: bench/run/runner.py) is no
measurement but stays where it is, and the build measured again is appended after it; run.json's resume
entry keeps its seq and its note. Pure file work: no engine (bench/run/experiment.py holds the engine's lock).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from bench.builders.records import STOPPED_HERE, Outcome
from bench.plan import Measurement
from bench.store.results import BUILDS_FILE, SCHEMA_VERSION, STEPS_FILE, ResultsError, RunWriter
from bench.store.rows import BuildRow, MeasuredAgain, ResumeMeta, RunMeta

OVERRIDES_FILE = Path(".hydra") / "overrides.yaml"
_SHOWN_DIFFERENCES = 3


class ResumeError(ResultsError):
    """The run directory cannot be continued as asked; the message says why and what to do instead."""


@dataclass(frozen=True)
class ResumePoint:
    """Where an interrupted run stands: its metadata, the seqs on disk, the measurements left (in order)."""

    run_dir: Path
    meta: RunMeta
    done: frozenset[int]
    remaining: list[Measurement]
    torn_files: tuple[str, ...]  # files whose last line a kill cut short (that row is measured again)
    failed_before: tuple[str, ...] = ()  # cells of the rows on disk whose build failed (for the exit code)
    stopped_rows: dict[int, str] = field(
        default_factory=dict
    )  # seq -> note: the engine failed (an `interrupted` row), measured again


def recorded_overrides(run_dir: Path) -> list[str]:
    """The overrides the run was started with (Hydra's .hydra/overrides.yaml); [] when it has none."""
    path = Path(run_dir) / OVERRIDES_FILE
    if not path.is_file():
        return []
    return [str(item) for item in OmegaConf.to_container(OmegaConf.load(path)) or []]


def _flat(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        found: dict[str, Any] = {}
        for key, value in node.items():
            found.update(_flat(value, f"{prefix}{key}."))
        return found or {prefix.rstrip("."): {}}
    return {prefix.rstrip("."): node}


def config_difference(recorded_yaml: str, given_yaml: str) -> list[str]:
    """`key: A in the run, B given` for each value that differs (interpolations compared as written)."""
    recorded = _flat(OmegaConf.to_container(OmegaConf.create(recorded_yaml or "{}"), resolve=False))
    given = _flat(OmegaConf.to_container(OmegaConf.create(given_yaml or "{}"), resolve=False))
    missing = object()
    return [
        f"{key}: {recorded.get(key, '(unset)')} in the run, {given.get(key, '(unset)')} given"
        for key in sorted(recorded.keys() | given.keys())
        if recorded.get(key, missing) != given.get(key, missing)
    ]


def check_config(run_dir: Path, meta: RunMeta, config_yaml: str) -> None:
    """Refuse to continue a run with another config, naming the first differences."""
    if meta.schema_version != SCHEMA_VERSION:
        raise ResumeError(
            f"{run_dir} has results schema {meta.schema_version}, this bench writes {SCHEMA_VERSION}; "
            "rows of two schemas cannot share its files: start a new run"
        )
    differences = config_difference(meta.config_yaml, config_yaml)
    if differences:
        more = len(differences) - _SHOWN_DIFFERENCES
        shown = "; ".join(differences[:_SHOWN_DIFFERENCES]) + (f"; and {more} more" if more > 0 else "")
        raise ResumeError(
            f"{run_dir} was run with another config ({shown}); resume it with its own overrides "
            "or start a new run"
        )


def _complete_lines(path: Path) -> tuple[list[bytes], bool]:
    """The file's complete lines, and whether a torn last line (no newline: a kill mid-write) follows."""
    if not path.exists():
        return [], False
    data = path.read_bytes()
    complete, _, tail = data.rpartition(b"\n")
    return [line for line in complete.split(b"\n") if line.strip()], bool(tail.strip())


def _interrupted(row: dict[str, Any]) -> str | None:
    """The note of a row the run stopped at (outcome `interrupted`, or its STOPPED_HERE note), else None."""
    note = next((str(n) for n in row.get("notes") or [] if str(n).startswith(STOPPED_HERE)), None)
    if row.get("outcome") == Outcome.INTERRUPTED.value:
        return note or STOPPED_HERE
    return note


def _rows(path: Path, lines: list[bytes]) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(lines, 1):
        try:
            row = json.loads(line)
        except ValueError:
            raise ResultsError(f"{path}:{number} is not valid JSON; the file is damaged") from None
        if not isinstance(row, dict) or not isinstance(row.get("seq"), int):
            raise ResultsError(f"{path}:{number} is not a row with a seq; the file is damaged")
        rows.append(row)
    return rows


def resume_point(run_dir: Path, meta: RunMeta, plan: list[Measurement]) -> ResumePoint:
    """What is left of the plan, read-only. The plan (from the config) must be the one run.json recorded,
    and every row on disk must be the measurement its seq names in it."""
    run_dir = Path(run_dir)
    recorded = list(meta.plan.order)
    planned = [m.cell.id for m in plan]
    if recorded != planned:
        raise ResumeError(
            f"{run_dir} recorded a plan of {len(recorded)} builds that this config no longer gives "
            f"({len(planned)}; the scenario's variants or cells changed?); start a new run"
        )
    builds_path = run_dir / BUILDS_FILE
    lines, builds_torn = _complete_lines(builds_path)
    done: set[int] = set()
    failed: list[str] = []
    stopped: dict[int, str] = {}
    for row in _rows(builds_path, lines):
        seq = row["seq"]
        if not 0 <= seq < len(plan) or row.get("cell") != planned[seq]:
            raise ResumeError(
                f"{builds_path}: row seq {seq} ({row.get('cell')}) is not in the recorded plan; "
                "the file is not this run's: start a new run"
            )
        stop = _interrupted(row)
        if stop is not None:
            stopped[seq] = stop
            continue
        done.add(seq)
        if row.get("outcome") == "failed":
            failed.append(planned[seq])
    stopped = {seq: note for seq, note in stopped.items() if seq not in done}  # measured again already
    steps_torn = _complete_lines(run_dir / STEPS_FILE)[1]
    torn = tuple(name for name, cut in ((BUILDS_FILE, builds_torn), (STEPS_FILE, steps_torn)) if cut)
    remaining = [m for m in plan if m.seq not in done]
    return ResumePoint(run_dir, meta, frozenset(done), remaining, torn, tuple(failed), stopped)


def rows_on_disk(run_dir: Path) -> list[BuildRow]:
    """The complete build rows of a run directory (after `reopen` repaired it) that are measurements,
    typed: what a resumed run's stopping rules start from (bench/run/stopping.py). An `interrupted` row
    is none."""
    path = Path(run_dir) / BUILDS_FILE
    return [
        BuildRow.from_json(row, f"{path}:{number}")
        for number, row in enumerate(_rows(path, _complete_lines(path)[0]), 1)
        if _interrupted(row) is None
    ]


def _rewrite(path: Path, lines: list[bytes]) -> None:
    """Replace the file by `lines`, through a temporary file of a unique name, fsynced with its directory."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(b"".join(line + b"\n" for line in lines))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _cut_to(path: Path, kept: int) -> None:
    """Truncate the file in place after its first `kept` complete lines (blank lines between rows count
    as they stand): what a kill left after them goes, the bytes before them are not touched."""
    data = path.read_bytes()
    offset, seen = 0, 0
    while seen < kept:
        end = data.index(b"\n", offset) + 1
        seen += bool(data[offset:end].strip())
        offset = end
    with open(path, "r+b") as handle:
        handle.truncate(offset)
        handle.flush()
        os.fsync(handle.fileno())


def _repair(point: ResumePoint) -> None:
    """Cut what a kill left at the end of the files: a torn last line, and step rows of a build with no
    row (steps are written first, so a kill between the two leaves steps of a build measured again).
    builds.jsonl is only ever truncated after its last complete line: every row on it is kept, those of
    builds the engine stopped (`interrupted`) too. Step rows of a build with no row in the middle of
    steps.jsonl (left by an older bench) make the one rewrite, of steps.jsonl only."""
    builds_path, steps_path = point.run_dir / BUILDS_FILE, point.run_dir / STEPS_FILE
    if BUILDS_FILE in point.torn_files:
        _cut_to(builds_path, len(_complete_lines(builds_path)[0]))
    lines, torn = _complete_lines(steps_path)
    keep = [row["seq"] in point.done for row in _rows(steps_path, lines)]
    if not torn and all(keep):
        return
    prefix = keep.index(False) if not all(keep) else len(keep)
    if not any(keep[prefix:]):
        _cut_to(steps_path, prefix)
    else:
        _rewrite(steps_path, [line for line, kept in zip(lines, keep, strict=True) if kept])


def reopen(point: ResumePoint, environment: dict[str, Any] | None = None) -> RunWriter:
    """Repair the files and record the resume in run.json; the writer appends the rest of the rows."""
    _repair(point)
    changed = None
    if environment is not None:
        before = point.meta.environment
        changed = tuple(
            sorted(
                key for key in before.keys() | environment.keys() if before.get(key) != environment.get(key)
            )
        )
    entry = ResumeMeta(
        at=datetime.now(UTC).isoformat(timespec="seconds"),
        done_before=len(point.done),
        planned=len(point.done) + len(point.remaining),
        torn_files=point.torn_files,
        measured_again=tuple(
            MeasuredAgain(seq=seq, note=note) for seq, note in sorted(point.stopped_rows.items())
        ),
        environment_changed=changed,
    )
    return RunWriter.reopen(point.run_dir, replace(point.meta, resumes=(*point.meta.resumes, entry)))


def resume_line(meta: RunMeta) -> str | None:
    """One line for the summary: when the run was resumed and how far it had got; None if never."""
    if not meta.resumes:
        return None
    said = [f"{r.at} after {r.done_before} of {r.planned}" for r in meta.resumes]
    torn = sum(len(r.torn_files) for r in meta.resumes)
    cut = f" ({torn} torn line(s) cut, their build measured again)" if torn else ""
    return f"resumed {' and '.join(said)} builds; rows measured after resuming have resumed=true{cut}"
