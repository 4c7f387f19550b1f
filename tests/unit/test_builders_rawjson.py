"""BuildKit's rawjson output, replayed from real recordings (tests/fixtures/builds/record.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.builders.buildkit import EVIDENCE, buildkit_record
from bench.builders.process import STDERR, OutputLine, ProcessRun, load_run
from bench.builders.rawjson import RawJsonParser, parse_rfc3339, split_vertex_name
from bench.builders.records import BuildRecord, Outcome, Step

FIXTURES = Path(__file__).parents[1] / "fixtures" / "builds"


def record(name: str) -> BuildRecord:
    return buildkit_record(load_run(FIXTURES / f"{name}.jsonl"))


def step(steps: list[Step], stage: str, prefix: str) -> Step:
    found = [s for s in steps if s.stage == stage and s.name.startswith(prefix)]
    assert len(found) == 1, [(s.stage, s.name) for s in steps]
    return found[0]


def overlap_s(a: Step, b: Step) -> float:
    assert None not in (a.started_s, a.completed_s, b.started_s, b.completed_s)
    return min(a.completed_s, b.completed_s) - max(a.started_s, b.started_s)  # type: ignore[type-var]


def test_cold_build_runs_the_two_sleeping_stages_at_the_same_time() -> None:
    rec = record("buildkit-nocache")
    sleep_a, sleep_b = step(rec.steps, "build-a", "RUN"), step(rec.steps, "build-b", "RUN")
    assert sleep_a.duration_s is not None and sleep_a.duration_s >= 2.0
    assert overlap_s(sleep_a, sleep_b) > 1.5
    assert rec.outcome is Outcome.OK and rec.builder_evidence == EVIDENCE
    assert rec.steps_cached == 0
    assert rec.wall_s is not None and rec.wall_s < 4.0  # 2 s + 2 s would be sequential


def test_step_times_lie_on_the_process_timeline() -> None:
    rec = record("buildkit-nocache")
    timed = [s for s in rec.steps if s.started_s is not None]
    assert len(timed) > len(rec.steps) // 2, "most vertices of a cold build run"
    assert timed == sorted(timed, key=lambda s: s.started_s or 0.0), "steps are ordered by start time"
    assert all(0.0 < s.started_s <= s.completed_s <= rec.wall_s for s in timed)  # type: ignore[operator]
    assert [s.index for s in rec.steps] == list(range(len(rec.steps)))
    final_copies = [s for s in rec.steps if s.stage == "final"]
    assert final_copies
    sleeps_end = max(s.completed_s or 0.0 for s in rec.steps if s.name.startswith("RUN"))
    assert all((s.started_s or 0.0) >= sleeps_end for s in final_copies), "final stage waits for both"


def test_stage_names_and_internal_vertices() -> None:
    rec = record("buildkit-nocache")
    assert {s.stage for s in rec.steps} == {None, "build-a", "build-b", "final"}
    internal = [s.name for s in rec.steps if s.stage is None]
    assert "[internal] load build definition from Dockerfile" in internal
    assert "exporting to image" in internal
    assert all(not s.name.startswith("[") for s in rec.steps if s.stage is not None)


def test_warm_build_takes_every_stage_step_from_the_cache() -> None:
    rec = record("buildkit-warm")
    work = [s for s in rec.steps if s.stage is not None and not s.name.startswith("FROM")]
    assert len(work) == 4 and all(s.cached for s in work)
    assert not step(rec.steps, "build-b", "FROM").cached  # a FROM is resolved, never "cached"
    assert rec.wall_s is not None and rec.wall_s < 1.5


def test_target_skips_the_unneeded_stage() -> None:
    rec = record("buildkit-target-b")
    assert {s.stage for s in rec.steps} == {None, "build-b"}


def test_failed_build_reports_the_failing_step_and_keeps_the_others() -> None:
    rec = record("buildkit-fail")
    assert rec.outcome is Outcome.FAILED and rec.exit_code == 1 and rec.image_id is None
    broken = step(rec.steps, "broken", "RUN")
    assert broken.error is not None and "exit code: 1" in broken.error
    assert rec.error_tail is not None
    first, *rest = rec.error_tail.splitlines()
    assert first.startswith("[broken] RUN echo about to fail && false: process")
    assert "about to fail" in rest  # the step's own output
    assert rest[-1].startswith("ERROR: failed to solve")
    cancelled = step(rec.steps, "build-a", "RUN")
    assert cancelled.error is not None and "context canceled" in cancelled.error
    never_ran = [s for s in rec.steps if s.stage == "final"]
    assert never_ran and all(s.started_s is None for s in never_ran)


def test_no_vertices_means_buildkit_did_not_run() -> None:
    run = ProcessRun(["docker", "buildx", "build"], {}, [OutputLine(0.1, STDERR, b"hello\n")], 0.2, 0)
    rec = buildkit_record(run)
    assert rec.outcome is Outcome.FAILED and rec.builder_evidence is None
    assert rec.error_tail is not None and "no rawjson vertices" in rec.error_tail


def feed_object(parser: RawJsonParser, t: float, obj: dict) -> None:
    for line in json.dumps(obj, indent=2).splitlines():
        parser.feed(t, line)


def test_braces_inside_strings_and_plain_text_between_objects() -> None:
    parser = RawJsonParser()
    parser.feed(0.0, "some text { not json")
    feed_object(parser, 1.0, {"vertexes": [{"digest": "d1", "name": "[s 1/1] RUN echo '}{' \"}\""}]})
    parser.feed(1.5, "Dockerfile:3")
    feed_object(
        parser,
        2.0,
        {"vertexes": [{"digest": "d1", "name": "[s 1/1] RUN echo '}{' \"}\"",
                       "started": "2024-01-01T00:00:10Z", "completed": "2024-01-01T00:00:12.5Z"}]},
    )  # fmt: skip
    assert parser.objects == 2 and list(parser.text_lines) == ["some text { not json", "Dockerfile:3"]
    (only,) = parser.steps()
    assert only.stage == "s" and only.name == "RUN echo '}{' \"}\""
    assert only.started_s == pytest.approx(1.0) and only.completed_s == pytest.approx(3.5)


def test_a_vertex_run_twice_spans_both_runs_and_is_cached_only_if_both_were() -> None:
    parser = RawJsonParser()
    stamps = [("00:00:01Z", "00:00:02Z", False), ("00:00:03Z", "00:00:03Z", True)]
    for started, completed, cached in stamps:
        vertex = {"digest": "d", "name": "[a 1/2] FROM x", "started": f"2024-01-01T{started}"}
        feed_object(parser, 0.5, {"vertexes": [vertex]})
        vertex |= {"completed": f"2024-01-01T{completed}", "cached": cached}
        feed_object(parser, 0.6, {"vertexes": [vertex]})
    (only,) = parser.steps()
    assert (only.started_s, only.completed_s, only.cached) == (0.5, 2.5, False)


@pytest.mark.parametrize(
    ("runs", "cached", "reused"),
    [
        ([("00:00:01Z", "00:00:02Z", False), ("00:00:03Z", "00:00:03Z", True)], False, True),
        ([("00:00:01Z", "00:00:02Z", True), ("00:00:03Z", "00:00:03Z", True)], True, False),
        ([("00:00:01Z", "00:00:02Z", True), ("00:00:03Z", "00:00:04Z", False)], False, False),
        ([("00:00:01Z", "00:00:02Z", False), ("00:00:03Z", "00:00:04Z", False)], False, False),
    ],
    ids=["made-then-taken", "cached-before", "cached-then-run", "run-twice"],
)
def test_a_vertex_cached_after_this_solve_made_it_is_reused_in_the_build(
    runs: list[tuple[str, str, bool]], cached: bool, reused: bool
) -> None:
    """Cached after an uncached run of the same digest completed: the cache is the solve's own work."""
    parser = RawJsonParser()
    for started, completed, was_cached in runs:
        vertex = {"digest": "d", "name": "[a 1/2] FROM x", "started": f"2024-01-01T{started}"}
        vertex |= {"completed": f"2024-01-01T{completed}", "cached": was_cached}
        feed_object(parser, 0.5, {"vertexes": [vertex]})
    (only,) = parser.steps()
    assert (only.cached, only.reused_in_build) == (cached, reused)


def test_rfc3339_keeps_nanoseconds_and_offsets() -> None:
    base = parse_rfc3339("2026-11-26T15:59:50Z")
    assert parse_rfc3339("2026-11-26T15:59:50.000000001Z") - base == pytest.approx(1e-9, abs=1e-7)
    assert parse_rfc3339("2026-11-26T15:59:50.810566902Z") - base == pytest.approx(0.810566902)
    assert parse_rfc3339("2026-11-26T17:59:50+02:00") == base
    with pytest.raises(ValueError):
        parse_rfc3339("yesterday")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("[build-a 3/4] RUN make", ("build-a", None, "RUN make")),
        ("[linux/arm64 build  2/10] COPY . .", ("build", "linux/arm64", "COPY . .")),
        ("[linux/amd64->arm64 stage-1 1/2] FROM x", ("stage-1", "linux/amd64->arm64", "FROM x")),
        ("[2/3] RUN true", (None, None, "RUN true")),
        ("[internal] load metadata for x", (None, None, "[internal] load metadata for x")),
        ("[auth] library/busybox:pull token", (None, None, "[auth] library/busybox:pull token")),
        ("exporting to image", (None, None, "exporting to image")),
    ],
)
def test_split_vertex_name(name: str, expected: tuple[str | None, str | None, str]) -> None:
    assert split_vertex_name(name) == expected
