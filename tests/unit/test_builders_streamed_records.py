"""Every recorded build, streamed line by line through a builder's `build` (as `run_timed` streams a real
one), gives exactly the record the parsers made of it when they read the whole output after the build:
steps with their times, cached flags and errors, outcome, evidence, image id and error_tail (issue 21
item 12). The expected records are tests/fixtures/builds/records.json, written by the parsers before they
streamed; after re-recording (tests/fixtures/builds/record.py), rewrite it with
`.venv/bin/python tests/unit/test_builders_streamed_records.py --write`.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from python_on_whales import DockerClient

from bench.builders import BuildKitBuilder, LegacyBuilder
from bench.builders.buildkit import buildkit_record
from bench.builders.compose import ComposeBuilder, compose_record
from bench.builders.dockerfile import from_lines, read_dockerfile
from bench.builders.legacy import legacy_record
from bench.builders.process import STDERR, LineConsumer, OutputLine, ProcessRun, load_run, replay_run
from bench.builders.records import BuildRecord, BuildRequest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
RECORDS = FIXTURES / "builds" / "records.json"
RECORDINGS = sorted(path.stem for path in (FIXTURES / "builds").glob("*.jsonl"))
COMPOSE = [(name, code) for name in ("buildkit-plain.txt", "legacy.txt") for code in (0, 1)]
IMAGE_ID = "sha256:given"


def figures(record: BuildRecord) -> dict[str, Any]:
    """What a record says about a build, as records.json holds it."""
    return {
        "outcome": record.outcome.value,
        "exit_code": record.exit_code,
        "wall_s": record.wall_s,
        "image_id": record.image_id,
        "builder_evidence": record.builder_evidence,
        "error_tail": record.error_tail,
        "steps": [dataclasses.asdict(step) for step in record.steps],
    }


def compose_run(name: str, exit_code: int) -> ProcessRun:
    """A compose build's output (tests/fixtures/compose), one line every 0.1 s, as test_builders_compose
    makes it."""
    texts = (FIXTURES / "compose" / name).read_text().splitlines()
    lines = [OutputLine(0.1 * i, STDERR, text.encode()) for i, text in enumerate(texts)]
    return ProcessRun(["docker", "compose"], {}, lines, 0.1 * len(texts), exit_code)


def dockerfile(run: ProcessRun) -> str:
    return str(ROOT / run.meta["dockerfile"])


class Replay:
    """A runner that streams a recording to the builder's parser and writes the iidfile as a build would."""

    def __init__(self, run: ProcessRun) -> None:
        self.run = run

    def __call__(
        self, argv: Sequence[str], env: Mapping[str, str], on_line: LineConsumer | None = None
    ) -> ProcessRun:
        if self.run.exit_code == 0 and "--iidfile" in argv:
            Path(argv[list(argv).index("--iidfile") + 1]).write_text(IMAGE_ID)
        return replay_run(self.run, on_line, argv, env)


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return json.loads(RECORDS.read_text())


def test_every_recording_and_builder_has_an_expected_record(expected: dict[str, Any]) -> None:
    assert len(RECORDINGS) == 11
    builds = {f"{builder}:{name}" for name in RECORDINGS for builder in ("legacy", "buildkit")}
    composed = {f"compose-{b}:{name}:{code}" for name, code in COMPOSE for b in ("buildkit", "legacy")}
    assert set(expected) == builds | composed


@pytest.mark.parametrize("name", RECORDINGS)
@pytest.mark.parametrize("builder", [LegacyBuilder, BuildKitBuilder])
def test_a_streamed_build_gives_the_record_it_gave_read_whole(
    builder: type[LegacyBuilder] | type[BuildKitBuilder], name: str, client: DockerClient, expected: dict
) -> None:
    """Each builder's `build` on each recording, its own and the other builder's (no evidence then)."""
    run = load_run(FIXTURES / "builds" / f"{name}.jsonl")
    request = BuildRequest(str(ROOT), dockerfile(run), "bench/x:1")
    streamed = builder(client, runner=Replay(run)).build(request)
    assert figures(streamed) == expected[f"{builder.name}:{name}"]


@pytest.mark.parametrize(("name", "exit_code"), COMPOSE)
@pytest.mark.parametrize("builder", ["buildkit", "legacy"])
def test_a_streamed_compose_build_gives_the_record_it_gave_read_whole(
    builder: str, name: str, exit_code: int, client: DockerClient, expected: dict
) -> None:
    request = BuildRequest(str(ROOT), "compose.yaml", "bench/x:1")
    streamed = ComposeBuilder(builder, client, runner=Replay(compose_run(name, exit_code))).build(request)
    assert figures(streamed) == expected[f"compose-{builder}:{name}:{exit_code}"]


def write_records() -> None:
    """records.json from the record functions reading each recording whole."""
    records: dict[str, Any] = {}
    for name in RECORDINGS:
        run = load_run(FIXTURES / "builds" / f"{name}.jsonl")
        stages = from_lines(read_dockerfile(dockerfile(run)))
        records[f"legacy:{name}"] = figures(legacy_record(run, IMAGE_ID, stages))
        records[f"buildkit:{name}"] = figures(buildkit_record(run, IMAGE_ID))
    for name, code in COMPOSE:
        for builder in ("buildkit", "legacy"):
            records[f"compose-{builder}:{name}:{code}"] = figures(
                compose_record(builder, compose_run(name, code))
            )
    RECORDS.write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    write_records()
