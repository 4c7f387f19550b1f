"""The legacy builder's `Step N/M` output, replayed from real recordings (tests/fixtures/builds/record.py)."""

from __future__ import annotations

import re
from pathlib import Path

from bench.builders.dockerfile import from_lines, read_instructions
from bench.builders.legacy import EVIDENCE, legacy_record
from bench.builders.legacy_log import parse_legacy_log
from bench.builders.process import STDERR, STDOUT, OutputLine, load_run
from bench.builders.records import BuildRecord, Outcome

FIXTURES = Path(__file__).parents[1] / "fixtures" / "builds"
TWOSTAGE = FIXTURES / "twostage"
STAGES_BY_STEP = [None, "build-a", "build-a", "build-b", "build-b", "final", "final", "final"]


def record(name: str, dockerfile: str = "Dockerfile") -> BuildRecord:
    stages = from_lines(read_instructions((TWOSTAGE / dockerfile).read_text()))
    return legacy_record(load_run(FIXTURES / f"{name}.jsonl"), stages=stages)


def lines(*texts: str, source: str = STDOUT) -> list[OutputLine]:
    return [OutputLine(float(i), source, f"{text}\n".encode()) for i, text in enumerate(texts)]


def test_cold_build_runs_steps_one_after_the_other() -> None:
    rec = record("legacy-nocache")
    assert rec.outcome is Outcome.OK and rec.builder_evidence == EVIDENCE
    assert [s.stage for s in rec.steps] == STAGES_BY_STEP
    for before, after in zip(rec.steps, rec.steps[1:], strict=False):
        assert before.completed_s is not None and after.started_s is not None
        assert before.completed_s <= after.started_s, "the legacy builder never overlaps steps"
    sleeps = [s for s in rec.steps if s.name.startswith("RUN busybox sleep")]
    assert len(sleeps) == 2 and all((s.duration_s or 0) >= 2.0 for s in sleeps)
    assert rec.steps_cached == 0
    assert rec.wall_s is not None and rec.wall_s > 4.0  # both sleeps, back to back
    assert rec.env == {"DOCKER_BUILDKIT": "0"}


def test_warm_build_shows_using_cache_for_every_run_and_copy() -> None:
    rec = record("legacy-warm")
    cached = [s.name.split()[0] for s in rec.steps if s.cached]
    assert cached == ["RUN", "RUN", "COPY", "COPY"]
    assert rec.wall_s is not None and rec.wall_s < 1.5
    assert re.fullmatch(r"[0-9a-f]{12}", rec.image_id or ""), "from `Successfully built ID`"


def test_target_still_builds_the_stages_before_it() -> None:
    rec = record("legacy-target-b")
    assert [s.stage for s in rec.steps] == STAGES_BY_STEP[:5]
    assert any(s.stage == "build-a" and s.name.startswith("RUN") for s in rec.steps)


def test_failed_build_reports_the_failing_step_and_keeps_the_others() -> None:
    rec = record("legacy-fail", "Dockerfile.fail")
    assert rec.outcome is Outcome.FAILED and rec.exit_code == 1 and rec.image_id is None
    assert [s.stage for s in rec.steps] == [None, "build-a", "build-a", "broken", "broken"]
    failing = rec.steps[-1]
    assert failing.name == "RUN echo about to fail && false"
    assert failing.error == "The command '/bin/sh -c echo about to fail && false' returned a non-zero code: 1"
    assert failing.completed_s == rec.wall_s
    assert all(s.error is None for s in rec.steps[:-1])
    assert rec.error_tail is not None
    assert rec.error_tail.splitlines()[-2:] == ["about to fail", failing.error]
    assert "DEPRECATED" not in rec.error_tail


def test_buildkit_output_is_not_evidence_of_the_legacy_builder() -> None:
    run = load_run(FIXTURES / "buildkit-warm.jsonl")
    rec = legacy_record(run)
    assert rec.outcome is Outcome.FAILED and rec.builder_evidence is None
    assert rec.error_tail is not None and "the legacy builder did not run" in rec.error_tail


def test_stage_names_without_the_dockerfile_come_from_the_from_steps() -> None:
    log = parse_legacy_log(
        lines("Step 1/4 : FROM a AS one", "Step 2/4 : RUN x", "Step 3/4 : FROM b", "Step 4/4 : RUN y")
    )
    assert [s.stage for s in log.steps] == ["one", "one", "stage-1", "stage-1"]


def test_unnamed_single_stage_has_no_stage_like_buildkit() -> None:
    stages = from_lines(read_instructions("FROM a\nRUN x\n"))
    log = parse_legacy_log(lines("Step 1/2 : FROM a", "Step 2/2 : RUN x", "Successfully built 123"), stages)
    assert [s.stage for s in log.steps] == [None, None]
    assert log.image_id == "123"
    assert log.steps[-1].completed_s == 2.0


def test_container_output_that_looks_like_a_step_line_is_not_one() -> None:
    log = parse_legacy_log(
        lines(
            "Step 1/2 : FROM a", "Step 2/2 : RUN ./script", "Step 1/3 : from the script", " ---> Using cache"
        )
    )
    assert [s.name for s in log.steps] == ["FROM a", "RUN ./script"]
    assert log.steps[-1].cached


def test_deprecation_notice_is_not_an_error() -> None:
    notice = lines(
        "DEPRECATED: The legacy builder is deprecated and will be removed in a future release.",
        "            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0",
        "",
        source=STDERR,
    )
    log = parse_legacy_log([*notice, *lines("Step 1/1 : FROM a", "Successfully built 1")])
    assert log.error is None and log.steps[0].error is None


def test_a_step_reuses_a_layer_of_this_build_only_when_a_step_of_it_made_that_layer() -> None:
    """The layer a step ends on is its last ` ---> ID` line, after whatever a RUN printed: a RUN that prints
    another step's id makes no layer of that id (issue 24)."""
    log = parse_legacy_log(
        lines(
            *("Step 1/7 : FROM base AS a", " ---> 0000000000b0"),
            *("Step 2/7 : WORKDIR /src", " ---> Running in c0", " ---> aaaaaaaaaaa1"),
            *("Step 3/7 : RUN ./print", " ---> Running in c1", " ---> bbbbbbbbbbb2", " ---> ccccccccccc3"),
            *("Step 4/7 : FROM base AS b", " ---> 0000000000b0"),
            *("Step 5/7 : WORKDIR /src", " ---> Using cache", " ---> aaaaaaaaaaa1"),
            *("Step 6/7 : RUN ./other", " ---> Using cache", " ---> bbbbbbbbbbb2"),
            *("Step 7/7 : RUN ./print", " ---> Using cache", " ---> ccccccccccc3"),
        )
    )
    got = [(s.name, s.cached, s.reused_in_build) for s in log.steps[3:]]
    assert got == [
        ("FROM base AS b", False, False),
        ("WORKDIR /src", False, True),
        ("RUN ./other", True, False),  # bbbbbbbbbbb2 was printed by step 3's RUN, not made by it
        ("RUN ./print", False, True),
    ]
