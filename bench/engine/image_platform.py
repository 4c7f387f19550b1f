"""Is a built image what its cell claims? Its config names the platform, and its binary says so too.

Run after the timed build, outside its span. A foreign-platform image must (1) name the platform in its
config (for a multi-platform build: the manifest list in the registry must hold every platform), and
(2) run under emulation and report that platform's machine (`uname -m`, or the scenario's `arch_probe`,
e.g. a program printing what it was compiled for). A wrong answer fails the row. Native images get the
config check only (when the image is in the engine): no emulator is involved, and a custom scenario's
image need not have `uname`.
"""

from __future__ import annotations

from collections.abc import Sequence

from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from bench import platforms
from bench.config import EngineConfig
from bench.engine import ownership
from bench.errors import docker_said
from bench.services import registry

DEFAULT_PROBE = ("uname", "-m")


def _last_line(error: DockerException) -> str:
    return docker_said(error) or type(error).__name__


def machine_problem(output: str, oci_platform: str, probe: Sequence[str]) -> str | None:
    """None when the probe's first word is the platform's machine, else what it said instead."""
    expected = platforms.expected_machine(oci_platform)
    words = output.split()
    if words and words[0] == expected:
        return None
    said = output.strip().splitlines()[0] if output.strip() else "nothing"
    return f"wrong architecture: `{' '.join(probe)}` printed {said!r} under {oci_platform}, not {expected!r}"


def run_probe(docker: DockerClient, image: str, oci_platform: str, probe: Sequence[str]) -> str | None:
    """Run the probe in `image` as `oci_platform` (QEMU for a foreign one); None when it reports it."""
    try:
        output = docker.run(
            image,
            list(probe[1:]),
            entrypoint=probe[0],
            platform=oci_platform,
            networks=["none"],
            remove=True,
            labels=ownership.LABELS,
        )
    except DockerException as error:
        return (
            f"could not run `{' '.join(probe)}` in the image as {oci_platform} to check its architecture: "
            f"{_last_line(error)} (a scenario can name its own check: arch_probe in bench.yaml)"
        )
    return machine_problem(str(output or ""), oci_platform, probe)


def split_reference(ref: str, registry_host: str) -> tuple[str, str] | None:
    """(repository, tag) of a reference in the given registry, None when it is elsewhere."""
    if not ref.startswith(registry_host + "/"):
        return None
    name = ref[len(registry_host) + 1 :]
    repository, _, tag = name.rpartition(":")
    return (repository, tag) if repository and "/" not in tag else (name, "latest")


def check_image(
    docker: DockerClient,
    engine: EngineConfig,
    cell_platform: str,
    image_id: str | None,
    tag: str,
    probe: Sequence[str] = (),
) -> str | None:
    """None when the built image is for the cell's platform(s), else one line saying what is wrong."""
    probe = tuple(probe) or DEFAULT_PROBE
    wanted = platforms.split(cell_platform)
    if platforms.is_multi(cell_platform):
        where = split_reference(tag, engine.registry)
        if where is None:
            return f"a multi-platform build must be pushed to {engine.registry}; {tag} is not there"
        served = registry.platforms(engine, *where)
        lacking = [p for p in wanted if not any(platforms.same_platform(s, p) for s in served)]
        if lacking:
            serves = ", ".join(served) or "nothing"
            return f"the manifest list {tag} lacks {', '.join(lacking)} (it serves {serves})"
        for oci_platform in wanted:
            problem = run_probe(docker, tag, oci_platform, probe)
            if problem:
                return problem
        return None
    native = cell_platform == platforms.NATIVE or wanted[0] == platforms.host_platform()
    if native and (image_id is None or not docker.image.exists(image_id)):
        return None  # e.g. a cache strategy's build that exported rather than loaded: nothing to claim
    if image_id is None:
        return "the build reported no image id: nothing to check the platform of"
    try:
        image = docker.image.inspect(image_id)
    except DockerException as error:
        return f"could not inspect the built image {image_id}: {_last_line(error)}"
    claimed = platforms.config_platform(image.os, image.architecture, getattr(image, "variant", None))
    if not platforms.same_platform(claimed, wanted[0]):
        return f"wrong architecture: the image config says {claimed}, the cell asked for {wanted[0]}"
    if native:
        return None
    return run_probe(docker, image_id, wanted[0], probe)
