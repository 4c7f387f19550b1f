"""What a run killed with SIGKILL leaves (bench/safe/scratch.py, bench/secrets/leftovers.py): its build
contexts in /tmp/bench-run-*, its secret directory in /dev/shm/bench-secret-* (a token, an SSH key) and the
secrets scenario's servers. The next run's start sweeps the directories whose run is gone, and only those: a
symlink, another user's directory, a living run's and an older bench's are left; `bench engine purge`
stops the servers. Issue 21, item 2.

The killed run is real: a child process that makes the token directory and the servers as the secrets
scenarios do, then runs a scripted `bench run` (tests/fakes.py) whose build blocks, and gets SIGKILL.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from fakes import ScriptedBuilder, ScriptedEngine
from rich.console import Console

from bench.config import BenchConfig, CacheConfig, EngineConfig, ScenarioConfig
from bench.run.experiment import run_experiment
from bench.services import service, sshd
from bench.vocabulary import CacheSource

pytestmark = pytest.mark.security
TESTS = Path(__file__).parents[1]
TINY = TESTS / "fixtures" / "scenarios" / "tiny"
SERVER_NAMES = ("token-server", "git-sshd", "git-daemon", "ssh-agent")

KILLED_RUN = f"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, {str(TESTS)!r})
from fakes import ScriptedBuilder, ScriptedEngine
from rich.console import Console
from bench.run.experiment import run_experiment
from bench.config import BenchConfig, CacheConfig, EngineConfig, ScenarioConfig
from bench.vocabulary import CacheSource
from bench.secrets import git_repo, git_server, server, ssh_agent
from bench.secrets.ssh_keys import RunKeys
from bench.secrets.token import RunToken

engine_run_dir, run_dir, with_sshd = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
token, keys = RunToken(), RunKeys()
server.start(server.free_address(), token.path, engine_run_dir)
ssh_agent.start(keys.directory, engine_run_dir)
git_server.start_git_daemon(git_repo.make_repository(keys.directory).path, engine_run_dir)
if with_sshd:
    git_server.start_sshd(keys, engine_run_dir)
print(json.dumps({{"secret": [str(token.directory), str(keys.directory)]}}), flush=True)

def wall(request, call):
    print(json.dumps({{"context": request.context_dir}}), flush=True)
    time.sleep(3600)

config = BenchConfig(
    scenario=ScenarioConfig(path={str(TINY)!r}),
    cache=CacheConfig(sources=[CacheSource.none]),
    engine=EngineConfig(run_dir=engine_run_dir),
    repetitions=1,
    warmup=0,
)
builders = {{"legacy": ScriptedBuilder("legacy", wall), "buildkit": ScriptedBuilder("buildkit", wall)}}
run_experiment(config, "seed: 0\\n", Path(run_dir), Console(quiet=True), ScriptedEngine(builders))
"""


@dataclass
class KilledRun:
    pid: int
    secret_dirs: list[Path]
    workroot: Path  # the run's /tmp/bench-run-* (its build context's grandparent)
    engine: EngineConfig
    servers: dict[str, int]  # pid file name -> pid, as the killed run left them


def _server_pids(run_dir: Path) -> dict[str, int]:
    return {
        name: int((run_dir / f"{name}.pid").read_text())
        for name in SERVER_NAMES
        if (run_dir / f"{name}.pid").exists()
    }


@pytest.fixture
def killed_run(tmp_path: Path) -> Iterator[KilledRun]:
    engine = EngineConfig(name="killed", run_dir=str(tmp_path / "engine-run"), provisions_services=False)
    with_sshd = Path(sshd.SSHD).exists()
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, engine.run_dir, str(tmp_path / "run"), "1" if with_sshd else "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    said: dict = {}
    try:
        for line in child.stdout:
            said.update(json.loads(line))
            if "context" in said:
                break
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert "context" in said, f"the run never built: {said}"
        workroot = Path(said["context"]).parents[1]
        killed = KilledRun(
            child.pid, [Path(p) for p in said["secret"]], workroot, engine, _server_pids(Path(engine.run_dir))
        )
        assert len(killed.servers) == 3 + with_sshd, killed.servers
        yield killed
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for name in SERVER_NAMES:
            service.stop(name, engine.run_dir)
        for path in [*(Path(p) for p in said.get("secret", [])), *([workroot] if "context" in said else [])]:
            shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def decoys(tmp_path: Path, killed_run: KilledRun) -> Iterator[dict[str, Path]]:
    """Names the sweep matches, with the killed run's (gone) pid, that it must leave: a symlink to a
    directory of the test's, a directory of another user, a living process's, an older bench's."""
    dead, temporary = killed_run.pid, Path(tempfile.gettempdir())
    target = tmp_path / "target"
    target.mkdir()
    (target / "precious").write_text("never deleted\n")
    alive = subprocess.Popen(["sleep", "300"])
    made = {
        "symlink": temporary / f"bench-run-{dead}-link",
        "theirs": temporary / f"bench-run-{dead}-theirs",
        "alive": temporary / f"bench-run-{alive.pid}-alive",
        "older": temporary / "bench-run-olderformat",
    }
    made["symlink"].symlink_to(target)
    for name in ("theirs", "alive", "older"):
        made[name].mkdir()
        (made[name] / "file").write_text("kept\n")
    os.chown(made["theirs"], 65534, 65534)
    try:
        yield {**made, "target": target}
    finally:
        alive.kill()
        alive.wait()
        made["symlink"].unlink(missing_ok=True)
        for name in ("theirs", "alive", "older"):
            shutil.rmtree(made[name], ignore_errors=True)


def _next_run(tmp_path: Path) -> int:
    config = BenchConfig(
        scenario=ScenarioConfig(path=str(TINY)),
        cache=CacheConfig(sources=[CacheSource.none]),
        engine=EngineConfig(run_dir=str(tmp_path / "next-engine")),
        repetitions=1,
        warmup=0,
    )
    engine = ScriptedEngine(
        {"legacy": ScriptedBuilder("legacy", [1.0]), "buildkit": ScriptedBuilder("buildkit", [1.0])}
    )
    return run_experiment(config, "seed: 0\n", tmp_path / "next", Console(quiet=True), engine)


def test_the_next_run_sweeps_what_a_sigkilled_run_left_and_nothing_else(
    tmp_path: Path, killed_run: KilledRun, decoys: dict[str, Path]
) -> None:
    assert killed_run.workroot.is_dir() and killed_run.workroot.name.startswith("bench-run-")
    assert all(d.is_dir() and d.name.startswith("bench-secret-") for d in killed_run.secret_dirs)
    assert (killed_run.secret_dirs[1] / "id_ed25519").is_file()  # a private key, left on a tmpfs
    assert _next_run(tmp_path) == 0
    assert not killed_run.workroot.exists()
    assert not any(d.exists() for d in killed_run.secret_dirs)
    assert os.readlink(decoys["symlink"]) == str(decoys["target"])  # neither removed nor followed
    assert (decoys["target"] / "precious").read_text() == "never deleted\n"
    for name in ("theirs", "alive", "older"):
        assert (decoys[name] / "file").read_text() == "kept\n", name


PURGE = """
import json, sys
from bench.config import EngineConfig
from bench.engine import daemon
from bench.host import binfmt, host_packages
from bench.stack import purge
for name, value in list(vars(purge).items()):
    if name.startswith("_") and name != "_stop" and callable(value) and not isinstance(value, type):
        setattr(purge, name, lambda *args, **kwargs: [])  # nothing else is stopped, removed or deleted
daemon.stop = lambda engine: False  # the test's engine has no dockerd: nothing of the machine's is touched
binfmt.unregister = lambda entries: []
host_packages.remove = lambda packages, say: []
engine = EngineConfig(name="killed", run_dir=sys.argv[1], provisions_services=False)
report = purge.purge([engine], say=lambda _t: None)
print(json.dumps({"removed": report.removed, "left": report.left}))
"""


def test_purge_stops_the_servers_of_a_killed_secrets_run(tmp_path: Path, killed_run: KilledRun) -> None:
    """Today purge stopped the engines' daemons only: the token server, ssh-agent, git daemon and git
    sshd of a killed run kept running (the agent holding the run's key)."""
    processes = {name: psutil.Process(pid) for name, pid in killed_run.servers.items()}
    assert all(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in processes.values())
    done = subprocess.run(
        [sys.executable, "-c", PURGE, killed_run.engine.run_dir],
        env={**os.environ, "BENCH_STATE_ROOT": str(tmp_path / "state")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    for name, process in processes.items():
        assert not process.is_running() or process.status() == psutil.STATUS_ZOMBIE, name
    stopped = [line for line in report["removed"] if line.startswith("stopped the secrets scenario's")]
    assert len(stopped) == len(processes), report
    assert not any(d.exists() for d in killed_run.secret_dirs)
    assert report["left"] == []
