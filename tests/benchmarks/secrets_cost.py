"""What keeping a secret out of the image costs, and what the audit costs. Prints figures, asserts nothing.

1. The BuildKit secret mount against the same build without it: scenarios/secrets' `buildkit-secret`
   variant (RUN --mount=type=secret, the artifact behind the token) against `no-secret` (the same download
   from the server's public path), BuildKit, cold, interleaved; the ratio of medians with its 95% bootstrap
   interval (bench.analysis.stats.ratio_of_medians_ci).
2. Audit time per GB of image: `docker save` plus the search of every layer and config, on images of
   several sizes (the engine's base images), split into save and search.

    .venv/bin/python tests/benchmarks/secrets_cost.py [HYDRA OVERRIDES...] [--repetitions N]
    .venv/bin/python tests/benchmarks/secrets_cost.py --run RUN_DIR     # figures of an existing run
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from omegaconf import OmegaConf
from rich.console import Console

from bench.analysis import stats
from bench.audit.leaks import Matcher, Secret, scan_saved
from bench.composition import compose
from bench.config import BenchConfig
from bench.report import cells as tables
from bench.run.experiment import run_experiment
from bench.store.results import load

MOUNTED, BASELINE = "buildkit-secret", "no-secret"
AUDITED_IMAGES = ("bench/busybox:latest", "bench/debian-gcc:bookworm", "bench/debian-python:bookworm")


def _config(overrides: list[str], repetitions: int) -> BenchConfig:
    defaults = ["experiment=secrets", "builder=buildkit", f"repetitions={repetitions}", "warmup=1"]
    config: BenchConfig = compose([*defaults, *overrides])
    config.scenario.variants = {MOUNTED: "Dockerfile", BASELINE: "Dockerfile.no-secret"}
    return config


def measure(config: BenchConfig) -> Path:
    run_dir = Path(tempfile.mkdtemp(prefix="bench-secrets-cost-"))
    run_experiment(config, OmegaConf.to_yaml(OmegaConf.structured(config)), run_dir, Console(width=160))
    return run_dir


def mount_cost(run_dir: Path) -> None:
    builds = load(run_dir).builds
    rows = builds[builds["builder"] == "buildkit"]
    mounted = tables.ok_times(rows[rows["variant"] == MOUNTED])
    baseline = tables.ok_times(rows[rows["variant"] == BASELINE])
    ratio = stats.ratio_of_medians_ci(mounted, baseline)
    print(f"run: {run_dir}")
    print(
        f"BuildKit cold build with the secret mount: median {stats.median(mounted):.3f} s (n={len(mounted)});"
        f" without (public download): median {stats.median(baseline):.3f} s (n={len(baseline)})"
    )
    print(
        f"secret mount / no secret: {ratio.estimate:.3f}x, 95% CI [{ratio.low:.3f}, {ratio.high:.3f}]"
        f" ({ratio.method}); {'a difference' if ratio.excludes(1.0) else 'no clear difference'}"
    )
    leaked = tables.measured(rows[rows["variant"] == MOUNTED])["leaked"].dropna()
    print(f"audited secret-mount builds: {len(leaked)}, leaked: {int(leaked.astype(bool).sum())}")
    audit_s = tables.measured(rows)["audit_s"].dropna()
    if not audit_s.empty:
        print(f"per-build audit (outside the timed span): median {audit_s.median():.3f} s")


def audit_throughput(config: BenchConfig, rounds: int = 3) -> None:
    from python_on_whales import DockerClient

    docker = DockerClient(context=config.engine.context)
    secret = Secret(b"not-in-any-image-0123456789abcdef")
    print(
        "image | archive MB (compressed layers) | content MB (files, uncompressed) | save s | search s"
        " | audit s per GB of content (save + search) | search MB/s of content"
    )
    for name in AUDITED_IMAGES:
        ref = f"{config.engine.registry}/{name}"
        try:
            docker.image.pull(ref, quiet=True)
        except Exception as error:  # an image this engine lacks is skipped, and said why
            print(f"{name}: not measured ({str(error).strip().splitlines()[-1][:100]})")
            continue
        saves, searches, size, content = [], [], 0, 0
        for _ in range(rounds):
            with tempfile.TemporaryDirectory(prefix="bench-audit-bench-") as scratch:
                archive = Path(scratch) / "image.tar"
                started = time.monotonic()
                docker.image.save(ref, output=archive)
                saves.append(time.monotonic() - started)
                size = archive.stat().st_size
                matcher = Matcher([secret])
                started = time.monotonic()
                found = scan_saved(matcher, archive)
                searches.append(time.monotonic() - started)
                content = matcher.searched_bytes
                assert not found
        save, search = statistics.median(saves), statistics.median(searches)
        print(
            f"{name} | {size / 1e6:.0f} | {content / 1e6:.0f} | {save:.2f} | {search:.2f}"
            f" | {(save + search) / (content / 1e9):.1f} | {content / 1e6 / search:.0f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", type=Path, help="read this run directory instead of measuring")
    parser.add_argument("--repetitions", type=int, default=10)
    ns, overrides = parser.parse_known_args()
    config = _config(overrides, ns.repetitions)
    mount_cost(ns.run or measure(config))
    audit_throughput(config)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
