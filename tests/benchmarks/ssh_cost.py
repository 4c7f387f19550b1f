"""What SSH agent forwarding costs a build. Prints figures, asserts nothing.

scenarios/ssh under BuildKit, cold, interleaved: the `buildkit-ssh` clone (RUN --mount=type=ssh through
the run's ssh-agent) against
- `no-ssh`: the same clone of the same repository over git:// (no SSH at all): the mount plus the SSH
  transport;
- `copy-key`: the same clone over SSH with the key copied in (the legacy pattern): the mount alone.
Each as the ratio of medians with its 95% bootstrap interval (bench.analysis.stats.ratio_of_medians_ci).

    .venv/bin/python tests/benchmarks/ssh_cost.py [HYDRA OVERRIDES...] [--repetitions N]
    .venv/bin/python tests/benchmarks/ssh_cost.py --run RUN_DIR     # figures of an existing run
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from omegaconf import OmegaConf
from rich.console import Console

from bench.analysis import stats
from bench.composition import compose
from bench.config import BenchConfig
from bench.report import cells as tables
from bench.run.experiment import run_experiment
from bench.store.results import load

MOUNTED = "buildkit-ssh"
BASELINES = {"no-ssh": "Dockerfile.no-ssh", "copy-key": "Dockerfile.copy-key"}


def _config(overrides: list[str], repetitions: int) -> BenchConfig:
    defaults = ["experiment=ssh", "builder=buildkit", f"repetitions={repetitions}", "warmup=1"]
    config: BenchConfig = compose([*defaults, *overrides])
    config.scenario.variants = {MOUNTED: "Dockerfile", **BASELINES}
    return config


def measure(config: BenchConfig) -> Path:
    run_dir = Path(tempfile.mkdtemp(prefix="bench-ssh-cost-"))
    run_experiment(config, OmegaConf.to_yaml(OmegaConf.structured(config)), run_dir, Console(width=160))
    return run_dir


def report(run_dir: Path) -> None:
    builds = load(run_dir).builds
    rows = builds[builds["builder"] == "buildkit"]
    mounted = tables.ok_times(rows[rows["variant"] == MOUNTED])
    print(f"run: {run_dir}")
    print(f"{MOUNTED}: median {stats.median(mounted):.3f} s (n={len(mounted)})")
    for baseline in BASELINES:
        times = tables.ok_times(rows[rows["variant"] == baseline])
        ratio = stats.ratio_of_medians_ci(mounted, times)
        print(
            f"{MOUNTED} / {baseline} (median {stats.median(times):.3f} s, n={len(times)}):"
            f" {ratio.estimate:.3f}x, 95% CI [{ratio.low:.3f}, {ratio.high:.3f}] ({ratio.method});"
            f" {'a difference' if ratio.excludes(1.0) else 'no clear difference'}"
        )
    audited = tables.measured(rows)
    for variant, group in audited.groupby("variant"):
        leaked = group["leaked"].dropna().astype(bool)
        cloned = group["clone_verified"].dropna().astype(bool) if "clone_verified" in group else leaked[:0]
        print(
            f"{variant}: {len(leaked)} audited, {int(leaked.sum())} leaked;"
            f" clone verified in {int(cloned.sum())}"
        )
    audit_s = audited["audit_s"].dropna()
    if not audit_s.empty:
        print(f"per-build audit (outside the timed span): median {audit_s.median():.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", type=Path, help="read this run directory instead of measuring")
    parser.add_argument("--repetitions", type=int, default=10)
    ns, overrides = parser.parse_known_args()
    report(ns.run or measure(_config(overrides, ns.repetitions)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
