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

from bench.builders.process import OutputLine, ProcessRun, Runner, run_timed, tail
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
        """Run `docker compose build`, its output parsed as it arrives."""
        argv, env = self.command(request)
        progress = PlainProgress(steps=self.name == "buildkit")
        return compose_record(self.name, self._runner(argv, env, progress.feed), progress)


class PlainProgress:
    """Incremental reader of compose's output (run_timed's on_line): which builder's lines it shows, and
    BuildKit's plain progress as steps (`steps`: under the legacy builder the lines are the containers'
    own, which could name any number of vertices). It keeps one entry per vertex, whatever steps print."""

    def __init__(self, steps: bool = True) -> None:
        self._with_steps = steps
        self.buildkit_lines = 0
        self.legacy_lines = 0
        self._started: dict[str, tuple[float, str, str | None]] = {}
        self._ended: dict[str, tuple[float, bool, str | None]] = {}

    def feed(self, line: OutputLine) -> None:
        """One line of either stream, in arrival order."""
        text = line.text
        self.buildkit_lines += _BUILDKIT_LINE.match(text) is not None
        self.legacy_lines += _LEGACY_LINE.match(text) is not None
        if self._with_steps:
            self._feed_vertex(line.t, text)

    def _feed_vertex(self, t: float, text: str) -> None:
        head = _VERTEX.match(text)
        if head and head.group(1) not in self._started:
            label = _COUNT.sub("", head.group(2)).strip()
            service, _, stage = label.partition(" ")
            bookkeeping = stage == "internal" or head.group(3).startswith("exporting")
            stage_name = None if bookkeeping else "/".join(p for p in (service, stage) if p)
            self._started[head.group(1)] = (t, head.group(3), stage_name)
            return
        end = _VERTEX_END.match(text)
        if end and end.group(1) in self._started and end.group(1) not in self._ended:
            error = end.group(3).strip() or "error" if end.group(2) == "ERROR" else None
            self._ended[end.group(1)] = (t, end.group(2) == "CACHED", error)

    def steps(self) -> list[Step]:
        """BuildKit's plain progress as steps: a vertex starts when its header line arrives and ends with
        its DONE, CACHED or ERROR line; a vertex shared by two services (same base image) is one step."""
        steps = []
        ordered = sorted(self._started.items(), key=lambda kv: kv[1][0])
        for index, (vertex, (t0, name, stage)) in enumerate(ordered):
            t1, cached, error = self._ended.get(vertex, (None, False, None))
            steps.append(Step(index, name, stage, t0, t1, cached, error))
        return steps


def compose_record(builder: str, run: ProcessRun, progress: PlainProgress | None = None) -> BuildRecord:
    """The record of one `docker compose build` run (no engine needed); steps under BuildKit only.

    `progress` has read the output as it streamed (`ComposeBuilder.build`); without it, the run is a
    recording and its lines go through a new reader here.
    """
    if progress is None:
        progress = PlainProgress(steps=builder == "buildkit")
        for line in run.all_lines():
            progress.feed(line)
    ran = progress.legacy_lines if builder == "legacy" else progress.buildkit_lines
    evidence = "compose: legacy Step lines" if builder == "legacy" else "compose: BuildKit #N progress lines"
    record = BuildRecord(
        builder=builder,
        outcome=Outcome.OK if run.exit_code == 0 else Outcome.FAILED,
        wall_s=run.wall_s,
        steps=progress.steps() if builder == "buildkit" else [],
        argv=run.argv,
        env=run.env,
        exit_code=run.exit_code,
        builder_evidence=evidence if ran else None,
    )
    texts = run.texts()  # the run's last lines (every line of a recording)
    if run.exit_code != 0:
        record.error_tail = tail(texts, 20)
    elif not ran:
        record.outcome = Outcome.FAILED
        record.error_tail = f"the output shows no sign of the {builder} builder\n" + tail(texts, 10)
    return record


def compose_builders(client: DockerClient) -> dict[str, ComposeBuilder]:
    return {name: ComposeBuilder(name, client) for name in ("legacy", "buildkit")}
