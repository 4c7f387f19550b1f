"""A compose project built by `docker compose build` under either builder (claim C11).

Compose v2 (Debian trixie's docker-compose 2.26, a docker CLI plugin) builds with BuildKit unless
`DOCKER_BUILDKIT=0`, which makes it use the legacy builder, service by service. The whole `docker compose
build` process is timed like any build. Compose has no rawjson progress: under BuildKit the steps come from
its plain progress (`#N [service stage k/n] INSTRUCTION` ... `#N DONE|CACHED|ERROR`), timed by the arrival
of those lines; the step's stage is `service/stage`. Under the legacy builder the services build at the
same time and their `Step N/M` lines interleave with nothing saying which service they belong to, so those
builds keep the whole-build time only (no step rows). Which builder really ran is checked from the output:
BuildKit's `#N` progress lines, or the legacy builder's `Step N/M` lines.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from bench.builders.process import ProcessRun, Runner, run_timed, tail
from bench.builders.records import BuildRecord, BuildRequest, Outcome, Step

if TYPE_CHECKING:
    from python_on_whales import DockerClient

BUILDKIT_ENV = {"DOCKER_BUILDKIT": "1"}
LEGACY_ENV = {"DOCKER_BUILDKIT": "0"}
_BUILDKIT_LINE = re.compile(r"^#\d+ ")
_LEGACY_LINE = re.compile(r"^Step \d+/\d+ : ")
_VERTEX = re.compile(r"^#(\d+) \[([^\]]+)\] (.*)$")
_VERTEX_END = re.compile(r"^#(\d+) (DONE|CACHED|ERROR)\b(.*)$")
_COUNT = re.compile(r"\s*\d+/\d+$")
_ALLOWED_FLAGS = ("--no-cache",)


def project_name(tag: str) -> str:
    """A compose project name from the request's tag: its images are then `<project>-<service>`, under the
    harness's own tag prefix (so they are removed with its other images)."""
    name = re.sub(r"[^a-z0-9_-]+", "-", tag.lower()).strip("-_")
    return name or "bench-compose"


class ComposeBuilder:
    """`docker compose build` with BuildKit (`buildkit`) or the legacy builder (`legacy`)."""

    def __init__(self, name: str, client: DockerClient, runner: Runner = run_timed) -> None:
        if name not in ("buildkit", "legacy"):
            raise ValueError(f"unknown builder {name!r}; known: buildkit, legacy")
        self.name = name
        self._client = client
        self._runner = runner

    def command(self, request: BuildRequest) -> tuple[list[str], dict[str, str]]:
        """argv and the environment variables the harness sets (DOCKER_BUILDKIT picks the builder)."""
        cmd = self._client.client_config.docker_cmd
        cmd.extend(["compose", "--progress", "plain", "--file", request.dockerfile])
        cmd.add_simple_arg("--project-name", project_name(request.tag))
        cmd.add_simple_arg("--project-directory", request.context_dir)
        cmd.append("build")
        cmd.add_args_mapping("--build-arg", dict(sorted(request.build_args.items())))
        cmd.extend(request.extra_flags)
        env = BUILDKIT_ENV if self.name == "buildkit" else LEGACY_ENV
        return [str(word) for word in cmd], dict(env)

    def supports(self, request: BuildRequest) -> str | None:
        """Compose builds take the scenario's build args only: targets, platforms and cache exports are
        per service in the compose file, not flags of a bench cell."""
        others = [flag for flag in request.extra_flags if flag.startswith("-") and flag not in _ALLOWED_FLAGS]
        if others:
            return f"compose scenarios take no {' '.join(others)}: they build with `docker compose build`"
        if not Path(request.dockerfile).is_file():
            return f"no compose file {request.dockerfile}"
        return None

    def build(self, request: BuildRequest) -> BuildRecord:
        argv, env = self.command(request)
        return compose_record(self.name, self._runner(argv, env))


def plain_progress_steps(run: ProcessRun) -> list[Step]:
    """BuildKit's plain progress as steps: a vertex starts when its header line arrives and ends with its
    DONE, CACHED or ERROR line; a vertex shared by two services (same base image) is one step."""
    started: dict[str, tuple[float, str, str | None]] = {}
    ended: dict[str, tuple[float, bool, str | None]] = {}
    for line in run.lines:
        text = line.text
        head = _VERTEX.match(text)
        if head and head.group(1) not in started:
            label = _COUNT.sub("", head.group(2)).strip()
            service, _, stage = label.partition(" ")
            bookkeeping = stage == "internal" or head.group(3).startswith("exporting")
            stage_name = None if bookkeeping else "/".join(p for p in (service, stage) if p)
            started[head.group(1)] = (line.t, head.group(3), stage_name)
            continue
        end = _VERTEX_END.match(text)
        if end and end.group(1) in started and end.group(1) not in ended:
            error = end.group(3).strip() or "error" if end.group(2) == "ERROR" else None
            ended[end.group(1)] = (line.t, end.group(2) == "CACHED", error)
    steps = []
    for index, (vertex, (t0, name, stage)) in enumerate(sorted(started.items(), key=lambda kv: kv[1][0])):
        t1, cached, error = ended.get(vertex, (None, False, None))
        steps.append(Step(index, name, stage, t0, t1, cached, error))
    return steps


def compose_record(builder: str, run: ProcessRun) -> BuildRecord:
    """The record of one `docker compose build` run (no engine needed); steps under BuildKit only."""
    texts = run.texts()
    buildkit_lines = sum(1 for t in texts if _BUILDKIT_LINE.match(t))
    legacy_lines = sum(1 for t in texts if _LEGACY_LINE.match(t))
    ran = legacy_lines if builder == "legacy" else buildkit_lines
    evidence = "compose: legacy Step lines" if builder == "legacy" else "compose: BuildKit #N progress lines"
    record = BuildRecord(
        builder=builder,
        outcome=Outcome.OK if run.exit_code == 0 else Outcome.FAILED,
        wall_s=run.wall_s,
        steps=plain_progress_steps(run) if builder == "buildkit" else [],
        argv=run.argv,
        env=run.env,
        exit_code=run.exit_code,
        builder_evidence=evidence if ran else None,
    )
    if run.exit_code != 0:
        record.error_tail = tail(texts, 20)
    elif not ran:
        record.outcome = Outcome.FAILED
        record.error_tail = f"the output shows no sign of the {builder} builder\n" + tail(texts, 10)
    return record


def compose_builders(client: DockerClient) -> dict[str, ComposeBuilder]:
    return {name: ComposeBuilder(name, client) for name in ("legacy", "buildkit")}
