"""Registry cache import against a full rebuild: prints import/cold ratios with 95% intervals per source,
and the crossover bandwidth below which rebuilding wins (bench.analysis.pull_vs_rebuild), from a real run.

Runs `experiment=pull-vs-rebuild` (cold, inline, registry-max after a source change, BuildKit and legacy)
on the given scenario, or reads a run directory that has such cells:

    .venv/bin/python tests/benchmarks/cache_sources.py [HYDRA OVERRIDES...]   # default scenario=multistage
    .venv/bin/python tests/benchmarks/cache_sources.py --run results/RUN_DIR
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from omegaconf import OmegaConf
from rich.console import Console

from bench.analysis.pull_vs_rebuild import EXPLANATION, HEADERS, pull_vs_rebuild, table_rows
from bench.composition import composed
from bench.run.experiment import run_experiment
from bench.store.results import load


def measure(overrides: list[str]) -> Path:
    defaults = ["experiment=pull-vs-rebuild", "scenario=multistage", "repetitions=5", "warmup=1"]
    cfg = composed([*defaults, *overrides])
    run_dir = Path(tempfile.mkdtemp(prefix="bench-cache-sources-"))
    run_experiment(OmegaConf.to_object(cfg), OmegaConf.to_yaml(cfg), run_dir, Console(width=160))
    return run_dir


def main(args: list[str]) -> int:
    run_dir = Path(args[1]) if args[:1] == ["--run"] else measure(args)
    found = pull_vs_rebuild(load(run_dir).builds)
    if not found:
        print(f"{run_dir}: no registry-import cells next to cold ones; nothing to compare")
        return 1
    widths = [max(len(h), *(len(r[i]) for r in table_rows(found))) for i, h in enumerate(HEADERS)]
    print(f"run: {run_dir}")
    print("  ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True)))
    for row in table_rows(found):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(EXPLANATION)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
