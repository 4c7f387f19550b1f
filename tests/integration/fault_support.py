"""What the fault-injection tests share: runs of `bench` on the faults engine, bounded polling for the moment
to strike, and the faults' own tools (a registry log, a kill, a scenario with a big layer). What a fault
leaves behind is tests/integration/fault_leftovers.py.

Every run goes to the engine of conf/engine/faults.yaml (its own daemon, registry and ports), never to the
one BENCH_TEST_OVERRIDES names: killing its daemon must disturb no one. Each run gets its own TMPDIR, so
temporary files it leaves are its own, not those of others' runs on the machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil
from omegaconf import OmegaConf

from bench.composition import compose, composed
from bench.config import EngineConfig
from bench.engine import daemon

BENCH = str(Path(sys.executable).with_name("bench"))
FAULTS = "engine=faults"
#: the run the tests measure: a few seconds per build (tests/fixtures/scenarios/tiny), BuildKit, cold
TINY = ("scenario=tiny", "builder=buildkit", "warmup=0")
POLL_S = 0.02


def faults_engine_config() -> EngineConfig:
    return compose([FAULTS]).engine


def wait_for(predicate: Callable[[], object], timeout_s: float, what: str, poll_s: float = POLL_S) -> object:
    """Poll until `predicate()` is truthy (returned); fail the test naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def _sigint_as_in_a_terminal() -> None:
    """A run started from a background job inherits SIGINT ignored; a terminal's Ctrl-C is not."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class BenchProcess:
    """One `bench` command started in its own session (its process group is the one Ctrl-C signals)."""

    process: subprocess.Popen
    out: Path
    err: Path
    tmpdir: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def finish(self, timeout_s: float = 300) -> Finished:
        code = self.process.wait(timeout=timeout_s)
        return Finished(code, self.out.read_text(errors="replace"), self.err.read_text(errors="replace"))

    def children(self, needle: str) -> list[psutil.Process]:
        """Its live descendants whose command line holds `needle`."""
        try:
            found = psutil.Process(self.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        hits = []
        for child in found:
            try:
                if needle in " ".join(child.cmdline()):
                    hits.append(child)
            except psutil.Error:
                continue
        return hits

    def wait_for(self, predicate: Callable[[], object], timeout_s: float, what: str) -> object:
        """`wait_for` that fails at once, with the command's output, when the command has exited."""

        def ready() -> object:
            value = predicate()
            if not value and self.process.poll() is not None:
                raise AssertionError(f"bench exited before {what}: {self.finish(0).said()}")
            return value

        return wait_for(ready, timeout_s, what)

    def interrupt(self) -> None:
        """What a terminal's Ctrl-C does: SIGINT to the whole foreground process group."""
        os.killpg(self.pid, signal.SIGINT)


@dataclass(frozen=True)
class Finished:
    code: int
    stdout: str
    stderr: str

    def said(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}"


def start_bench(work: Path, *args: str, sigint: bool = False) -> BenchProcess:
    """`bench ARGS...` in its own session with its own TMPDIR under `work`; output kept in files."""
    work.mkdir(parents=True, exist_ok=True)
    tmpdir = work / "tmp"
    tmpdir.mkdir(exist_ok=True)
    n = len(list(work.glob("*.out")))
    out, err = work / f"{n}.out", work / f"{n}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [BENCH, *args],
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "TMPDIR": str(tmpdir), "COLUMNS": "400"},  # no line wrapped by rich
            start_new_session=True,
            preexec_fn=_sigint_as_in_a_terminal if sigint else None,
        )
    return BenchProcess(process, out, err, tmpdir)


def run_bench(work: Path, *args: str, timeout_s: float = 300) -> Finished:
    return start_bench(work, *args).finish(timeout_s)


def start_run(work: Path, *overrides: str, sigint: bool = False) -> tuple[BenchProcess, Path]:
    """`bench run engine=faults OVERRIDES` into work/run; (the process, its run directory)."""
    run_dir = work / "run"
    return start_bench(work, "run", FAULTS, *overrides, f"hydra.run.dir={run_dir}", sigint=sigint), run_dir


def rows_on_disk(run_dir: Path) -> int:
    builds = run_dir / "builds.jsonl"
    return builds.read_bytes().count(b"\n") if builds.exists() else 0


def rows(run_dir: Path) -> list[dict]:
    builds = run_dir / "builds.jsonl"
    return [json.loads(line) for line in builds.read_text().splitlines()] if builds.exists() else []


def one_clear_line(stderr: str, *words: str) -> str:
    """The line of stderr that says what happened (it names every word); asserts there is no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("bench: ")]
    hits = [line for line in lines if all(word in line for word in words)]
    assert len(hits) == 1, f"one `bench:` line naming {words} expected on stderr, got:\n{stderr}"
    return hits[0]


def next_run_works(work: Path) -> None:
    """One cold BuildKit build on the faults engine, measured and ok: the engine is usable again."""
    bench, run_dir = start_run(work, *TINY, "cache=none", "repetitions=1")
    done = bench.finish(300)
    assert done.code == 0, done.said()
    assert [row["outcome"] for row in rows(run_dir)] == ["ok"]


def seed_where(fits: Callable[[list[str]], bool], *overrides: str) -> int:
    """A seed whose planned order (cell ids) fits, e.g. a cache cell that is not measured first."""
    from bench.run.input_checks import checked_input

    base = composed([FAULTS, *overrides])
    for seed in range(100):
        base.seed = seed
        _, plan = checked_input(OmegaConf.to_object(base))
        if fits([m.cell.id for m in plan]):
            return seed
    raise AssertionError(f"no seed below 100 plans an order that fits ({overrides})")


class RegistryLog:
    """The faults registry's access log from a mark on: the requests it answered since."""

    def __init__(self, engine: EngineConfig) -> None:
        self.path = Path(engine.run_dir) / "registry.log"
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def lines(self) -> list[str]:
        with self.path.open("rb") as log:
            log.seek(self.offset)
            return log.read().decode(errors="replace").splitlines()

    def saw(self, method: str, *parts: str) -> bool:
        return any(f'"{method} ' in line and all(p in line for p in parts) for line in self.lines())


def kill(process: psutil.Process | None, what: str) -> None:
    """SIGKILL, as the OOM killer or a crash would: no chance to clean up."""
    assert process is not None, f"{what} is not running"
    process.kill()
    process.wait(timeout=30)


def big_layer_scenario(parent: Path) -> Path:
    """tiny's shape with a 32 MB layer of random bytes first: pushing or pulling its cache takes long
    enough to be caught in the middle. A source change (src/a.sh) rebuilds only what follows it."""
    directory = parent / "big-layer"
    (directory / "src").mkdir(parents=True)
    (directory / "Dockerfile").write_text(
        "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n"
        "RUN busybox dd if=/dev/urandom of=/blob bs=1048576 count=32\n"
        "COPY src/a.sh /src/a.sh\nRUN sh /src/a.sh > /out.txt\n"
    )
    (directory / "src" / "a.sh").write_text("echo a\n")
    (directory / "bench.yaml").write_text("source_change: src/a.sh\n")
    return directory


def step_running(engine: EngineConfig) -> bool:
    """A RUN step's process (tiny's `busybox sleep 2`) is in the daemon's tree: a build is under way."""
    dockerd = daemon.process(engine)
    if dockerd is None:
        return False
    try:
        return any("sleep" in " ".join(p.cmdline()) for p in dockerd.children(recursive=True))
    except psutil.Error:
        return False
