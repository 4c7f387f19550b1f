"""Does a debug container inspect its target without changing it? (claim C13, `bench debug --verify`)

The toolbox (bench/debug/toolbox.py) lists processes (`ps`) and listening sockets (`netstat -ltn`) from
inside the target's namespaces. The ground truth comes from elsewhere: the target's processes from the
engine (`docker top`), its listening TCP ports from the host's /proc/<pid>/net/tcp{,6} of the target's
main process (a local engine only). "Unchanged" compares, before and after, the target's filesystem
changes (`docker diff`), its main process id, start time, restart count and state.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.debug.toolbox import debug_container

if TYPE_CHECKING:
    from python_on_whales import DockerClient

DEBUG_FILE = "debug.json"
_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp


def listening_ports(proc_net_tcp: str) -> set[int]:
    """Local ports in LISTEN state from the text of /proc/<pid>/net/tcp or tcp6."""
    ports = set()
    for line in proc_net_tcp.splitlines()[1:]:
        fields = line.split()
        if len(fields) > 3 and fields[3] == _LISTEN:
            ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def netstat_ports(output: str) -> set[int]:
    """Listening ports from `netstat -ltn` output (busybox)."""
    ports = set()
    for line in output.splitlines():
        fields = line.split()
        if fields and fields[0].startswith("tcp") and fields[-1] == "LISTEN":
            ports.add(int(fields[3].rsplit(":", 1)[1]))
    return ports


def _host_ports(pid: int) -> set[int] | None:
    found: set[int] = set()
    for name in ("tcp", "tcp6"):
        path = Path(f"/proc/{pid}/net/{name}")
        try:
            found |= listening_ports(path.read_text())
        except OSError:
            return None  # a remote engine: its processes are not on this host
    return found


def _state(docker: DockerClient, target: str) -> dict[str, Any]:
    container = docker.container.inspect(target)
    state = container.state
    return {
        "pid": state.pid,
        "started_at": str(state.started_at),
        "restart_count": container.restart_count,
        "status": state.status,
        "diff": dict(sorted(docker.container.diff(target).items())),
    }


def verify(docker: DockerClient, target: str, image: str) -> dict[str, Any]:
    """Run the toolbox's `ps` and `netstat` against `target` and check what it saw and what it changed."""
    before = _state(docker, target)
    truth_processes = [" ".join(row) for row in _top(docker, target)]
    truth_ports = _host_ports(before["pid"])
    seen = debug_container(
        docker, target, ["sh", "-c", "ps -o pid,args; echo ---; netstat -ltn"], image, False
    )
    after = _state(docker, target)
    processes, _, sockets = (seen or "").partition("---")
    seen_ports = netstat_ports(sockets)
    main_command = truth_processes[0].split(None, 1)[-1] if truth_processes else ""
    return {
        "target": target,
        "toolbox_image": image,
        "target_processes": truth_processes,
        "toolbox_ps": processes.strip().splitlines(),
        "sees_target_processes": bool(main_command) and main_command in processes,
        "target_listening_ports": None if truth_ports is None else sorted(truth_ports),
        "toolbox_listening_ports": sorted(seen_ports),
        "sees_target_sockets": None
        if truth_ports is None
        else truth_ports <= seen_ports and bool(truth_ports),
        "before": before,
        "after": after,
        "target_unchanged": before == after,
    }


def _top(docker: DockerClient, target: str) -> list[list[str]]:
    """`docker top` rows: the command column (last) of each of the target's processes."""
    from python_on_whales.utils import run

    cmd = docker.client_config.docker_cmd
    cmd.extend(["container", "top", target, "-o", "pid,args"])
    lines = run(cmd).splitlines()[1:]
    return [line.split(None, 1) for line in lines if line.strip()]


def write(result: dict[str, Any], out: Path) -> Path:
    """Write the check where a report finds it: `debug.json` in a run directory, or the file named."""
    path = out / DEBUG_FILE if out.is_dir() else out
    path.write_text(json.dumps(result, indent=1, sort_keys=True, default=str) + "\n")
    return path
