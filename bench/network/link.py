"""The link between the engine and its registry (and package index): loopback, or shaped like a LAN, a
cloud region or a WAN, so that pulling a cache is measured at the speed a CI runner would see.

How: an HTB qdisc on `lo` with one class per direction at the profile's rate, and u32 filters that send
only packets from or to the registry's and the index's ports into them; every other loopback packet goes
through unshaped. Delay needs `sch_netem`; a kernel without it (this kind of machine's) gets the rate
only, the rows say so (`link_delay_ms` is what was applied) and one line says why.

Only traffic to this machine is touched. The shaping is removed on exit, on Ctrl-C and on SIGTERM; a
shaping left by a killed run (its owner's pid is gone) is found and removed at the next start. Needs
CAP_NET_ADMIN (root): without it the run stops before measuring, with one line.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.errors import EngineError
from bench.machine import process_identity

DEVICE = "lo"
HANDLE = "b3e"  # the root qdisc's major number (hex): how bench recognises its own shaping
DOWN, UP = f"{HANDLE}:10", f"{HANDLE}:20"  # server -> client (pulls), client -> server (pushes)


@dataclass(frozen=True)
class LinkProfile:
    """A link: `rate_mbit` None means unshaped loopback."""

    name: str
    rate_mbit: float | None = None
    delay_ms: float = 0.0


@dataclass(frozen=True)
class AppliedLink:
    """What was really applied (delay 0 when the kernel cannot emulate it) and why not all of it."""

    profile: LinkProfile
    delay_ms: float
    note: str = ""


def _tc(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(["tc", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise EngineError(
            "`tc` is missing: shaped links need iproute2", fix="apt-get install iproute2"
        ) from None
    if check and result.returncode != 0:
        error = (result.stderr.strip().splitlines() or ["tc failed"])[0]
        if "Operation not permitted" in error:
            raise EngineError(
                f"shaping the link needs CAP_NET_ADMIN ({error})", fix="run as root, or use link=loopback"
            )
        raise EngineError(f"tc {' '.join(args)}: {error}", fix="use link=loopback")
    return result


def root_qdisc(device: str = DEVICE) -> str:
    """The first line of `tc qdisc show dev DEVICE`, e.g. `qdisc noqueue 0: root refcnt 2`."""
    lines = _tc("qdisc", "show", "dev", device).stdout.splitlines()
    return next((line for line in lines if " root " in f"{line} "), "")


def is_ours(qdisc_line: str) -> bool:
    return qdisc_line.split()[1:3] == ["htb", f"{HANDLE}:"] if qdisc_line else False


def shaping_commands(profile: LinkProfile, ports: Sequence[int], device: str = DEVICE) -> list[list[str]]:
    """The tc commands that shape traffic from/to `ports` on `device` to the profile's rate."""
    assert profile.rate_mbit is not None
    rate = f"{profile.rate_mbit:g}mbit"
    # burst: what the rate moves in ~5 ms (at least 64 kB: loopback packets are up to 64 kB with GSO)
    burst = f"{max(64_000, int(profile.rate_mbit * 1e6 / 8 * 0.005))}b"
    commands = [["qdisc", "add", "dev", device, "root", "handle", f"{HANDLE}:", "htb"]]
    for classid in (DOWN, UP):
        commands.append(
            ["class", "add", "dev", device, "parent", f"{HANDLE}:", "classid", classid, "htb",
             "rate", rate, "ceil", rate, "burst", burst, "cburst", burst]
        )  # fmt: skip
    for port in ports:
        for field, classid in (("sport", DOWN), ("dport", UP)):
            commands.append(
                ["filter", "add", "dev", device, "parent", f"{HANDLE}:", "protocol", "ip", "prio", "1",
                 "u32", "match", "ip", field, str(port), "0xffff", "flowid", classid]
            )  # fmt: skip
    return commands


def _owner_file(run_dir: str | Path) -> Path:
    return Path(run_dir) / "link.json"


def owner_record() -> dict:
    """What link.json says of the run that shapes the link: its pid and identity (name, start time)."""
    identity = process_identity.identify(os.getpid())
    return {"pid": os.getpid(), "process": asdict(identity) if identity else None}


def owner_running(owner: dict) -> bool:
    """Whether the run link.json names still runs: the same process, not a later one with its pid."""
    pid = owner.get("pid")
    if not isinstance(pid, int) or pid == os.getpid():
        return False
    current = process_identity.identify(pid)
    if current is None:
        return False
    try:
        recorded = process_identity.ProcessIdentity(**owner["process"])
    except (KeyError, TypeError):
        return True  # written by an older bench: that pid is alive, assume the run is
    return recorded.same_process(current)


def clear_leftover(run_dir: str | Path, say: Callable[[str], object] = print) -> bool:
    """Remove bench's shaping when the run that applied it is gone; refuse when it is not bench's."""
    line = root_qdisc()
    if not line or line.split()[1] == "noqueue":
        return False
    if not is_ours(line):
        raise EngineError(
            f"{DEVICE} already has a root qdisc bench did not create ({line.strip()})",
            fix="remove it yourself, or use link=loopback",
        )
    owner = _owner_file(run_dir)
    info = json.loads(owner.read_text()) if owner.is_file() else {}
    if owner_running(info):
        raise EngineError(
            f"another bench run (pid {info['pid']}) is shaping {DEVICE}", fix="wait for it to finish"
        )
    _tc("qdisc", "del", "dev", DEVICE, "root", check=False)
    owner.unlink(missing_ok=True)
    say(f"removed the link shaping a killed bench run left on {DEVICE}")
    return True


def remove(run_dir: str | Path) -> None:
    if is_ours(root_qdisc()):
        _tc("qdisc", "del", "dev", DEVICE, "root", check=False)
    _owner_file(run_dir).unlink(missing_ok=True)


@contextlib.contextmanager
def shaped(
    profile: LinkProfile, ports: Sequence[int], run_dir: str | Path, say: Callable[[str], object] = print
) -> Iterator[AppliedLink]:
    """Shape the link for the duration of the block; loopback profiles change nothing."""
    if profile.rate_mbit is None:
        yield AppliedLink(profile, 0.0)
        return
    clear_leftover(run_dir, say)
    Path(run_dir).mkdir(parents=True, exist_ok=True)
    _owner_file(run_dir).write_text(json.dumps({**owner_record(), "profile": profile.name}))
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum, frame):  # SIGTERM unwinds like Ctrl-C, so the finally below runs
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        for command in shaping_commands(profile, ports):
            _tc(*command)
        applied = AppliedLink(profile, 0.0)
        if profile.delay_ms:
            for classid, handle in ((DOWN, f"{int(HANDLE, 16) + 1:x}:"), (UP, f"{int(HANDLE, 16) + 2:x}:")):
                delay = f"{profile.delay_ms / 2:g}ms"  # half each way: the profile's delay is a round trip
                result = _tc("qdisc", "add", "dev", DEVICE, "parent", classid, "handle", handle,
                             "netem", "delay", delay, check=False)  # fmt: skip
                if result.returncode != 0:
                    applied = AppliedLink(
                        profile,
                        0.0,
                        f"link {profile.name}: rate {profile.rate_mbit:g} Mbit/s applied, delay "
                        f"{profile.delay_ms:g} ms NOT emulated (this kernel has no sch_netem)",
                    )
                    say(applied.note)
                    break
            else:
                applied = AppliedLink(profile, profile.delay_ms)
        yield applied
    finally:
        remove(run_dir)
        signal.signal(signal.SIGTERM, previous)
