"""What does reaching an engine over SSH cost? Cold builds on one daemon, through two docker contexts.

The `ssh-local` engine's daemon is built on through its SSH context (`ssh://root@bench-ssh-local`: the
docker CLI tunnels the API and the build context through `ssh ... docker system dial-stdio`) and through a
context on its unix socket, interleaved in a shuffled order per round, each after a cold reset (outside the
timed span). Prints both medians and the SSH/socket ratio of medians with a bootstrap interval.

    .venv/bin/bench engine up engine=ssh-local
    .venv/bin/python tests/benchmarks/ssh_transport.py [ROUNDS] [builder=buildkit|legacy] [scenario=tiny]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the scripted run's metadata

from fakes import run_meta
from python_on_whales import DockerClient

from bench.analysis.stats import ratio_of_medians_ci
from bench.builders import make_builder
from bench.composition import compose
from bench.engine import reset
from bench.engine.own_images import RunImages
from bench.machine.lock import engine_lock
from bench.plan import Cell, Measurement
from bench.run.context import BuildTools, RunContext
from bench.run.runner import Runner
from bench.scenario.definition import load_scenario
from bench.store.results import RunWriter
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

SOCKET_CONTEXT = "bench-ssh-local-socket"


def _socket_context(socket: str) -> str:
    """A context of bench's own on the daemon's unix socket (created once)."""
    docker = DockerClient()
    if SOCKET_CONTEXT not in {c.name for c in docker.context.list()}:
        docker.context.create(
            SOCKET_CONTEXT, docker={"host": f"unix://{socket}"}, description="bench: ssh-local via its socket"
        )
    return SOCKET_CONTEXT


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    args = dict(a.split("=", 1) for a in sys.argv[2:])
    builder = BuilderName(args.get("builder", "buildkit"))
    overrides = ["engine=ssh-local", f"scenario={args.get('scenario', 'tiny')}", "cache=none"]
    config = compose(overrides)
    scenario = load_scenario(config.scenario)
    contexts = {"ssh": config.engine.context, "socket": _socket_context(config.engine.socket)}
    workdir = Path(tempfile.mkdtemp(prefix="bench-transport-"))
    runners = {}
    for name, context in contexts.items():
        docker = DockerClient(context=context)
        context = RunContext(
            run_id=f"transport-{name}",
            scenario=scenario,
            engine=config.engine,
            tools=BuildTools(
                builders={builder.value: make_builder(builder.value, docker)},
                reset=lambda docker=docker, name=name: reset.make_cold(
                    docker, config.engine, RunImages(config.tag_prefix, f"transport-{name}")
                ),
                environment={},
            ),
            tag_prefix=config.tag_prefix,
            network=config.network,
            workroot=workdir,
        )
        runners[name] = Runner(context, RunWriter(workdir / name, run_meta(f"transport-{name}")))
    times: dict[str, list[float]] = {name: [] for name in contexts}
    rng = random.Random(0)
    cell = Cell(scenario.name, builder, CacheSource.none, ChangeKind.none)
    with engine_lock(config.engine, "tests/benchmarks/ssh_transport.py"):
        for round_ in range(rounds + 1):  # round 0 is a warmup of each
            order = list(contexts)
            rng.shuffle(order)
            for name in order:
                row, _ = runners[name].measure(Measurement(round_, round_, round_, round_ == 0, cell))
                if row.outcome != "ok":
                    raise SystemExit(f"{name}: build {row.outcome}: {row.error_tail}")
                if round_:
                    times[name].append(row.wall_s)
                print(f"round {round_}/{rounds} {name:<6} {row['wall_s']:6.2f} s", flush=True)
    ratio = ratio_of_medians_ci(times["ssh"], times["socket"])
    print(
        f"\n{scenario.name}, {builder.value}, cold, {rounds} rounds, daemon of engine {config.engine.name!r}"
    )
    for name in contexts:
        print(f"{name:<6} ({contexts[name]}): median {statistics.median(times[name]):.2f} s  {times[name]}")
    print(f"ssh/socket ratio of medians {ratio.estimate:.2f} [95% CI {ratio.low:.2f}, {ratio.high:.2f}]")


if __name__ == "__main__":
    main()
