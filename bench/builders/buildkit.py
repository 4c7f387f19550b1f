"""BuildKit through `docker buildx build --progress=rawjson`, on the engine's own `docker` driver."""

from __future__ import annotations

import os
import tempfile
from typing import TYPE_CHECKING

from bench.builders.flags import add_request_flags, flag_values, read_iidfile
from bench.builders.metadata import PROVENANCE_ENV, read_metadata
from bench.builders.process import ProcessRun, Runner, run_timed, tail
from bench.builders.rawjson import RawJsonParser
from bench.builders.records import BuildRecord, BuildRequest, Outcome
from bench.safe.output_cap import bounded

if TYPE_CHECKING:
    from python_on_whales import DockerClient

EVIDENCE = "rawjson vertices"
_OUTPUT_FLAGS = ("--output", "-o", "--push", "--load")


class BuildKitBuilder:
    """Builds with BuildKit; per-step times come from the rawjson vertices."""

    name = "buildkit"

    def __init__(self, client: DockerClient, runner: Runner = run_timed) -> None:
        self._client = client
        self._runner = runner

    def command(
        self, request: BuildRequest, iidfile: str | None, metadata_file: str | None = None
    ) -> tuple[list[str], dict[str, str]]:
        """argv and the environment variables the harness sets (buildx always uses BuildKit; with a
        metadata file, the one that keeps buildx's provenance out of it: bench/builders/metadata.py).

        `--builder` names the context's own docker-driver builder, so a builder chosen earlier with
        `docker buildx use` or BUILDX_BUILDER cannot silently take the build elsewhere. `--load` puts
        the image in the engine's store unless the request asks for another output.
        """
        config = self._client.client_config
        cmd = config.docker_cmd  # a fresh python-on-whales Command: --context, --host, TLS flags
        cmd.extend(["buildx", "build", "--progress=rawjson"])
        cmd.add_simple_arg("--builder", config.context)
        cmd.add_flag("--load", not flag_values(request.extra_flags, *_OUTPUT_FLAGS))
        cmd.add_simple_arg("--metadata-file", metadata_file)
        add_request_flags(cmd, request, iidfile)
        return [str(word) for word in cmd], dict(PROVENANCE_ENV) if metadata_file else {}

    def supports(self, request: BuildRequest) -> str | None:
        """BuildKit builds every Dockerfile the scenarios use."""
        return None

    def build(self, request: BuildRequest) -> BuildRecord:
        """Run the build, its rawjson parsed as it arrives; the image id (`--iidfile`) and buildx's metadata
        (`--metadata-file`) are read after the timed span."""
        parser = RawJsonParser()
        with tempfile.TemporaryDirectory(prefix="bench-iid-") as scratch:
            iidfile = os.path.join(scratch, "iid")
            metadata_file = os.path.join(scratch, "metadata.json")
            argv, env = self.command(request, iidfile, metadata_file)
            run = self._runner(argv, env, parser.feed_output)
            image_id = read_iidfile(iidfile)
            metadata = read_metadata(metadata_file)
        return buildkit_record(run, image_id, metadata, parser)


def buildkit_record(
    run: ProcessRun,
    image_id: str | None = None,
    metadata: str | None = None,
    parser: RawJsonParser | None = None,
) -> BuildRecord:
    """Turn one `buildx build --progress=rawjson` run into a BuildRecord (no engine needed).

    `parser` has read the output as it streamed (`BuildKitBuilder.build`); without it, the run is a
    recording and its lines go through a new parser here.
    """
    if parser is None:
        parser = RawJsonParser()
        for line in run.all_lines():
            parser.feed_output(line)
    steps = parser.steps()
    record = BuildRecord(
        builder=BuildKitBuilder.name,
        outcome=Outcome.OK if run.exit_code == 0 else Outcome.FAILED,
        wall_s=run.wall_s,
        steps=steps,
        argv=run.argv,
        env=run.env,
        exit_code=run.exit_code,
        image_id=image_id if run.exit_code == 0 else None,
        builder_evidence=EVIDENCE if parser.vertex_count else None,
        metadata=metadata if run.exit_code == 0 else None,
    )
    if run.exit_code != 0:
        record.error_tail = _failure_tail(parser, run)
    elif not parser.vertex_count:
        record.outcome = Outcome.FAILED
        record.error_tail = (
            "no rawjson vertices in the output: BuildKit did not report this build "
            "(is buildx missing, or --progress=rawjson unsupported?)\n" + tail(run.texts(), 10)
        )
    return record


def _failure_tail(parser: RawJsonParser, run: ProcessRun) -> str:
    """The failing vertex's error and last log lines, then buildx's own error summary (bounded: the error
    alone may be a long chain: bench/safe/output_cap.py)."""
    parts: list[str] = []
    failure = parser.failure()
    if failure is not None:
        name, stage, error, logs = failure
        parts.append(f"[{stage}] {name}: {error}" if stage else f"{name}: {error}")
        parts.extend(logs[-8:])
    text = parser.text_lines if parser.objects else (line.text for line in run.lines)
    return bounded("\n".join([*parts, tail(text, 20 - len(parts))]).strip()) or ""
