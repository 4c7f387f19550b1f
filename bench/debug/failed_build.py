"""`bench debug --run RUN_DIR --seq N`: a shell in the last state a failed build reached.

Neither builder keeps that state for long: every measurement starts on an emptied engine. So the failed
build is rebuilt from the scenario directory recorded in the run, with the row's change applied again
(the same edit of a private copy), its build args, network and Dockerfile:
- legacy builder: every step that succeeds leaves an image; the last ` ---> ID` line before the failure is
  the exact state the failing step started from;
- BuildKit keeps no image per step; the nearest reachable state is a whole stage: `--target` of the
  failing stage's parent when it is a stage of the same Dockerfile (`FROM build AS test`), else of the
  last stage that completed. The container then starts from that stage, not from the step before the
  failure: the steps of the failing stage before it have to be run again by hand.
The debug container runs the stage image with `--network none` and `/bin/sh` (the stage must have a shell).
"""

from __future__ import annotations

import re
import shlex
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.builders import make_builder
from bench.builders.dockerfile import from_lines, read_dockerfile
from bench.builders.flags import flag_values
from bench.builders.process import OutputLine, run_timed
from bench.builders.records import BuildRequest
from bench.config import ScenarioConfig
from bench.engine import ownership
from bench.errors import BenchError
from bench.scenario.changes import apply_change, copy_scenario
from bench.scenario.definition import load_scenario
from bench.vocabulary import ChangeKind

if TYPE_CHECKING:
    import pandas as pd
    from python_on_whales import DockerClient

    from bench.store.rows import RunMeta

_IMAGE_LINE = re.compile(r"^ ---> ([0-9a-f]{12,64})$")
DEBUG_TAG = "bench-debug/{scenario}:{seq}"


@dataclass(frozen=True)
class StageImage:
    """The image to debug in, and what state it is."""

    image: str
    description: str


def failed_row(run_dir: Path, seq: int) -> tuple[dict[str, Any], pd.DataFrame, dict[str, Any]]:
    """(build row, its steps, run meta) of a failed build; BenchError with what to do otherwise."""
    from bench.store.results import load

    run = load(run_dir)
    rows = run.builds[run.builds["seq"] == seq]
    if rows.empty:
        raise BenchError(f"{run_dir} has no build {seq}; give the seq of a failed build (builds.jsonl)")
    row = rows.iloc[-1].to_dict()  # a resumed run appends the build measured again after its interrupted row
    if row["outcome"] != "failed" or not row.get("argv"):
        raise BenchError(
            f"build {seq} of {run_dir} did not fail ({row['outcome']}); give a failed build's seq"
        )
    return row, run.steps[run.steps["seq"] == seq], run.meta


def rebuild_request(row: dict[str, Any], meta: RunMeta, workroot: Path) -> BuildRequest:
    """The failed build's request against a fresh copy of the scenario with the row's change applied."""
    argv = [str(word) for word in row["argv"]]
    directory = Path(meta.scenario.directory)
    scenario = load_scenario(ScenarioConfig(path=str(directory)))
    context = copy_scenario(directory, parent=workroot)
    dockerfile = Path(flag_values(argv, "--file", "-f")[0]).relative_to(argv[-1])
    change = ChangeKind(row["change"])
    apply_change(context, change, scenario.source_change, token=f"debug-{row['seq']}",
                 deps_manifest=scenario.deps_manifest, failing_test=scenario.failing_test)  # fmt: skip
    args = dict(value.split("=", 1) for value in flag_values(argv, "--build-arg"))
    return BuildRequest(
        context_dir=str(context),
        dockerfile=str(context / dockerfile),
        tag=DEBUG_TAG.format(scenario=scenario.name.lower(), seq=row["seq"]),
        build_args=args,  # as measured: a `base` change's swapped images are already in them
        target=(flag_values(argv, "--target") or [None])[0],
        network=(flag_values(argv, "--network") or [None])[0],
    )


def buildkit_target(dockerfile: str, steps: pd.DataFrame) -> str:
    """The stage to `--target`: the failing stage's parent stage, else the last stage that completed."""
    stages = from_lines(read_dockerfile(dockerfile))
    names = {s.name for s in stages if s.name}
    failing = steps[steps["error"].notna() & steps["stage"].notna()]
    if not failing.empty:
        stage = failing.iloc[0]["stage"]
        parent = next((s.image for s in stages if s.name == stage), None)
        if parent in names:
            return str(parent)
    done = steps[steps["stage"].isin(names) & steps["error"].isna() & steps["completed_s"].notna()]
    failed_stages = set(failing["stage"])
    done = done[~done["stage"].isin(failed_stages)]
    if done.empty:
        raise BenchError("no stage of this build completed before it failed: nothing to debug in")
    return str(done.sort_values("completed_s").iloc[-1]["stage"])


class LastLegacyImage:
    """The image of the last step the legacy builder completed (its last ` ---> ID` line), read as the
    output streams (run_timed's on_line): the line may be millions of lines before the end."""

    def __init__(self) -> None:
        self.image: str | None = None

    def feed(self, line: OutputLine) -> None:
        self.see(line.text)

    def see(self, text: str) -> None:
        match = _IMAGE_LINE.match(text)
        if match is not None:
            self.image = match.group(1)


def last_legacy_image(output: Iterable[str]) -> str | None:
    """The image of the last step the legacy builder completed in these lines of its output."""
    last = LastLegacyImage()
    for text in output:
        last.see(text)
    return last.image


def stage_image(docker: DockerClient, row: dict[str, Any], steps: pd.DataFrame, meta: RunMeta) -> StageImage:
    """Rebuild the failed build and return the image of the last state it reached."""
    with tempfile.TemporaryDirectory(prefix="bench-debug-") as scratch:
        request = rebuild_request(row, meta, Path(scratch))
        builder = make_builder(row["builder"], docker)
        if row["builder"] == "legacy":
            argv, env = builder.command(request, None)  # type: ignore[attr-defined]
            last = LastLegacyImage()
            run = run_timed(argv, env, last.feed)
            image = last.image
            if run.exit_code == 0 or image is None:
                raise BenchError("the rebuild did not fail the same way; nothing left to debug in")
            return StageImage(image, f"legacy: the image of the last step that succeeded ({image})")
        target = buildkit_target(request.dockerfile, steps)
        record = builder.build(replace(request, target=target))
        if record.outcome.value != "ok":
            raise BenchError(f"rebuilding up to stage {target} failed: {(record.error_tail or '')[-200:]}")
        return StageImage(
            request.tag, f"BuildKit: stage {target} (--target), the nearest state BuildKit keeps"
        )


def debug_failed_build(
    docker: DockerClient,
    run_dir: Path,
    seq: int,
    command: list[str],
    interactive: bool,
    say: Callable[[str], object] = print,
) -> str | None:
    """Rebuild, then start a container of the last reached state (a shell, or `command` through sh -c)."""
    row, steps, meta = failed_row(run_dir, seq)
    found = stage_image(docker, row, steps, meta)
    say(f"debugging build {seq} ({row['builder']}) in {found.description}")
    script = ["-c", " ".join(shlex.quote(word) for word in command)] if command else []
    return docker.run(
        found.image,
        script,
        entrypoint="/bin/sh",
        networks=["none"],
        remove=True,
        labels=ownership.LABELS,
        interactive=interactive,
        tty=interactive,
    )
