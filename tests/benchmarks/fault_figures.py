"""The fault-injection suite's figures: runs `pytest -m faults -q` (tests/integration/test_faults_*.py, on
the faults engine of conf/engine/faults.yaml) and prints how many faults were injected, how many rows
measured before a fault were lost, and how many things were left behind (processes, mounts, temporary
files, containers), from what the tests recorded (tests/integration/fault_leftovers.py: `record`).

    .venv/bin/python tests/benchmarks/fault_figures.py [PYTEST ARGS...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES_ENV = "BENCH_FAULT_FIGURES"  # tests/integration/fault_leftovers.py appends to DIR/faults.jsonl


def main(args: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="fault-figures-") as directory:
        t0 = time.monotonic()
        suite = subprocess.run(
            [sys.executable, "-m", "pytest", "-m", "faults", "-q", *args],
            cwd=ROOT,
            env={**os.environ, FIGURES_ENV: directory},
        )
        seconds = time.monotonic() - t0
        figures = Path(directory) / "faults.jsonl"
        entries = [json.loads(line) for line in figures.read_text().splitlines()] if figures.exists() else []
    faults = [e for e in entries if e["injected"]]
    left = [item for e in entries for item in e["leftover_items"]]
    print(f"faults injected: {len(faults)}")
    print(f"rows lost: {sum(e['rows_lost'] for e in faults)}")
    print(f"leftovers: {len(left)}")
    for item in left:
        print(f"  {item}")
    print(f"suite: pytest exit {suite.returncode} in {seconds:.0f} s")
    return suite.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
