"""The dedicated engine's own cgroup (v1): what lets the kernel say what each build cost.

`bench engine up` starts dockerd inside `/bench-engine-<name>` of the cpuacct, memory and blkio
hierarchies (made at their roots, as dockerd makes `/docker`) and gives it
`cgroup-parent: /bench-engine-<name>/containers`.
Measured on docker 26.1.5 (cgroupfs driver, cgroup v1): legacy RUN containers then land in
`.../containers/<id>` and BuildKit's exec containers in `.../containers/buildkit/<id>`, so the engine's
cgroup counts dockerd, containerd, the shims and every RUN step of both builders. BuildKit makes its path
absolute (`/<cgroup-parent>/buildkit/<id>`, wherever dockerd runs), which is why the engine's cgroup sits
at one absolute path in every hierarchy rather than under the cgroup of whoever ran `bench engine up`.

Kernel 6.x (seen: 6.18) keeps a v1 group's blkio.throttle byte counters at zero unless the group has a
throttle rule, so bench sets one no disk reaches (1 PiB/s) on the data root's disk: counting, no limit.
Only dockerd, which bench starts, is put there, by the child itself between fork and exec. Under cgroup v2
nothing is made: such an engine is measured per process (bench/engine/cost.py).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from bench.config import EngineConfig

ROOT = Path("/sys/fs/cgroup")
PROC = Path("/proc")
SYS_BLOCK = Path("/sys/dev/block")
CONTROLLERS = ("cpuacct", "memory", "blkio")
#: a throttle rule no disk reaches: it makes the kernel count the group's bytes and limits nothing
COUNTING_BPS = 1 << 50
THROTTLE_RULES = ("blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device")


def group_name(engine: EngineConfig) -> str:
    return f"bench-engine-{engine.name}"


def container_parent(engine: EngineConfig) -> str:
    """dockerd's `cgroup-parent`: the containers of both builders inside the engine's cgroup."""
    return f"/{group_name(engine)}/containers"


def hierarchies(root: Path = ROOT) -> dict[str, Path] | None:
    """controller -> the v1 hierarchy it is mounted in; None when one is missing (cgroup v2, a container)."""
    found = {c: root / c for c in CONTROLLERS if (root / c / "cgroup.procs").is_file()}
    return found if len(found) == len(CONTROLLERS) else None


def prepare(engine: EngineConfig, root: Path = ROOT, sys_block: Path = SYS_BLOCK) -> list[Path]:
    """Make the engine's cgroup in each hierarchy and return the cgroup.procs files dockerd joins; [] when
    there is none to be had (cgroup v2, no permission): the engine then runs where it is started."""
    found = hierarchies(root)
    if found is None:
        return []
    dirs = [found[c] / group_name(engine) for c in CONTROLLERS]
    try:
        for directory in dirs:
            directory.mkdir(exist_ok=True)
    except OSError:
        return []
    disk = disk_of(Path(engine.state_dir), sys_block)
    if disk is not None:
        for rule in THROTTLE_RULES:
            with contextlib.suppress(OSError):  # no counts then; the meter says io is unknown
                (found["blkio"] / group_name(engine) / rule).write_text(f"{disk} {COUNTING_BPS}\n")
    return [d / "cgroup.procs" for d in dirs]


def disk_of(path: Path, sys_block: Path = SYS_BLOCK) -> str | None:
    """`MAJ:MIN` of the whole disk holding `path` (throttle rules name disks, not partitions)."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    device = os.stat(probe).st_dev
    entry = sys_block / f"{os.major(device)}:{os.minor(device)}"
    if not entry.exists():
        return None  # not a block device (tmpfs, overlay of a container)
    if (entry / "partition").exists():
        return (entry.resolve().parent / "dev").read_text().strip()
    return f"{os.major(device)}:{os.minor(device)}"


def joiner(procs: list[Path]) -> Callable[[], None] | None:
    """What dockerd's child runs before exec: join the engine's cgroup, so that containerd and everything
    it starts are born there. A failure leaves it where it was (measured per process then)."""
    if not procs:
        return None

    def join() -> None:
        pid = str(os.getpid()).encode()
        for procs_file in procs:
            try:
                fd = os.open(procs_file, os.O_WRONLY)
                try:
                    os.write(fd, pid)
                finally:
                    os.close(fd)
            except OSError:
                return

    return join


def of_process(
    engine: EngineConfig, pid: int, root: Path = ROOT, proc: Path = PROC
) -> Mapping[str, Path] | None:
    """controller -> directory of the engine's cgroup when process `pid` (its dockerd) runs in it in every
    hierarchy; None otherwise (started before bench made cgroups, or elsewhere)."""
    try:
        lines = (proc / str(pid) / "cgroup").read_text().splitlines()
    except OSError:
        return None
    wanted = f"/{group_name(engine)}"
    dirs: dict[str, Path] = {}
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for controller in set(controllers.split(",")) & set(CONTROLLERS):
            if path == wanted:
                dirs[controller] = root / controller / group_name(engine)
    complete = len(dirs) == len(CONTROLLERS) and all(d.is_dir() for d in dirs.values())
    return dirs if complete else None


def remove(engine: EngineConfig, root: Path = ROOT) -> list[Path]:
    """Remove the engine's (empty) cgroups in every hierarchy, deepest first, once its dockerd has
    stopped; the kernel refuses a group that still has processes, which then stays. Returns those removed."""
    removed = []
    for top in sorted(root.glob(f"*/{group_name(engine)}")):
        for directory in sorted((d for d in top.rglob("*") if d.is_dir()), key=lambda d: -len(d.parts)):
            with contextlib.suppress(OSError):
                directory.rmdir()
        with contextlib.suppress(OSError):
            top.rmdir()
            removed.append(top)
    return removed
