"""buildx's --metadata-file: what a BuildKit build keeps of it, and what it never keeps (provenance, secrets).

Fixtures: buildkit-metadata.json as buildx 0.13.1 wrote it on the bench engine;
buildkit-metadata-provenance.json as buildx >= 0.14 writes it by default (its `buildx.build.provenance`
quotes every build arg).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from python_on_whales import DockerClient

from bench.audit.leaks import Secret
from bench.builders import BuildKitBuilder
from bench.builders.metadata import PROVENANCE_ENV, read_metadata
from bench.builders.process import LineConsumer, ProcessRun, load_run, replay_run
from bench.builders.records import BuildRecord, BuildRequest, Outcome
from bench.plan import BuilderName, CacheSource, Cell, ChangeKind, Measurement
from bench.run.build_rows import RowSource, build_row
from bench.secrets.passing import redact_record

FIXTURES = Path(__file__).parents[1] / "fixtures" / "builds"
RECORDED = FIXTURES / "buildkit-metadata.json"
WITH_PROVENANCE = FIXTURES / "buildkit-metadata-provenance.json"
TOKEN = "tok-0123456789abcdef"  # the build arg value in the provenance fixture


def test_recorded_metadata_is_kept_whole_as_compact_json() -> None:
    kept = json.loads(read_metadata(RECORDED) or "")
    assert kept == json.loads(RECORDED.read_text())
    assert kept["containerimage.digest"].startswith("sha256:") and kept["buildx.build.ref"].startswith(
        "bench/"
    )


def test_provenance_is_dropped_and_with_it_every_build_arg_value() -> None:
    text = read_metadata(WITH_PROVENANCE) or ""
    assert TOKEN in WITH_PROVENANCE.read_text(), "the fixture does carry the value"
    assert TOKEN not in text and "build-arg" not in text
    assert sorted(json.loads(text)) == [
        "buildx.build.ref",
        "buildx.build.warnings",
        "containerimage.config.digest",
        "containerimage.digest",
        "image.name",
    ]


@pytest.mark.parametrize("content", [None, "", "not json", "[1, 2]", "{}"])
def test_no_file_or_no_object_gives_none(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "metadata.json"
    if content is not None:
        path.write_text(content)
    assert read_metadata(path) is None


def test_a_secret_in_a_kept_key_is_redacted_with_the_record() -> None:
    secret = Secret(TOKEN.encode(), name="token")
    record = BuildRecord(
        "buildkit", Outcome.OK, 1.0, [], ["docker"], {}, metadata=f'{{"image.name":"x:{TOKEN}"}}'
    )
    assert TOKEN not in (redact_record(record, secret).metadata or "")
    assert f"<redacted {secret.fingerprint}>" in (record.metadata or "")


class MetadataReplay:
    """Replays a recorded BuildKit run and writes the metadata file where argv says, as buildx does."""

    def __init__(self, fixture: str, metadata: Path) -> None:
        self.run = load_run(FIXTURES / f"{fixture}.jsonl")
        self.metadata = metadata
        self.argv: list[str] = []
        self.env: dict[str, str] = {}

    def __call__(
        self, argv: Sequence[str], env: Mapping[str, str], on_line: LineConsumer | None = None
    ) -> ProcessRun:
        self.argv, self.env = list(argv), dict(env)
        target = Path(argv[list(argv).index("--metadata-file") + 1])
        target.write_text(self.metadata.read_text())
        return replay_run(self.run, on_line, argv, env)  # the lines go to the builder's parser one by one


def request() -> BuildRequest:
    twostage = FIXTURES / "twostage"
    return BuildRequest(str(twostage), str(twostage / "Dockerfile"), "bench/x:1")


def test_buildkit_build_keeps_the_metadata_and_the_row_stores_it(client: DockerClient) -> None:
    replay = MetadataReplay("buildkit-nocache", WITH_PROVENANCE)
    record = BuildKitBuilder(client, runner=replay).build(request())
    assert record.outcome is Outcome.OK
    assert json.loads(record.metadata or "")["containerimage.digest"].startswith("sha256:a639")
    assert TOKEN not in (record.metadata or "")
    scratch = Path(replay.argv[replay.argv.index("--metadata-file") + 1])
    assert scratch.parent == Path(replay.argv[replay.argv.index("--iidfile") + 1]).parent
    assert not scratch.exists(), "the scratch metadata file is removed with the iidfile"
    assert replay.env == record.env == PROVENANCE_ENV
    cell = Cell("tiny", BuilderName.buildkit, CacheSource.none, ChangeKind.none)
    row = build_row(
        RowSource("r1", "dedicated", None, False),
        Measurement(seq=0, round=0, repetition=0, warmup=False, cell=cell),
        record,
        measured={},
        flags=(),
        before=None,
        started_at="2026-01-01T00:00:00+00:00",
    )
    assert row.build_metadata == record.metadata


def test_a_failed_build_keeps_no_metadata(client: DockerClient) -> None:
    replay = MetadataReplay("buildkit-fail", RECORDED)
    record = BuildKitBuilder(client, runner=replay).build(request())
    assert record.outcome is Outcome.FAILED and record.metadata is None


def test_no_metadata_file_without_a_path(client: DockerClient) -> None:
    argv, env = BuildKitBuilder(client).command(request(), None)
    assert "--metadata-file" not in argv and env == {}, "replays (hyperfine) ask for no file"
