"""What an engine can do, capability by capability, each with the command that fixes it when missing.

`bench doctor` prints all of them; `bench run` checks the cheap ones it needs before building anything.
The probes build tiny `FROM scratch` images, so they need no base image and no network.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException
from python_on_whales.utils import run as run_docker

from bench.bases import images as base_images
from bench.config import EngineConfig
from bench.host import binfmt
from bench.services import registry

UP = "bench engine up"


@dataclass(frozen=True)
class Capability:
    name: str
    ok: bool
    detail: str
    fix: str | None = None
    required: bool = True


def _first_line(error: Exception) -> str:
    text = getattr(error, "stderr", None) or str(error)
    lines = [line for line in str(text).splitlines() if line.strip()]
    return lines[-1][:200] if lines else type(error).__name__


def engine_answers(engine: EngineConfig) -> Capability:
    from bench.engine.fleet import connection_error, unreachable_fix

    docker = DockerClient(context=engine.context)
    try:
        info = docker.system.info()
        # the docker CLI < 28 exits 0 when no daemon answers: the reason is in the info's ServerErrors
        failure = None if info.server_version else (_server_errors(docker) or "no daemon answers")
    except DockerException as error:
        failure = str(getattr(error, "stderr", None) or error)
    if failure is not None:
        ssh_failure = connection_error(failure)
        fix = unreachable_fix(engine, ssh_failed=ssh_failure is not None)
        lines = [line for line in failure.splitlines() if line.strip()]
        shown = ssh_failure or (lines[-1][:200] if lines else "no daemon answers")
        return Capability("engine", False, f"context {engine.context!r}: {shown}", fix)
    return Capability("engine", True, f"context {engine.context!r}: Docker Engine {info.server_version}")


def _server_errors(docker: DockerClient) -> str:
    try:
        text = run_docker([*docker.client_config.docker_cmd, "info", "--format", "{{json .ServerErrors}}"])
        return "\n".join(json.loads(text or "null") or [])
    except (DockerException, ValueError):
        return ""


def context_target(engine: EngineConfig) -> Capability:
    """An engine bench started is emptied through its context, so the context must name that engine and
    nothing else: one repointed since `bench engine up` (`docker context update`, another tool's context
    of the same name) would have bench wipe whatever it now points at. DOCKER_HOST and the current context
    play no part: bench's calls name the context (`--context`)."""
    want = engine.host or f"unix://{engine.socket}"
    if not engine.started_by_bench:
        return Capability("context", True, f"context {engine.context!r}: an engine bench does not start")
    try:
        got = DockerClient().context.inspect(engine.context).endpoints["docker"].host
    except (DockerException, KeyError, AttributeError):
        return Capability("context", False, f"no docker context {engine.context!r}", UP)
    if got != want:
        return Capability(
            "context", False, f"context {engine.context!r} points at {got}, not this engine's {want}", UP
        )
    return Capability("context", True, f"context {engine.context!r} -> {want}")


def _probe_build(docker: DockerClient, legacy: bool, extra: list[str] | None = None) -> str | None:
    """Build a one-label scratch image; None when it worked, else the error's last line."""
    with tempfile.TemporaryDirectory(prefix="bench-probe-") as tmp:
        Path(tmp, "Dockerfile").write_text("FROM scratch\nLABEL org.bench.probe=1\n")
        if legacy:
            argv = [*docker.client_config.docker_cmd, "build", "-q", "-t", "bench-probe/legacy:1", tmp]
            env = {"DOCKER_BUILDKIT": "0"}
        else:
            argv = [
                *docker.client_config.docker_cmd,
                "buildx",
                "build",
                "-q",
                "--output",
                "type=cacheonly",
                *(extra or []),
                tmp,
            ]
            env = {}
        try:
            run_docker(argv, env=env, capture_stderr=True)
        except DockerException as error:
            return _first_line(error)
        finally:
            if legacy:
                with contextlib.suppress(DockerException):
                    docker.image.remove("bench-probe/legacy:1", force=True)
    return None


def builders(docker: DockerClient) -> list[Capability]:
    found = []
    error = _probe_build(docker, legacy=True)
    found.append(
        Capability(
            "legacy builder",
            error is None,
            error or "DOCKER_BUILDKIT=0 docker build works",
            "install an engine that still ships the legacy builder (dockerd <= 27)",
        )
    )
    buildx = buildx_found(docker)
    found.append(buildx)
    if not buildx.ok:
        return found
    error = _probe_build(docker, legacy=False)
    found.append(Capability("BuildKit", error is None, error or "docker buildx build works", UP))
    return found


def image_store(docker: DockerClient) -> Capability:
    info = docker.system.info()
    containerd = any("snapshotter" in str(x) for x in (info.driver_status or []))
    detail = f"storage driver {info.driver}" + (" (containerd image store)" if containerd else " (classic)")
    return Capability(
        "containerd image store",
        containerd,
        detail,
        'set "features": {"containerd-snapshotter": true} in daemon.json',
        required=False,
    )


def cache_exporters(docker: DockerClient) -> Capability:
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache_dir:
        error = _probe_build(
            docker, legacy=False, extra=["--cache-to", f"type=local,dest={cache_dir},mode=max"]
        )
    return Capability(
        "cache exporters",
        error is None,
        error or "--cache-to type=local works",
        "enable the containerd image store (cache export needs it)",
        required=False,
    )


def platforms(docker: DockerClient) -> Capability:
    emulators = binfmt.emulators()
    try:
        nodes = docker.buildx.inspect().nodes or []
    except DockerException:
        nodes = []
    listed = [p for p in (nodes[0].platforms if nodes else []) if not p.startswith("linux/amd64")]
    ok = bool(emulators) and any(p.startswith("linux/arm64") for p in listed)
    detail = (
        f"emulated: {', '.join(listed)}" if listed else "no foreign platforms"
    ) + f"; binfmt: {', '.join(f'{k}[{v}]' for k, v in emulators.items()) or 'none registered'}"
    return Capability(
        "emulated platforms", ok, detail, f"{UP} (registers QEMU binfmt, restarts dockerd)", required=False
    )


def platform_emulation(cell_platforms: Sequence[str], emulators: Mapping[str, str]) -> Capability:
    """Every foreign platform a run asks for has its QEMU emulator registered in binfmt_misc."""
    from bench.platforms import missing_emulators

    missing = missing_emulators(cell_platforms, emulators)
    if not missing:
        return Capability("platform emulation", True, "every foreign platform has its emulator")
    names = ", ".join(f"{platform} needs {emulator}" for platform, emulator in missing)
    return Capability(
        "platform emulation",
        False,
        f"no QEMU emulator registered in binfmt_misc: {names}",
        f"{UP} --all (installs QEMU, registers binfmt with the F flag)",
    )


def registry_reachable(engine: EngineConfig) -> Capability:
    ok = registry.reachable(engine)
    return Capability(
        "local registry", ok, f"http://{engine.registry}/v2/ " + ("answers" if ok else "does not answer"), UP
    )


def seeded_base_images(engine: EngineConfig) -> Capability:
    """Informational: a run makes the base images it needs (bench/bases/provision.py)."""
    missing = []
    for image in base_images.BASE_IMAGES:
        lacking = base_images.missing_platforms(engine, image)
        if lacking:
            missing.append(f"{image.ref(engine)} ({', '.join(lacking)})")
    detail = "all present" if not missing else "made by the run that needs them: " + ", ".join(missing)
    return Capability(
        "base images", not missing, detail, f"{UP} --all (makes them ahead of time)", required=False
    )


def buildx_found(docker: DockerClient) -> Capability:
    """`docker build` silently falls back to the legacy builder when the CLI finds no buildx plugin: every
    "BuildKit" figure would then be the legacy builder's. Say so loudly instead."""
    try:
        version = docker.buildx.version()
    except DockerException as error:
        return Capability(
            "buildx",
            False,
            f"the docker CLI finds no buildx plugin ({_first_line(error)}): `docker build` would "
            "silently use the legacy builder",
            f"{UP} (writes bench's DOCKER_CONFIG naming the plugin directory)",
        )
    return Capability("buildx", True, version)


def tools() -> Capability:
    missing = [t for t in ("ctr", "hyperfine") if shutil.which(t) is None]
    return Capability(
        "tools",
        not missing,
        "ctr, hyperfine" if not missing else f"missing: {', '.join(missing)}",
        UP,
        required=False,
    )


def doctor(engine: EngineConfig) -> list[Capability]:
    """Every capability; stops after the engine when it does not answer (the rest would only repeat that)."""
    first = engine_answers(engine)
    found = [context_target(engine), first]
    if first.ok:
        docker = DockerClient(context=engine.context)
        found += builders(docker)
        found += [image_store(docker), cache_exporters(docker), platforms(docker)]
    found += [registry_reachable(engine), seeded_base_images(engine), tools()]
    return found


def preflight(engine: EngineConfig, cell_platforms: Sequence[str] = ()) -> Capability | None:
    """The cheap checks `bench run` needs; returns the first missing capability, or None. Base images are
    not among them: the run makes those it lacks (bench/bases/provision.py)."""
    emulation = platform_emulation(cell_platforms, binfmt.emulators())
    if not emulation.ok:
        return emulation
    target = context_target(engine)
    if not target.ok:
        return target  # the context names another engine: not even asked
    checks = [engine_answers(engine)]
    if checks[0].ok:
        checks += [buildx_found(DockerClient(context=engine.context)), registry_reachable(engine)]
    return next((c for c in checks if not c.ok), None)
