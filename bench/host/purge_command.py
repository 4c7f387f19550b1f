"""`bench engine purge [--yes]`: says what it will remove, asks (unless --yes), removes, reports."""

from __future__ import annotations

import sys
from collections.abc import Callable

from bench.config import CONF_DIR, BenchConfig, EngineConfig
from bench.host import purge, system


def engines_bench_starts(compose: Callable[[list[str]], BenchConfig]) -> list[EngineConfig]:
    """Every engine of conf/engine/ whose daemon bench starts on this machine."""
    found = []
    for path in sorted((CONF_DIR / "engine").glob("*.yaml")):
        engine = compose([f"engine={path.stem}"]).engine
        if engine.owned and engine.started_by_bench:
            found.append(engine)
    return found


def main(args: list[str], compose: Callable[[list[str]], BenchConfig]) -> int:
    system.require_root()
    unknown = [a for a in args if a != "--yes"]
    if unknown:
        print(f"bench: engine purge takes only --yes, not {' '.join(unknown)}", file=sys.stderr)
        return 2
    engines = engines_bench_starts(compose)
    print("bench engine purge will:")
    for line in purge.plan(engines):
        print(f"  - {line}")
    if "--yes" not in args:
        if not sys.stdin.isatty():
            print(
                "bench: not a terminal to ask in; run `bench engine purge --yes` to go ahead", file=sys.stderr
            )
            return 2
        if input("go ahead? [y/N] ").strip().lower() not in ("y", "yes"):
            print("nothing removed")
            return 1
    report = purge.purge(engines)
    for line in report.removed:
        print(f"removed: {line}")
    for line in report.left:
        print(f"left: {line}")
    return 0 if not report.left else 1
