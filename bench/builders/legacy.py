"""The legacy builder: `docker build` with DOCKER_BUILDKIT=0; per-step times from its `Step N/M` lines."""

from __future__ import annotations

import os
import tempfile
from typing import TYPE_CHECKING

from bench.builders.dockerfile import FromLine, buildkit_only_features, from_lines, read_dockerfile
from bench.builders.flags import add_request_flags, flag_values, read_iidfile
from bench.builders.legacy_log import LegacyLog, LegacyLogParser, parse_legacy_log
from bench.builders.process import ProcessRun, Runner, run_timed, tail
from bench.builders.records import BuildRecord, BuildRequest, Outcome

if TYPE_CHECKING:
    from python_on_whales import DockerClient

EVIDENCE = "legacy Step lines"
LEGACY_ENV = {"DOCKER_BUILDKIT": "0"}  # without it, CLI >= 23 sends `docker build` to BuildKit

# docker build flags that exist only for BuildKit: the CLI rejects them with DOCKER_BUILDKIT=0.
_BUILDKIT_ONLY_FLAGS = (
    "--cache-to", "--secret", "--ssh", "--output", "-o", "--push", "--load",
    "--attest", "--sbom", "--provenance", "--builder", "--progress",
)  # fmt: skip


class LegacyBuilder:
    """Builds with the legacy (pre-BuildKit) builder that dockerd still ships."""

    name = "legacy"

    def __init__(self, client: DockerClient, runner: Runner = run_timed) -> None:
        self._client = client
        self._runner = runner

    def command(self, request: BuildRequest, iidfile: str | None) -> tuple[list[str], dict[str, str]]:
        """argv and the environment variables the harness sets (DOCKER_BUILDKIT=0).

        `--force-rm`: a failed legacy build otherwise leaves its exited container on the engine.
        """
        cmd = self._client.client_config.docker_cmd  # a fresh python-on-whales Command
        cmd.extend(["build", "--force-rm"])
        add_request_flags(cmd, request, iidfile)
        return [str(word) for word in cmd], dict(LEGACY_ENV)

    def supports(self, request: BuildRequest) -> str | None:
        """The reason the legacy builder cannot build `request`, from its flags and its Dockerfile.

        Raises OSError when the Dockerfile cannot be read: that is a broken scenario, not a cell.
        """
        flags = request.extra_flags
        reasons = [f"{flag} needs BuildKit" for flag in _BUILDKIT_ONLY_FLAGS if flag_values(flags, flag)]
        if any(v.startswith("type=") or ",type=" in v for v in flag_values(flags, "--cache-from")):
            reasons.append("--cache-from type=... needs BuildKit (the legacy builder silently ignores it)")
        if any("," in v for v in flag_values(flags, "--platform")):
            reasons.append("several --platform values need BuildKit")
        reasons += buildkit_only_features(read_dockerfile(request.dockerfile))
        return "; ".join(reasons) or None

    def build(self, request: BuildRequest) -> BuildRecord:
        """Run the build, its output parsed as it arrives; the Dockerfile is read (for stage names) before
        the timed span."""
        try:
            stages: list[FromLine] | None = from_lines(read_dockerfile(request.dockerfile))
        except OSError:
            stages = None  # the build itself will fail and say why
        parser = LegacyLogParser(stages)
        with tempfile.TemporaryDirectory(prefix="bench-iid-") as scratch:
            iidfile = os.path.join(scratch, "iid")
            argv, env = self.command(request, iidfile)
            run = self._runner(argv, env, parser.feed)
            image_id = read_iidfile(iidfile)
        return legacy_record(run, image_id, log=parser.finish(run.wall_s))


def legacy_record(
    run: ProcessRun,
    image_id: str | None = None,
    stages: list[FromLine] | None = None,
    log: LegacyLog | None = None,
) -> BuildRecord:
    """Turn one legacy `docker build` run into a BuildRecord (no engine needed).

    `log` is what LegacyLogParser made of the output as it streamed (`LegacyBuilder.build`); without it,
    the run is a recording and its lines go through that parser here (`stages` as it takes them).
    Without `Step` lines the legacy builder did not run (BuildKit did, or nothing did): a build that
    "succeeded" that way is recorded as FAILED, since it did not measure what was asked.
    """
    if log is None:
        log = parse_legacy_log(run.all_lines(), stages, end_s=run.wall_s)
    record = BuildRecord(
        builder=LegacyBuilder.name,
        outcome=Outcome.OK if run.exit_code == 0 else Outcome.FAILED,
        wall_s=run.wall_s,
        steps=log.steps,
        argv=run.argv,
        env=run.env,
        exit_code=run.exit_code,
        image_id=(image_id or log.image_id) if run.exit_code == 0 else None,
        builder_evidence=EVIDENCE if log.step_lines else None,
    )
    if run.exit_code != 0:
        record.error_tail = tail(log.output, 20)
    elif not log.step_lines:
        record.outcome = Outcome.FAILED
        record.error_tail = (
            "no `Step N/M` lines in the output: the legacy builder did not run "
            "(was DOCKER_BUILDKIT=0 ignored?)\n" + tail(log.output, 10)
        )
    return record
