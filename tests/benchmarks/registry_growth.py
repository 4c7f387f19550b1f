"""Does the registry stay bounded over repeated runs? Runs N small runs that push a registry cache and
prints the registry's size after each (issue 15's target: within 10% of its size after the first), with
the line each run's end printed about what it deleted and freed (bench/services/registry_gc.py).

    .venv/bin/python tests/benchmarks/registry_growth.py [N] [--keep-blobs] [HYDRA OVERRIDES...]

--keep-blobs runs the same with the run's end deleting its manifests but not collecting blobs: what the
registry would grow by without the blob GC at a run's end. Run directories go to a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.composition import compose
from bench.machine.disk import human, tree_bytes

ROOT = Path(__file__).resolve().parents[2]
RUN = ["scenario=tiny", "cache=registry-max", "builder=buildkit", "repetitions=1", "warmup=0"]
# the run in a child process; with --keep-blobs its blob GC is replaced by "not collected"
CHILD = (
    "import sys\n"
    "from bench.services import registry_gc\n"
    "if sys.argv[1] == 'keep': registry_gc.collect_blobs = lambda engine, prefix: False\n"
    "from bench.cli import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


def main(args: list[str]) -> int:
    count = int(args.pop(0)) if args and args[0].isdigit() else 5
    keep = "--keep-blobs" in args
    overrides = [a for a in args if a != "--keep-blobs"]
    engine = compose(overrides).engine
    print(f"registry {engine.registry_dir} before: {human(tree_bytes(engine.registry_dir))}")
    sizes = []
    with tempfile.TemporaryDirectory(prefix="bench-growth-") as out:
        for i in range(count):
            argv = [sys.executable, "-c", CHILD, "keep" if keep else "collect", "run", *RUN, *overrides]
            argv.append(f"hydra.run.dir={out}/run-{i}")
            t0 = time.monotonic()
            done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
            took = time.monotonic() - t0
            sizes.append(tree_bytes(engine.registry_dir))
            said = [line for line in done.stdout.splitlines() if line.startswith("registry:")]
            print(
                f"run {i + 1}: exit {done.returncode}, {took:.0f} s, registry {human(sizes[-1])}"
                f" ({sizes[-1]} B); {said[-1] if said else 'no registry line'}"
            )
            if done.returncode != 0:
                print((done.stderr or done.stdout).strip().splitlines()[-5:])
    growth = (sizes[-1] - sizes[0]) / sizes[0] * 100 if sizes and sizes[0] else 0.0
    print(f"after run {count} vs after run 1: {growth:+.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
