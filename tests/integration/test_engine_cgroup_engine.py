"""Where the RUN steps of both builders run: inside the dedicated engine's own cgroup, so that its
counters are the whole build's (dockerd's `cgroup-parent`; BuildKit adds `/buildkit/<id>` below it)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from engine_setup import compose_config

from bench.engine import cgroup

pytestmark = pytest.mark.engine
#: the RUN step prints its own cgroups (cgroup v1 without cgroup namespaces: the host's paths)
DOCKERFILE = (
    'FROM {registry}/bench/busybox:latest\nRUN grep -E ":(cpuacct|memory|blkio):" /proc/self/cgroup\n'
)


def _run_step_cgroups(argv: list[str], env: dict[str, str]) -> dict[str, str]:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    found = {}
    for line in (done.stdout + done.stderr).splitlines():
        for controller in cgroup.CONTROLLERS:
            if f":{controller}:/" in line:
                found[controller] = line.rsplit(":", 1)[1].strip()
    return found


@pytest.mark.parametrize("builder", ["legacy", "buildkit"])
def test_run_steps_run_inside_the_engines_cgroup(builder: str, tmp_path: Path) -> None:
    engine = compose_config().engine
    if cgroup.hierarchies() is None:
        pytest.skip("no cgroup v1 hierarchies here: the engine is measured per process")
    (tmp_path / "Dockerfile").write_text(DOCKERFILE.format(registry=engine.registry))
    common = ["--no-cache", "--network=none", str(tmp_path)]
    env = dict(os.environ)
    if builder == "legacy":
        argv = ["docker", "--context", engine.context, "build", *common]
        env["DOCKER_BUILDKIT"] = "0"
    else:
        argv = ["docker", "--context", engine.context, "buildx", "build", "--progress=plain", *common]
    found = _run_step_cgroups(argv, env)
    parent = cgroup.container_parent(engine) + ("/buildkit/" if builder == "buildkit" else "/")
    assert sorted(found) == sorted(cgroup.CONTROLLERS), found
    assert all(path.startswith(parent) for path in found.values()), found
