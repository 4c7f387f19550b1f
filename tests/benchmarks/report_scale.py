"""Does the report scale? Generates a run of 100,000 build rows and 1,000,000 step rows, then times
`bench.store.results.load` (the first load reads the JSON lines and makes the Parquet copies, later loads
read the copies; `bench run` loads its run once for the summary, so users see the later kind), the whole
report (tables, claims, figures, Markdown, HTML) and `compare`.

Targets (the issue's): load under 2 s, report under 15 s. Prints the figures; asserts nothing.

    .venv/bin/python tests/benchmarks/report_scale.py [BUILDS] [STEPS_PER_BUILD] [DIR]
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: a run's metadata

from fakes import run_meta

from bench.store.results import BUILDS_FILE, META_FILE, STEPS_FILE
from bench.store.rows import PlanMeta

CELLS = [
    ("legacy", "none", "none", 20.0),
    ("buildkit", "none", "none", 10.0),
    ("legacy", "local", "source", 5.0),
    ("buildkit", "local", "source", 2.0),
]
STAGES = ("build-a", "build-b", "test", "runtime")


def generate(run_dir: Path, n_builds: int, steps_per_build: int, seed: int = 0) -> None:
    """Rows shaped like real ones (argv, env, engine_before included), written as bench writes them."""
    rng = random.Random(seed)
    run_dir.mkdir(parents=True, exist_ok=True)
    order = [f"multistage|{b}|{c}|{ch}" for b, c, ch, _ in CELLS] * (n_builds // len(CELLS))
    meta = run_meta(
        "scale",
        scenario="multistage",
        status="complete",
        config_yaml="scenario:\n  name: multistage\n",
        plan=PlanMeta(seed=0, repetitions=n_builds // len(CELLS), warmup=0, order=tuple(order)),
        environment={"kernel": "6.1.0", "cpu_count": 2},
    )
    (run_dir / META_FILE).write_text(json.dumps(meta.to_json()))
    with open(run_dir / BUILDS_FILE, "w") as builds, open(run_dir / STEPS_FILE, "w") as steps:
        for seq in range(n_builds):
            builder, cache, change, centre = CELLS[seq % len(CELLS)]
            cell = f"multistage|{builder}|{cache}|{change}"
            wall = rng.lognormvariate(0, 0.05) * centre
            row = {
                "run_id": "scale", "seq": seq, "round": seq // 4, "repetition": seq // 4, "warmup": False,
                "cell": cell, "scenario": "multistage", "builder": builder, "cache": cache, "change": change,
                "engine": "dedicated", "outcome": "ok", "wall_s": wall, "reset_s": 1.0, "prime_s": None,
                "steps_total": steps_per_build, "steps_cached": 0, "flags": [], "exit_code": 0,
                "error_tail": None, "image_id": "sha256:" + "0" * 64, "builder_evidence": "rawjson vertices",
                "argv": ["docker", "--context", "bench", "buildx", "build", "--progress=rawjson", "--tag",
                         f"bench-run/multistage:{builder}-{seq}", "/tmp/context"],
                "env": {}, "engine_before": {"images": 0, "snapshots": 0},
                "started_at": "2026-01-01T00:00:00",
            }  # fmt: skip
            builds.write(json.dumps(row) + "\n")
            t = 0.0
            lines = []
            for index in range(steps_per_build):
                stage = STAGES[index % len(STAGES)]
                duration = wall / steps_per_build
                lines.append(
                    json.dumps(
                        {
                            "run_id": "scale",
                            "seq": seq,
                            "cell": cell,
                            "builder": builder,
                            "index": index,
                            "name": f"RUN make step-{index}",
                            "stage": stage,
                            "platform": None,
                            "started_s": t,
                            "completed_s": t + duration,
                            "duration_s": duration,
                            "cached": cache != "none" and index < steps_per_build // 2,
                            "error": None,
                        }
                    )
                )
                t += duration * (0.5 if builder == "buildkit" else 1.0)
            steps.write("\n".join(lines) + "\n")


def timed(label: str, fn):
    start = time.perf_counter()
    value = fn()
    print(f"{label:<50} {time.perf_counter() - start:7.2f} s", flush=True)
    return value


def main() -> None:
    n_builds = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    per_build = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    base = Path(sys.argv[3]) if len(sys.argv) > 3 else Path(tempfile.mkdtemp(prefix="bench-scale-"))
    run_dir = base / "run"
    if not (run_dir / STEPS_FILE).exists():
        timed(
            f"generate {n_builds} builds, {n_builds * per_build} steps",
            lambda: generate(run_dir, n_builds, per_build),
        )
    size = sum(p.stat().st_size for p in run_dir.iterdir() if p.is_file()) / 1e6
    print(f"run directory {run_dir}: {size:.0f} MB")

    from bench.report.compare import compare_runs
    from bench.report.files import write_report
    from bench.report.model import build_report
    from bench.store.results import load

    timed("first load (JSON lines; makes the Parquet copies)", lambda: load(run_dir))
    run = timed("load (bench.store.results.load, from the copies)", lambda: load(run_dir))
    print(f"  {len(run.builds)} build rows, {len(run.steps)} step rows")
    report = timed("build_report (tables, claims)", lambda: build_report([run]))
    timed("write_report (figures, md, html)", lambda: write_report(report, base / "report"))
    timed("compare (run against itself)", lambda: compare_runs(run, run))
    timed("end to end: load + report", lambda: write_report(build_report([load(run_dir)]), base / "report2"))


if __name__ == "__main__":
    main()
